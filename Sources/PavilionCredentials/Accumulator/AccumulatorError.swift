/// Why an accumulator operation failed. Equal by ``code``.
public struct AccumulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Parameters or a published value are malformed (modulus size, generator).
        case invalidParameters
        /// Adding a member twice, or deleting a non-member.
        case membership
        /// An update does not follow the witness's epoch, or does not apply.
        case updateMismatch
        /// The witness's own element was deleted: it can never verify again.
        case deleted
        /// OpenSSL failed (the call and reason in ``reason``).
        case cryptoFailure
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

    public static func == (lhs: AccumulatorError, rhs: AccumulatorError) -> Bool { lhs.code == rhs.code }
}
