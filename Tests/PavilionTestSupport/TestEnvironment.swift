import Foundation

/// Where things are when tests run, and small helpers to run real programs.
public enum TestEnvironment {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The build products folder of this test run (`.build/debug`), found
    /// from the test executable's own path.
    public static let buildDirectory: URL = {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // On Linux the test runner is `<build>/PavilionPackageTests.xctest`.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("pavilion").path),
              dir.path != "/" {
            dir.deleteLastPathComponent()
        }
        return dir
    }()

    /// The `pavilion` executable built with these tests.
    public static var pavilionBinary: URL { buildDirectory.appendingPathComponent("pavilion") }

    /// A shipped connector library built with these tests, e.g. `pv_echo`.
    public static func connectorLibrary(_ product: String) -> URL {
        buildDirectory.appendingPathComponent("lib\(product).so")
    }

    /// Fixture folder `Tests/Fixtures/<topic>`.
    public static func fixtures(_ topic: String) -> URL {
        packageRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(topic)
    }

    /// A fresh, empty temporary folder; removed by `removeTemporaryDirectory`.
    public static func makeTemporaryDirectory(_ label: String = "pavilion-test") throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The outcome of a finished process.
    public struct ProcessResult: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        /// - Parameters: the fields above.
        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// Run `executable` with `arguments` to completion, capturing its output.
    /// - Parameters:
    ///   - executable: the program.
    ///   - arguments: its arguments.
    ///   - directory: working directory, the package root unless given.
    ///   - stdin: bytes to write to its standard input, if any.
    /// - Returns: exit status and both outputs.
    public static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                           stdin: Data? = nil) throws -> ProcessResult {
        try Spawn.run(executable.path, arguments, directory: (directory ?? packageRoot).path, stdin: stdin)
    }

    /// Run the `pavilion` binary built with these tests.
    public static func pavilion(_ arguments: [String], in directory: URL? = nil, stdin: Data? = nil) throws -> ProcessResult {
        try run(pavilionBinary, arguments, in: directory, stdin: stdin)
    }

    /// Compile a C connector source into a shared library with the system C
    /// compiler, against `include/pavilion/connector.h`.
    /// - Returns: the path of the built `.so`.
    public static func compileCConnector(source: URL, output: URL, extraFlags: [String] = []) throws -> URL {
        let include = packageRoot.appendingPathComponent("include").path
        let cc = ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/cc"
        let result = try run(URL(fileURLWithPath: cc),
                             ["-std=c11", "-Wall", "-Werror", "-O2", "-fPIC", "-shared", "-I", include,
                              "-o", output.path, source.path] + extraFlags)
        guard result.status == 0 else {
            throw NSError(domain: "cc", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr])
        }
        return output
    }
}

