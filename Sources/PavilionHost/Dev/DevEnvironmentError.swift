/// Why the development environment could not be prepared. Equal by ``code``.
public struct DevEnvironmentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, stable for callers to branch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The code's name, e.g. `corruptSecrets`.
        public var description: String { name }

        /// `dev-secrets.json` is not what this code writes (edited, truncated).
        public static let corruptSecrets = Code("corruptSecrets")
        /// The CA or server certificate files are unusable, or issuing failed.
        public static let tls = Code("tls")
        /// The store could not be opened or written.
        public static let store = Code("store")
        /// A folder or file could not be created, read or secured.
        public static let fileSystem = Code("fileSystem")
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong and what to do, for people.
    public let reason: String
    /// Where the error was raised.
    public let file: String
    /// Where the error was raised.
    public let line: Int

    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - reason: what went wrong, naming the file.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// Equal when the codes are equal.
    public static func == (lhs: DevEnvironmentError, rhs: DevEnvironmentError) -> Bool { lhs.code == rhs.code }

    /// `code: reason`.
    public var description: String { "\(code): \(reason)" }
}
