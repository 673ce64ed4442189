/// One CSV record: its fields as text and where each began.
public struct CSVRecord: Sendable, Hashable {
    /// Where a field starts: its first character, or the opening quote.
    public struct Position: Sendable, Hashable, CustomStringConvertible {
        /// 1-based line.
        public var line: Int
        /// 1-based column, in Unicode scalars.
        public var column: Int

        /// - Parameters:
        ///   - line: 1-based line.
        ///   - column: 1-based column.
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }

        /// `line:column`.
        public var description: String { "\(line):\(column)" }
    }

    /// The fields, unquoted, with doubled quotes made single.
    public var fields: [String]
    /// The start of each field, in the same order as ``fields``.
    public var positions: [Position]

    /// - Parameters:
    ///   - fields: the field texts.
    ///   - positions: one start per field.
    public init(fields: [String], positions: [Position]) {
        self.fields = fields
        self.positions = positions
    }

    /// 1-based line on which the record starts.
    public var line: Int { positions.first?.line ?? 0 }
}
