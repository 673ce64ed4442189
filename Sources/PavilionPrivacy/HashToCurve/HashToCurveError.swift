import PavilionCrypto

/// Why hashing to a curve failed. Equal by ``code``.
public struct HashToCurveError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; may grow.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// `expand_message_xmd` was asked for more than 65535 bytes or 255 hash blocks (RFC 9380 §5.3.1).
        public static let invalidLength = Code("InvalidLength")
        /// An OpenSSL call failed; ``HashToCurveError/reason`` names it.
        public static let cryptoFailure = Code("CryptoFailure")

        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// Details for logs, e.g. the OpenSSL call and its message.
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

    /// Wrap an OpenSSL failure.
    init(_ error: CryptoError, file: String = #fileID, line: Int = #line) {
        self.init(.cryptoFailure, error.description, file: file, line: line)
    }

    public static func == (lhs: HashToCurveError, rhs: HashToCurveError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { "\(code): \(reason) (\(file):\(line))" }
}
