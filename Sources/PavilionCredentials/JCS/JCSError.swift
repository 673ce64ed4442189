/// Why a value has no RFC 8785 canonical form. Equal by ``code``.
public struct JCSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable, machine-readable kinds of failure.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The input text is not JSON (or holds duplicate member names).
        case invalidJSON
        /// NaN or an infinity: JSON and ES6 have no text for them (RFC 8785 §3.2.2.3).
        case nonFiniteNumber
        /// An integer that an IEEE 754 double cannot hold exactly, so canonicalising
        /// it would change its value; RFC 8785 Appendix D asks for a string instead.
        case inexactInteger
    }

    /// The kind of failure.
    public let code: Code
    /// What exactly was wrong.
    public let reason: String
    /// Where the error was raised.
    public let file: String
    /// Where the error was raised.
    public let line: Int

    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - reason: what exactly was wrong.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(code.rawValue): \(reason)" }

    public static func == (lhs: JCSError, rhs: JCSError) -> Bool { lhs.code == rhs.code }
}
