/// One problem found in a user's file, printed the way compilers print them
/// (`path:line:column: error: message`) so that editors can jump to it.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// How bad it is.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    /// Where the problem is.
    public var location: SourceLocation
    /// How bad it is.
    public var severity: Severity
    /// What is wrong, in one sentence, naming the key or value.
    public var message: String

    /// - Parameters:
    ///   - location: where the problem is.
    ///   - severity: `.error` unless given.
    ///   - message: what is wrong.
    public init(_ location: SourceLocation, _ message: String, severity: Severity = .error) {
        self.location = location
        self.severity = severity
        self.message = message
    }

    /// `path:line:column: error: message`.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}
