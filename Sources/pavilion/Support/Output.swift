import Foundation

/// Where the command writes: results to stdout, progress and errors to stderr.
enum Output {
    /// Write a line to standard output.
    static func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Write a line to standard error.
    static func err(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
