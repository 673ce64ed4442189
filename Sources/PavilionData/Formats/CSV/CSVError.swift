/// Why CSV input was refused, and where.
///
/// Equal by ``code``, so callers can match the kind of problem while the
/// reason and position stay free to improve. The reason never quotes field
/// contents: CSV files carry personal data and errors end up in logs.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of problem CSV input can have.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The code's name, e.g. `unterminatedQuote`.
        public var description: String { name }

        /// A quoted field runs to the end of the input.
        public static let unterminatedQuote = Code("unterminatedQuote")
        /// A `"` inside an unquoted field, or a character other than `"`,
        /// `,` or a line end right after a closing quote.
        public static let unexpectedQuote = Code("unexpectedQuote")
        /// A carriage return not followed by a line feed, outside quotes.
        public static let bareCarriageReturn = Code("bareCarriageReturn")
        /// A record with a different number of fields than the first.
        public static let raggedRow = Code("raggedRow")
        /// A field longer than ``CSVReader/Limits/maxFieldBytes``.
        public static let fieldTooLong = Code("fieldTooLong")
        /// A record with more fields than ``CSVReader/Limits/maxColumns``.
        public static let tooManyColumns = Code("tooManyColumns")
        /// More records than ``CSVReader/Limits/maxRecords``.
        public static let tooManyRecords = Code("tooManyRecords")
        /// More input than ``CSVReader/Limits/maxBytes``.
        public static let tooLarge = Code("tooLarge")
        /// Bytes that are not well-formed UTF-8.
        public static let invalidUTF8 = Code("invalidUTF8")
        /// A NUL byte, which no text field holds.
        public static let nulByte = Code("nulByte")
        /// The header is unusable: an empty or repeated column name, or a
        /// typed column the header does not have.
        public static let badHeader = Code("badHeader")
        /// A field in a typed column does not hold a value of that type.
        public static let invalidValue = Code("invalidValue")
    }

    /// The kind of problem.
    public let code: Code
    /// What is wrong, for people; never quotes field contents.
    public let reason: String
    /// 1-based line of the offending character (a line break inside a
    /// quoted field starts a new line).
    public let line: Int
    /// 1-based column of the offending character, counted in Unicode scalars.
    public let column: Int
    /// Where in Pavilion the error was raised (`#fileID:#line`).
    public let raisedAt: String

    /// - Parameters:
    ///   - code: the kind of problem.
    ///   - reason: what is wrong, without field contents.
    ///   - line: 1-based line in the input.
    ///   - column: 1-based column in the input.
    public init(_ code: Code, _ reason: String, line: Int, column: Int, fileID: String = #fileID, sourceLine: Int = #line) {
        self.code = code
        self.reason = reason
        self.line = line
        self.column = column
        self.raisedAt = "\(fileID):\(sourceLine)"
    }

    /// `line:column: reason`.
    public var description: String { "\(line):\(column): \(reason)" }

    /// Equal when the codes are equal.
    public static func == (lhs: CSVError, rhs: CSVError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
