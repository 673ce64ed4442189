/// Why a JSON text was refused, and where.
public struct ConnectorJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the offending byte.
    public let line: Int
    /// 1-based column (in bytes) of the offending byte.
    public let column: Int
    /// 0-based byte offset of the offending byte.
    public let offset: Int
    /// What is wrong.
    public let reason: String

    public var description: String { "\(line):\(column): \(reason)" }
}

/// A strict RFC 8259 parser for untrusted input.
///
/// It refuses, with a position: invalid UTF-8, duplicate member names,
/// nesting deeper than ``Limits/maxDepth``, numbers that overflow a `Double`,
/// lone surrogates in escapes, trailing garbage, and control characters in
/// strings.
public struct ConnectorJSONParser: Sendable {
    /// Bounds the parser enforces.
    public struct Limits: Sendable {
        /// Deepest array/object nesting accepted.
        public var maxDepth: Int
        /// Longest input accepted, in bytes.
        public var maxBytes: Int

        /// - Parameters:
        ///   - maxDepth: deepest nesting accepted (default 64).
        ///   - maxBytes: longest input accepted (default 16 MiB).
        public init(maxDepth: Int = 64, maxBytes: Int = 16 << 20) {
            self.maxDepth = maxDepth
            self.maxBytes = maxBytes
        }
    }

    /// The bounds in force.
    public let limits: Limits

    /// - Parameter limits: the bounds to enforce.
    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Parse one JSON text.
    /// - Parameter text: the UTF-8 text.
    /// - Returns: the value.
    /// - Throws: ``ConnectorJSONError`` naming the position and the reason.
    public func parse(_ text: String) throws(ConnectorJSONError) -> ConnectorJSON {
        try parse(bytes: Array(text.utf8))
    }

    /// Parse one JSON text given as bytes.
    /// - Parameter bytes: the UTF-8 bytes.
    /// - Returns: the value.
    /// - Throws: ``ConnectorJSONError`` naming the position and the reason.
    public func parse<Bytes: Collection>(bytes: Bytes) throws(ConnectorJSONError) -> ConnectorJSON where Bytes.Element == UInt8 {
        var reader = JSONReader(bytes: Array(bytes), maxDepth: limits.maxDepth)
        guard reader.bytes.count <= limits.maxBytes else {
            throw reader.error("document of \(reader.bytes.count) bytes exceeds the limit of \(limits.maxBytes)")
        }
        reader.skipWhitespace()
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.index == reader.bytes.count else { throw reader.error("unexpected data after the JSON value") }
        return value
    }
}

private struct JSONReader {
    let bytes: [UInt8]
    let maxDepth: Int
    var index = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func error(_ reason: String, at position: Int? = nil) -> ConnectorJSONError {
        let end = min(position ?? index, bytes.count)
        var line = 1
        var lineStart = 0
        var i = 0
        while i < end {
            if bytes[i] == 0x0A {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        return ConnectorJSONError(line: line, column: end - lineStart + 1, offset: end, reason: reason)
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func expect(_ literal: String, _ value: ConnectorJSON) throws(ConnectorJSONError) -> ConnectorJSON {
        for byte in literal.utf8 {
            guard index < bytes.count, bytes[index] == byte else { throw error("invalid literal") }
            index += 1
        }
        return value
    }

    mutating func readValue(depth: Int) throws(ConnectorJSONError) -> ConnectorJSON {
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
        case UInt8(ascii: "["): return try readArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw error("unexpected character, expected a value")
        }
    }

    mutating func readObject(depth: Int) throws(ConnectorJSONError) -> ConnectorJSON {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth)") }
        index += 1
        var members: [String: ConnectorJSON] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("expected a member name in double quotes")
            }
            let keyStart = index
            let key = try readString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after member name") }
            index += 1
            skipWhitespace()
            let value = try readValue(depth: depth)
            guard members.updateValue(value, forKey: key) == nil else {
                throw error("duplicate member name \"\(key)\"", at: keyStart)
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            throw error("expected ',' or '}' in object")
        }
    }

    mutating func readArray(depth: Int) throws(ConnectorJSONError) -> ConnectorJSON {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth)") }
        index += 1
        var elements: [ConnectorJSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try readValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            throw error("expected ',' or ']' in array")
        }
    }

    mutating func readNumber() throws(ConnectorJSONError) -> ConnectorJSON {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw error("leading zeros are not allowed") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit in exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let exact = Int64(text) { return .int(exact) }
        guard let value = Double(text), value.isFinite else { throw error("number out of range", at: start) }
        return .double(value)
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    mutating func readString() throws(ConnectorJSONError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        let runStart = index
        var plain = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                if plain {
                    let slice = bytes[runStart..<index]
                    index += 1
                    return String(decoding: slice, as: UTF8.self)
                }
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw error("control character in string") }
            if byte == UInt8(ascii: "\\") {
                if plain {
                    scalars.append(contentsOf: String(decoding: bytes[runStart..<index], as: UTF8.self).unicodeScalars)
                    plain = false
                }
                index += 1
                scalars.append(try readEscape())
                continue
            }
            if byte < 0x80 {
                if !plain { scalars.append(Unicode.Scalar(byte)) }
                index += 1
                continue
            }
            let scalar = try readUTF8Scalar()
            if !plain { scalars.append(scalar) }
        }
        throw error("unterminated string")
    }

    mutating func readEscape() throws(ConnectorJSONError) -> Unicode.Scalar {
        guard index < bytes.count else { throw error("unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try readHex4()
            if (0xD800..<0xDC00).contains(high) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("lone high surrogate in \\u escape")
                }
                index += 2
                let low = try readHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("invalid low surrogate in \\u escape") }
                let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                guard let scalar = Unicode.Scalar(combined) else { throw error("invalid \\u escape") }
                return scalar
            }
            guard let scalar = Unicode.Scalar(high) else { throw error("lone low surrogate in \\u escape") }
            return scalar
        default:
            throw error("invalid escape character")
        }
    }

    mutating func readHex4() throws(ConnectorJSONError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Decode one multi-byte UTF-8 scalar, refusing overlong forms,
    /// surrogates and values above U+10FFFF (RFC 3629).
    mutating func readUTF8Scalar() throws(ConnectorJSONError) -> Unicode.Scalar {
        let lead = bytes[index]
        let count: Int
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: count = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: count = 3; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: count = 4; value = UInt32(lead & 0x07)
        default: throw error("invalid UTF-8")
        }
        guard index + count <= bytes.count else { throw error("invalid UTF-8 (truncated sequence)") }
        for k in 1..<count {
            let next = bytes[index + k]
            guard next & 0xC0 == 0x80 else { throw error("invalid UTF-8") }
            value = value << 6 | UInt32(next & 0x3F)
        }
        let minimum: UInt32 = count == 2 ? 0x80 : count == 3 ? 0x800 : 0x10000
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { throw error("invalid UTF-8") }
        index += count
        return scalar
    }
}

extension ConnectorJSON {
    /// Parse untrusted bytes (a DP's body) strictly, as ``ConnectorJSONParser`` does.
    /// - Parameters:
    ///   - bytes: the UTF-8 text.
    ///   - what: what the bytes are, for the error message (e.g. "token response").
    /// - Returns: the value.
    /// - Throws: ``ConnectorError`` with code `badResponse`; the message names
    ///   the position and reason but never echoes the content.
    public static func parse(_ bytes: [UInt8], what: String = "response body") throws(ConnectorError) -> ConnectorJSON {
        do {
            return try ConnectorJSONParser().parse(bytes: bytes)
        } catch {
            throw ConnectorError(.badResponse, "\(what) is not valid JSON (\(error.description))")
        }
    }
}
