/// A privacy receipt was refused: malformed, not canonical, or carrying
/// something that looks like personal data. Equal by ``code``.
public struct ReceiptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of refusal; may grow.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        /// A member the format does not know (receipts carry known fields only).
        public static let unknownField = Code(name: "unknownField")
        /// A required member is absent.
        public static let missingField = Code(name: "missingField")
        /// A member has the wrong JSON type or an out-of-range value.
        public static let invalidValue = Code(name: "invalidValue")
        /// A value looks like personal data (free text, an e-mail address,
        /// a phone number, a date) rather than a token, name or number.
        public static let personalDataSuspected = Code(name: "personalDataSuspected")
        /// A list is unsorted or has duplicates: the JSON is not canonical.
        public static let notCanonical = Code(name: "notCanonical")
        /// The signer failed while signing the receipt.
        public static let signingFailed = Code(name: "signingFailed")
        public var description: String { name }
    }

    /// The kind of refusal.
    public let code: Code
    /// The receipt member concerned, e.g. `minimisation.released[2]`.
    public let field: String
    /// What is wrong, for people.
    public let reason: String
    /// Where the error was raised.
    public let file: String
    /// The line where the error was raised.
    public let line: Int

    /// A refusal of kind `code` about `field`.
    /// - Parameters:
    ///   - code: the kind of refusal.
    ///   - field: the member concerned.
    ///   - reason: a sentence for people.
    public init(_ code: Code, field: String, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.field = field
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(field): \(code): \(reason)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
