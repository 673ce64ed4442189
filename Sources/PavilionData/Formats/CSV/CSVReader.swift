/// A strict, incremental RFC 4180 reader for untrusted input.
///
/// Feed it chunks of bytes as they arrive; it hands back each record as
/// soon as its line end is seen, so a large file never has to sit in
/// memory as a whole.
///
/// ```swift
/// var reader = CSVReader()
/// for chunk in chunks { for record in try reader.read(chunk) { … } }
/// for record in try reader.finish() { … }
/// ```
///
/// The grammar is RFC 4180 §2: fields separated by `,`; a field that holds
/// `,`, `"` or a line break is enclosed in `"`, and a `"` inside it is
/// written twice; spaces are part of a field. Beyond the RFC:
/// - Records may end with CRLF (the RFC's form) **or** LF; a CR not
///   followed by LF outside quotes is refused. Line breaks inside quoted
///   fields are kept exactly as written.
/// - The last record may end without a line break; an empty input has no
///   records. An empty line is a record with one empty field (so it is a
///   ragged row unless records have one field).
/// - A UTF-8 byte order mark at the very start is skipped.
///
/// Refused, with the position: a `"` inside an unquoted field, anything
/// but `,` or a line end after a closing quote, an unterminated quoted
/// field, rows with a different number of fields from the first,
/// invalid UTF-8, NUL bytes, and input beyond the ``Limits``.
public struct CSVReader: Sendable {
    /// Bounds the reader enforces.
    public struct Limits: Sendable, Hashable {
        /// Most input accepted, in bytes (default 64 MiB).
        public var maxBytes: Int
        /// Longest field, in bytes after unquoting (default 1 MiB).
        public var maxFieldBytes: Int
        /// Most fields in one record (default 1024).
        public var maxColumns: Int
        /// Most records, header included (default 1 000 000).
        public var maxRecords: Int

        /// - Parameters:
        ///   - maxBytes: most input accepted.
        ///   - maxFieldBytes: longest field.
        ///   - maxColumns: most fields per record.
        ///   - maxRecords: most records.
        public init(maxBytes: Int = 64 << 20, maxFieldBytes: Int = 1 << 20, maxColumns: Int = 1024,
                    maxRecords: Int = 1_000_000) {
            self.maxBytes = maxBytes
            self.maxFieldBytes = maxFieldBytes
            self.maxColumns = maxColumns
            self.maxRecords = maxRecords
        }
    }

    private enum State {
        /// Before the first character of a field.
        case fieldStart
        /// Inside a field that did not start with a quote.
        case unquoted
        /// Inside a quoted field.
        case quoted
        /// Just after a `"` inside a quoted field: a doubled quote or the end.
        case quoteInQuoted
        /// Just after a CR outside quotes; only LF may follow.
        case carriageReturn
        /// An error was thrown; the reader accepts nothing more and repeats it.
        case failed(CSVError)
    }

    /// The bounds in force.
    public let limits: Limits

    private var state = State.fieldStart
    private var utf8 = UTF8Validator()
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var positions: [CSVRecord.Position] = []
    private var fieldStart = CSVRecord.Position(line: 1, column: 1)
    /// Position of the byte being read.
    private var line = 1
    private var column = 0
    private var bytesRead = 0
    private var recordCount = 0
    private var expectedFields: Int?
    /// Bytes of a possible byte order mark at the start, held until decided.
    private var bomBytes: [UInt8] = []
    private var bomDecided = false

    /// - Parameter limits: the bounds to enforce.
    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Read the next chunk of input.
    /// - Parameter chunk: the bytes, continuing where the last chunk ended
    ///   (a chunk may end anywhere, even inside a UTF-8 sequence).
    /// - Returns: the records completed by this chunk, in order.
    /// - Throws: ``CSVError`` with the position of the offending byte; the
    ///   reader then refuses further input.
    public mutating func read<Bytes: Sequence>(_ chunk: Bytes) throws(CSVError) -> [CSVRecord] where Bytes.Element == UInt8 {
        var out: [CSVRecord] = []
        for byte in chunk {
            if !bomDecided {
                bomBytes.append(byte)
                let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                if bomBytes == Array(bom.prefix(bomBytes.count)) {
                    if bomBytes.count < 3 { continue }
                    bomDecided = true
                    bytesRead = 3
                    continue
                }
                bomDecided = true
                let held = bomBytes
                bomBytes = []
                for b in held { try consume(b, into: &out) }
                continue
            }
            try consume(byte, into: &out)
        }
        return out
    }

    /// Signal the end of input.
    /// - Returns: the last record when the input did not end with a line break.
    /// - Throws: ``CSVError`` for an unterminated quoted field, a trailing
    ///   bare CR or a truncated UTF-8 sequence.
    public mutating func finish() throws(CSVError) -> [CSVRecord] {
        var out: [CSVRecord] = []
        if !bomDecided {
            bomDecided = true
            let held = bomBytes
            bomBytes = []
            // A lone prefix of a BOM is not a BOM: read it as data.
            if held.count < 3 { for b in held { try consume(b, into: &out) } }
        }
        guard utf8.isComplete else {
            throw fail(.invalidUTF8, "input ends inside a UTF-8 sequence", line: line, column: column)
        }
        switch state {
        case .failed(let error):
            throw error
        case .quoted:
            throw fail(.unterminatedQuote, "quoted field opened here is never closed", line: fieldStart.line, column: fieldStart.column)
        case .carriageReturn:
            throw fail(.bareCarriageReturn, "carriage return not followed by a line feed; lines must end with CRLF or LF",
                       line: line, column: column)
        case .fieldStart:
            if !fields.isEmpty { try endRecord(into: &out) }
        case .unquoted, .quoteInQuoted:
            try endRecord(into: &out)
        }
        return out
    }

    private mutating func fail(_ code: CSVError.Code, _ reason: String, line: Int, column: Int,
                               fileID: String = #fileID, sourceLine: Int = #line) -> CSVError {
        let error = CSVError(code, reason, line: line, column: column, fileID: fileID, sourceLine: sourceLine)
        state = .failed(error)
        return error
    }

    private mutating func consume(_ byte: UInt8, into out: inout [CSVRecord]) throws(CSVError) {
        if case .failed(let error) = state { throw error }
        bytesRead += 1
        guard bytesRead <= limits.maxBytes else {
            throw fail(.tooLarge, "input exceeds the limit of \(limits.maxBytes) bytes", line: line, column: column)
        }
        let midSequence = !utf8.isComplete
        switch utf8.step(byte) {
        case .lead: column += 1
        case .continuation: break
        case .invalid:
            throw fail(.invalidUTF8, "invalid UTF-8 byte 0x\(String(byte, radix: 16, uppercase: true))",
                       line: line, column: midSequence ? column : column + 1)
        }
        guard byte != 0 else {
            throw fail(.nulByte, "NUL byte; CSV fields hold text", line: line, column: column)
        }
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        let here = CSVRecord.Position(line: line, column: column)
        switch state {
        case .failed:
            break
        case .fieldStart:
            fieldStart = here
            switch byte {
            case quote: state = .quoted
            case comma: try endField()
            case cr: state = .carriageReturn
            case lf: try endLine(into: &out)
            default:
                try append(byte)
                state = .unquoted
            }
        case .unquoted:
            switch byte {
            case quote:
                throw fail(.unexpectedQuote, "quote inside an unquoted field; enclose the whole field in quotes and double the quote",
                           line: line, column: column)
            case comma:
                try endField()
                state = .fieldStart
            case cr: state = .carriageReturn
            case lf: try endLine(into: &out)
            default: try append(byte)
            }
        case .quoted:
            if byte == quote {
                state = .quoteInQuoted
            } else {
                try append(byte)
            }
        case .quoteInQuoted:
            switch byte {
            case quote:
                try append(quote)
                state = .quoted
            case comma:
                try endField()
                state = .fieldStart
            case cr: state = .carriageReturn
            case lf: try endLine(into: &out)
            default:
                throw fail(.unexpectedQuote, "unexpected character after a closing quote; a quote inside a quoted field is written twice",
                           line: line, column: column)
            }
        case .carriageReturn:
            guard byte == lf else {
                throw fail(.bareCarriageReturn, "carriage return not followed by a line feed; lines must end with CRLF or LF",
                           line: line, column: column - 1)
            }
            try endLine(into: &out)
        }
        if byte == lf {
            line += 1
            column = 0
        }
    }

    private mutating func append(_ byte: UInt8) throws(CSVError) {
        guard field.count < limits.maxFieldBytes else {
            throw fail(.fieldTooLong, "field longer than the limit of \(limits.maxFieldBytes) bytes",
                       line: fieldStart.line, column: fieldStart.column)
        }
        field.append(byte)
    }

    private mutating func endField() throws(CSVError) {
        guard fields.count < limits.maxColumns else {
            throw fail(.tooManyColumns, "record has more than \(limits.maxColumns) fields",
                       line: fieldStart.line, column: fieldStart.column)
        }
        // Validated as UTF-8 byte by byte, so decoding repairs nothing.
        fields.append(String(decoding: field, as: UTF8.self))
        positions.append(fieldStart)
        field.removeAll(keepingCapacity: true)
    }

    /// A line end outside quotes: the current field and record are done.
    private mutating func endLine(into out: inout [CSVRecord]) throws(CSVError) {
        try endRecord(into: &out)
        state = .fieldStart
    }

    private mutating func endRecord(into out: inout [CSVRecord]) throws(CSVError) {
        if case .fieldStart = state, fields.isEmpty {
            // An empty line: one empty field starting at the line end.
            fieldStart = CSVRecord.Position(line: line, column: column)
        }
        try endField()
        let record = CSVRecord(fields: fields, positions: positions)
        fields.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        recordCount += 1
        guard recordCount <= limits.maxRecords else {
            throw fail(.tooManyRecords, "more than \(limits.maxRecords) records", line: record.line, column: 1)
        }
        if let expected = expectedFields {
            guard record.fields.count == expected else {
                throw fail(.raggedRow, "record has \(record.fields.count) fields; the first record has \(expected)",
                           line: record.line, column: 1)
            }
        } else {
            expectedFields = record.fields.count
        }
        out.append(record)
    }
}
