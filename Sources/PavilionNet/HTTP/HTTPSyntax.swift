/// Byte-level rules of RFC 9110/9112 shared by the request and response parsers.
enum HTTPSyntax {
    static let cr: UInt8 = 13
    static let lf: UInt8 = 10
    static let sp: UInt8 = 32
    static let htab: UInt8 = 9

    /// tchar (RFC 9110 §5.6.2).
    static func isTokenChar(_ c: UInt8) -> Bool {
        switch c {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    /// field-vchar, SP or HTAB (obs-text allowed, CTLs and DEL refused).
    static func isFieldValueChar(_ c: UInt8) -> Bool {
        c == htab || c == sp || (c >= 0x21 && c != 0x7F)
    }

    static func isVisible(_ c: UInt8) -> Bool { c >= 0x21 && c <= 0x7E }

    static let crlfBytes: [UInt8] = [0x0D, 0x0A]

    /// Append `name: value` and CRLF (both already checked).
    static func appendField(_ name: String, _ value: String, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(sp)
        bytes.append(contentsOf: value.utf8)
        bytes.append(contentsOf: crlfBytes)
    }

    /// `content-length`, `transfer-encoding` or `connection` (any case):
    /// the fields the server and client set themselves.
    static func isFramingField(_ name: String) -> Bool {
        HTTPHeaders.equalsIgnoringCase(name, "content-length") || HTTPHeaders.equalsIgnoringCase(name, "transfer-encoding")
            || HTTPHeaders.equalsIgnoringCase(name, "connection")
    }

    /// Parse one `name: value` line (without CRLF).
    static func parseField(_ buffer: [UInt8], _ range: Range<Int>) -> Result<(String, String), HTTPParserError> {
        guard let first = range.first else { return .failure(.init(.invalidHeaderName, "empty header line")) }
        if buffer[first] == sp || buffer[first] == htab {
            return .failure(.init(.obsoleteLineFolding, "obsolete line folding is not accepted"))
        }
        var colon = first
        while colon < range.upperBound && buffer[colon] != UInt8(ascii: ":") {
            guard isTokenChar(buffer[colon]) else {
                return .failure(.init(.invalidHeaderName, "header name contains byte 0x\(String(buffer[colon], radix: 16))"))
            }
            colon += 1
        }
        guard colon < range.upperBound, colon > first else {
            return .failure(.init(.invalidHeaderName, "header line without a name and colon"))
        }
        var valueStart = colon + 1
        var valueEnd = range.upperBound
        while valueStart < valueEnd && (buffer[valueStart] == sp || buffer[valueStart] == htab) { valueStart += 1 }
        while valueEnd > valueStart && (buffer[valueEnd - 1] == sp || buffer[valueEnd - 1] == htab) { valueEnd -= 1 }
        for i in valueStart..<valueEnd where !isFieldValueChar(buffer[i]) {
            return .failure(.init(.invalidHeaderValue, "header value contains control byte 0x\(String(buffer[i], radix: 16))"))
        }
        let name = String(decoding: buffer[first..<colon], as: UTF8.self)
        let value = String(decoding: buffer[valueStart..<valueEnd], as: UTF8.self)
        return .success((name, value))
    }

    /// Content-Length digits → value; nil if not 1...18 ASCII digits.
    static func parseContentLength(_ text: String) -> Int? {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= 18 else { return nil }
        var value = 0
        for c in utf8 {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            value = value * 10 + Int(c - 0x30)
        }
        return value
    }
}

/// Finds the lines of a message head, CRLF-terminated, up to the empty line.
/// Bare LF is refused (documented policy: a lone LF is a smuggling vector).
struct HeadScanner {
    enum Result {
        case needMoreData
        case complete(lines: [Range<Int>], end: Int)
        case failed(HTTPParserError)
    }

    private(set) var headStart: Int
    private var lineStart: Int
    private var scanIndex: Int
    private var lines: [Range<Int>] = []
    private var skippedEmptyLines = 0

    init(start: Int) {
        headStart = start
        lineStart = start
        scanIndex = start
    }

    /// Scan new bytes of `buffer`.
    /// - Parameters:
    ///   - firstLineLimit: the longest first line (request line or status line).
    ///   - firstLineError: the error for a longer one (built only then: the
    ///     request parser's names the limit, and interpolating it on every
    ///     scan cost ~1.5k instructions).
    ///   - headLimit: the largest head in bytes.
    ///   - maxFields: the most header fields.
    mutating func scan(_ buffer: [UInt8], firstLineLimit: Int, firstLineError: @autoclosure () -> HTTPParserError,
                       headLimit: Int, maxFields: Int) -> Result {
        let end = buffer.count
        var i = scanIndex
        while i < end {
            if buffer[i] == HTTPSyntax.lf {
                guard i > lineStart, buffer[i - 1] == HTTPSyntax.cr else {
                    return .failed(.init(.bareLineFeed, "line ended by LF without CR"))
                }
                let content = lineStart..<(i - 1)
                if content.isEmpty {
                    if lines.isEmpty {
                        // Robustness (RFC 9112 §2.2): ignore a few empty lines before the start line.
                        skippedEmptyLines += 1
                        guard skippedEmptyLines <= 4 else { return .failed(.init(.invalidRequestLine, "empty lines before the start line")) }
                        headStart = i + 1
                        lineStart = i + 1
                        i += 1
                        continue
                    }
                    guard i + 1 - headStart <= headLimit else {
                        return .failed(.init(.headerSectionTooLarge, "header section exceeds \(headLimit) bytes"))
                    }
                    scanIndex = i + 1
                    return .complete(lines: lines, end: i + 1)
                }
                if lines.isEmpty && content.count > firstLineLimit { return .failed(firstLineError()) }
                lines.append(content)
                guard lines.count <= maxFields + 1 else {
                    return .failed(.init(.tooManyHeaders, "more than \(maxFields) header fields"))
                }
                lineStart = i + 1
            }
            i += 1
        }
        scanIndex = i
        if lines.isEmpty && i - lineStart > firstLineLimit { return .failed(firstLineError()) }
        if i - headStart > headLimit {
            return .failed(.init(.headerSectionTooLarge, "header section exceeds \(headLimit) bytes"))
        }
        return .needMoreData
    }
}

/// Decodes a chunked body (RFC 9112 §7.1), trailers parsed and dropped.
struct ChunkedDecoder {
    enum Result {
        case needMoreData
        case done
        case failed(HTTPParserError)
    }

    private enum State {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailer
        case done
    }

    private var state = State.size
    private var trailerBytes = 0
    static let maxSizeLine = 1024

    mutating func decode(_ buffer: [UInt8], index: inout Int, body: inout [UInt8], maxBody: Int, maxTrailer: Int) -> Result {
        while true {
            switch state {
            case .size:
                guard let lf = Self.findLF(buffer, from: index) else {
                    if buffer.count - index > Self.maxSizeLine { return .failed(.init(.invalidChunkSize, "chunk size line too long")) }
                    return .needMoreData
                }
                guard lf > index, buffer[lf - 1] == HTTPSyntax.cr else {
                    return .failed(.init(.bareLineFeed, "chunk size line ended by LF without CR"))
                }
                guard lf - index <= Self.maxSizeLine else { return .failed(.init(.invalidChunkSize, "chunk size line too long")) }
                var size = 0
                var digits = 0
                var i = index
                let lineEnd = lf - 1
                while i < lineEnd, let v = Self.hexValue(buffer[i]) {
                    size = size << 4 | v
                    digits += 1
                    i += 1
                    guard digits <= 15 else { return .failed(.init(.invalidChunkSize, "chunk size has too many digits")) }
                }
                guard digits > 0 else { return .failed(.init(.invalidChunkSize, "chunk size is not hexadecimal")) }
                if i < lineEnd {
                    guard buffer[i] == UInt8(ascii: ";") else {
                        return .failed(.init(.invalidChunkSize, "unexpected byte after chunk size"))
                    }
                    for j in (i + 1)..<lineEnd where !HTTPSyntax.isFieldValueChar(buffer[j]) {
                        return .failed(.init(.invalidChunkFraming, "control byte in chunk extension"))
                    }
                }
                index = lf + 1
                if size == 0 {
                    state = .trailer
                } else {
                    guard body.count + size <= maxBody else { return .failed(.init(.bodyTooLarge, "body exceeds \(maxBody) bytes")) }
                    state = .data(remaining: size)
                }
            case .data(let remaining):
                let available = buffer.count - index
                guard available > 0 else { return .needMoreData }
                let take = min(available, remaining)
                body.append(contentsOf: buffer[index..<(index + take)])
                index += take
                state = take == remaining ? .dataEnd : .data(remaining: remaining - take)
            case .dataEnd:
                guard buffer.count - index >= 2 else { return .needMoreData }
                guard buffer[index] == HTTPSyntax.cr, buffer[index + 1] == HTTPSyntax.lf else {
                    return .failed(.init(.invalidChunkFraming, "chunk data not followed by CRLF"))
                }
                index += 2
                state = .size
            case .trailer:
                guard let lf = Self.findLF(buffer, from: index) else {
                    if trailerBytes + buffer.count - index > maxTrailer {
                        return .failed(.init(.headerSectionTooLarge, "trailer section exceeds \(maxTrailer) bytes"))
                    }
                    return .needMoreData
                }
                guard lf > index, buffer[lf - 1] == HTTPSyntax.cr else {
                    return .failed(.init(.bareLineFeed, "trailer line ended by LF without CR"))
                }
                trailerBytes += lf + 1 - index
                guard trailerBytes <= maxTrailer else {
                    return .failed(.init(.headerSectionTooLarge, "trailer section exceeds \(maxTrailer) bytes"))
                }
                let line = index..<(lf - 1)
                index = lf + 1
                if line.isEmpty {
                    state = .done
                    return .done
                }
                if case .failure(let error) = HTTPSyntax.parseField(buffer, line) { return .failed(error) }
            case .done:
                return .done
            }
        }
    }

    private static func findLF(_ buffer: [UInt8], from: Int) -> Int? {
        var i = from
        while i < buffer.count {
            if buffer[i] == HTTPSyntax.lf { return i }
            i += 1
        }
        return nil
    }

    private static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 0x30...0x39: return Int(c - 0x30)
        case 0x41...0x46: return Int(c - 0x41 + 10)
        case 0x61...0x66: return Int(c - 0x61 + 10)
        default: return nil
        }
    }
}
