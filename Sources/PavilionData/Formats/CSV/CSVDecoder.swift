import PavilionCore

/// Maps CSV (RFC 4180) to Pavilion's JSON data model: an array with one
/// object per record, keyed by the header's column names.
///
/// Every value is a JSON string unless its column is typed in
/// ``Options/columnTypes``. A typed field that is empty becomes `null`;
/// anything else that does not fit the type is refused with its position.
///
/// ```swift
/// let rows = try CSVDecoder(options: .init(columnTypes: ["age": .integer])).decode(bytes)
/// // [{"name": "Ada", "age": 36}, …]
/// ```
public struct CSVDecoder: Sendable {
    /// The type a column's fields are converted to.
    public enum ColumnType: String, Sendable, Hashable, CaseIterable {
        /// Text as written (the default for every column).
        case string
        /// `-?(0|[1-9][0-9]*)` within 64 bits, as a JSON integer.
        case integer
        /// A JSON number (`-1.5e3`); integral values without fraction or
        /// exponent become integers; values beyond `Double` are refused.
        case number
        /// `true` or `false`, lowercase.
        case boolean
    }

    /// Where the column names come from.
    public enum Header: Sendable, Hashable {
        /// The first record names the columns (RFC 4180's optional header).
        case firstRecord
        /// The input has no header; these are the names, one per field.
        case names([String])
    }

    /// How input is read and mapped.
    public struct Options: Sendable, Hashable {
        /// Where the column names come from (default: the first record).
        public var header: Header
        /// Columns converted from text, by name; others stay strings.
        public var columnTypes: [String: ColumnType]
        /// Bounds on the input.
        public var limits: CSVReader.Limits

        /// - Parameters:
        ///   - header: where column names come from.
        ///   - columnTypes: typed columns by name.
        ///   - limits: bounds on the input.
        public init(header: Header = .firstRecord, columnTypes: [String: ColumnType] = [:],
                    limits: CSVReader.Limits = CSVReader.Limits()) {
            self.header = header
            self.columnTypes = columnTypes
            self.limits = limits
        }
    }

    /// The options in force.
    public let options: Options

    /// - Parameter options: header, column types and limits.
    public init(options: Options = Options()) { self.options = options }

    /// Decode a whole CSV document.
    /// - Parameter bytes: the UTF-8 input.
    /// - Returns: a JSON array of objects, one per record after the header.
    /// - Throws: ``CSVError`` with the line and column of the first problem.
    public func decode<Bytes: Sequence>(_ bytes: Bytes) throws(CSVError) -> JSONValue where Bytes.Element == UInt8 {
        var stream = makeStream()
        var rows = try stream.read(bytes)
        rows += try stream.finish()
        return .array(rows)
    }

    /// A stream that maps records to objects as chunks arrive.
    /// - Returns: a fresh stream using these options.
    public func makeStream() -> CSVObjectStream { CSVObjectStream(options: options) }
}

/// Incremental CSV-to-JSON mapping; see ``CSVDecoder``.
public struct CSVObjectStream: Sendable {
    private var reader: CSVReader
    private let options: CSVDecoder.Options
    private var columns: [String]?

    init(options: CSVDecoder.Options) {
        self.options = options
        reader = CSVReader(limits: options.limits)
        if case .names(let names) = options.header { columns = names }
    }

    /// Read the next chunk.
    /// - Parameter chunk: the bytes, continuing the previous chunk.
    /// - Returns: one JSON object per record completed by this chunk.
    /// - Throws: ``CSVError`` with the position of the first problem.
    public mutating func read<Bytes: Sequence>(_ chunk: Bytes) throws(CSVError) -> [JSONValue] where Bytes.Element == UInt8 {
        try map(reader.read(chunk))
    }

    /// Signal the end of input.
    /// - Returns: the object for a last record without a line break.
    /// - Throws: ``CSVError``; also when the header was expected but the
    ///   input is empty.
    public mutating func finish() throws(CSVError) -> [JSONValue] {
        let out = try map(reader.finish())
        if columns == nil {
            throw CSVError(.badHeader, "input is empty; expected a header record", line: 1, column: 1)
        }
        return out
    }

    private mutating func map(_ records: [CSVRecord]) throws(CSVError) -> [JSONValue] {
        var out: [JSONValue] = []
        for record in records {
            guard let columns else {
                try takeHeader(record)
                continue
            }
            guard record.fields.count == columns.count else {
                throw CSVError(.raggedRow, "record has \(record.fields.count) fields; the header names \(columns.count)",
                               line: record.line, column: 1)
            }
            var object: [String: JSONValue] = [:]
            object.reserveCapacity(columns.count)
            for (i, name) in columns.enumerated() {
                let type = options.columnTypes[name] ?? .string
                object[name] = try Self.convert(record.fields[i], to: type, column: name, at: record.positions[i])
            }
            out.append(.object(object))
        }
        return out
    }

    private mutating func takeHeader(_ record: CSVRecord) throws(CSVError) {
        var seen: Set<String> = []
        for (name, position) in zip(record.fields, record.positions) {
            guard !name.isEmpty else {
                throw CSVError(.badHeader, "empty column name in the header", line: position.line, column: position.column)
            }
            guard seen.insert(name).inserted else {
                throw CSVError(.badHeader, "column name \"\(name.prefix(64))\" appears twice in the header",
                               line: position.line, column: position.column)
            }
        }
        for name in options.columnTypes.keys.sorted() where !seen.contains(name) {
            throw CSVError(.badHeader, "typed column \"\(name)\" is not in the header", line: record.line, column: 1)
        }
        columns = record.fields
    }

    static func convert(_ text: String, to type: CSVDecoder.ColumnType, column: String,
                        at position: CSVRecord.Position) throws(CSVError) -> JSONValue {
        if type == .string { return .string(text) }
        if text.isEmpty { return .null }
        func refuse(_ why: String) -> CSVError {
            CSVError(.invalidValue, "column \"\(column)\": \(why)", line: position.line, column: position.column)
        }
        let bytes = Array(text.utf8)
        switch type {
        case .string:
            return .string(text)
        case .boolean:
            switch text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw refuse("expected true or false")
            }
        case .integer:
            guard NumberSyntax.isInteger(bytes) else { throw refuse("expected an integer (digits, optional leading '-', no leading zeros)") }
            guard let value = Int64(text) else { throw refuse("integer outside the 64-bit range") }
            return .int(value)
        case .number:
            guard NumberSyntax.isJSONNumber(bytes) else { throw refuse("expected a number in JSON syntax, e.g. -12.5e3") }
            if NumberSyntax.isInteger(bytes), let value = Int64(text) { return .int(value) }
            guard let value = Double(text), value.isFinite else { throw refuse("number too large for a 64-bit float") }
            return .double(value)
        }
    }
}

/// The number grammars typed columns accept.
enum NumberSyntax {
    /// `-?(0|[1-9][0-9]*)`.
    static func isInteger(_ b: [UInt8]) -> Bool {
        var i = 0
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        let digits = b[i...]
        guard let first = digits.first, digits.allSatisfy(isDigit) else { return false }
        return first != UInt8(ascii: "0") || digits.count == 1
    }

    /// RFC 8259 §6 `number`.
    static func isJSONNumber(_ b: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int {
            let start = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            return i - start
        }
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count else { return false }
        if b[i] == UInt8(ascii: "0") {
            i += 1
        } else if digits() == 0 {
            return false
        }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == b.count
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
