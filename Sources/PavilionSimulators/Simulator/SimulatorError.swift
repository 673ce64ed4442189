/// Why a simulator could not be configured, started or reconfigured.
/// Equal by code.
public struct SimulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes.
    public enum Code: String, Sendable, Hashable {
        /// A fault setting is unknown, of the wrong type or out of bounds.
        case invalidFaults = "invalid_faults"
        /// A seed-people file cannot be read or holds an invalid person.
        case invalidPeople = "invalid_people"
        /// The configuration is inconsistent (e.g. a TLS certificate without a key).
        case invalidConfiguration = "invalid_configuration"
        /// The server could not be created or bound.
        case startFailed = "start_failed"
    }

    /// The code.
    public var code: Code
    /// Details for people.
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
    public static func == (lhs: SimulatorError, rhs: SimulatorError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
