/// Why the service could not start or reload. Equal by code.
public struct HostServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes.
    public enum Code: String, Sendable, Hashable {
        /// The configuration (or the secrets file) is invalid.
        case configuration
        /// The listener could not be set up (bind, TLS files).
        case listen
        /// The event loops or the DP client could not be created.
        case network
        /// A change needs a restart (listen address, data directory).
        case restartRequired = "restart_required"
    }

    /// The code.
    public var code: Code
    /// What went wrong, for the operator.
    public var reason: String
    /// Where the error was made.
    public var file: String
    /// Where the error was made.
    public var line: Int

    /// - Parameters: code and reason; file and line default to the caller.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(code.rawValue): \(reason)" }
    public static func == (a: HostServiceError, b: HostServiceError) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
