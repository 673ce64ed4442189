/// Why a private-set-intersection step was refused or failed. Equal by
/// ``code``; ``reason`` says what exactly (never an element of either set).
public struct PSIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, machine-readable kinds of failure.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A set file is missing, unreadable, or has an invalid line
        /// (not UTF-8, empty, longer than 65535 bytes).
        case invalidSet
        /// A message does not parse: wrong length, a point off the curve or
        /// the identity, an unknown session, a count out of range.
        case malformedMessage
        /// The peer speaks another protocol, suite or mode.
        case protocolMismatch
        /// The request is valid but refused: the server's evaluation budget
        /// or session limit is spent, or the mode does not allow it.
        case refused
        /// The cache directory cannot be read or written, or a cache file is corrupt.
        case cacheIO
        /// The server cannot be reached or answered with an error.
        case transport
        /// An OpenSSL call failed.
        case cryptoFailure
    }

    /// What went wrong.
    public let code: Code
    /// Details for logs and the command line.
    public let reason: String
    /// Where the error was raised.
    public let file: String
    /// The line where the error was raised.
    public let line: Int

    /// An error with `code` and `reason`, recording the caller's location.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public static func == (lhs: PSIError, rhs: PSIError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { "\(code.rawValue): \(reason)" }
}
