import Foundation

/// The parts of RFC 8941 (Structured Field Values for HTTP) that HTTP
/// Message Signatures need: Dictionaries whose members are Items or Inner
/// Lists, with Parameters; bare items of every type but Decimal, which is
/// refused (no signature field uses it). Parsing is strict, as §4.2 says:
/// anything malformed fails the whole field.
public enum StructuredField {
    /// A bare item.
    public enum BareItem: Sendable, Hashable {
        case integer(Int64)
        case string(String)
        case token(String)
        case byteSequence([UInt8])
        case boolean(Bool)
    }

    /// An item or inner list with its parameters, in order.
    public struct Member: Sendable, Hashable {
        /// The item, or `nil` for an inner list.
        public var item: BareItem?
        /// The inner list's items with their parameters (empty for an item).
        public var innerList: [Parameterised]
        /// The parameters, in order.
        public var parameters: [(key: String, value: BareItem)]

        public static func == (a: Member, b: Member) -> Bool {
            a.item == b.item && a.innerList == b.innerList
                && a.parameters.elementsEqual(b.parameters) { $0.key == $1.key && $0.value == $1.value }
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(item)
            hasher.combine(innerList)
            for p in parameters {
                hasher.combine(p.key)
                hasher.combine(p.value)
            }
        }

        /// The value of parameter `key`, if present.
        public func parameter(_ key: String) -> BareItem? { parameters.first { $0.key == key }?.value }
    }

    /// An item with parameters, inside an inner list.
    public struct Parameterised: Sendable, Hashable {
        public var item: BareItem
        public var parameters: [(key: String, value: BareItem)]

        public static func == (a: Parameterised, b: Parameterised) -> Bool {
            a.item == b.item && a.parameters.elementsEqual(b.parameters) { $0.key == $1.key && $0.value == $1.value }
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(item)
            for p in parameters {
                hasher.combine(p.key)
                hasher.combine(p.value)
            }
        }
    }

    /// Why a field did not parse.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public var reason: String
        /// 0-based byte offset.
        public var offset: Int
        public var description: String { "at byte \(offset): \(reason)" }
    }

    /// Longest field accepted, in bytes.
    public static let maxFieldBytes = 16_384

    /// Parse a Dictionary (RFC 8941 §4.2.2).
    /// - Parameter text: the field value (several field lines joined with `,`).
    /// - Returns: the members in order; a repeated key keeps its last value, in its first place.
    /// - Throws: ``ParseError``.
    public static func parseDictionary(_ text: String) throws(ParseError) -> [(key: String, value: Member)] {
        var p = Parser(Array(text.utf8))
        guard p.bytes.count <= maxFieldBytes else { throw ParseError(reason: "the field exceeds \(maxFieldBytes) bytes", offset: 0) }
        p.skipSpaces()
        var out: [(key: String, value: Member)] = []
        while !p.atEnd {
            let key = try p.key()
            let member: Member
            if p.peek == UInt8(ascii: "=") {
                p.index += 1
                member = try p.member()
            } else {
                member = Member(item: .boolean(true), innerList: [], parameters: try p.parameters())
            }
            if let i = out.firstIndex(where: { $0.key == key }) { out[i].value = member } else { out.append((key, member)) }
            p.skipOWS()
            if p.atEnd { break }
            guard p.peek == UInt8(ascii: ",") else { throw p.error("expected ',' between members") }
            p.index += 1
            p.skipOWS()
            if p.atEnd { throw p.error("a trailing ','") }
        }
        return out
    }

    /// The serialisation of an inner list with its parameters (RFC 8941 §4.1.1.1).
    /// - Parameter member: an inner list.
    /// - Returns: `("a" "b");k=1`.
    public static func serializeInnerList(_ member: Member) -> String {
        "(" + member.innerList.map { serialize($0.item) + serialize($0.parameters) }.joined(separator: " ") + ")"
            + serialize(member.parameters)
    }

    static func serialize(_ parameters: [(key: String, value: BareItem)]) -> String {
        parameters.map { p in
            if case .boolean(true) = p.value { return ";" + p.key }
            return ";" + p.key + "=" + serialize(p.value)
        }.joined()
    }

    static func serialize(_ item: BareItem) -> String {
        switch item {
        case .integer(let i): return String(i)
        case .string(let s): return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .token(let t): return t
        case .byteSequence(let b): return ":" + Data(b).base64EncodedString() + ":"
        case .boolean(let v): return v ? "?1" : "?0"
        }
    }

    /// A byte cursor over the field.
    struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }
        var peek: UInt8? { atEnd ? nil : bytes[index] }

        func error(_ reason: String) -> ParseError { ParseError(reason: reason, offset: index) }

        mutating func skipSpaces() { while peek == 0x20 { index += 1 } }
        mutating func skipOWS() { while peek == 0x20 || peek == 0x09 { index += 1 } }

        static func isLCAlpha(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
        static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        static func isAlpha(_ c: UInt8) -> Bool { isLCAlpha(c) || (c >= 0x41 && c <= 0x5A) }
        static func isTChar(_ c: UInt8) -> Bool {
            isAlpha(c) || isDigit(c) || Array("!#$%&'*+-.^_`|~".utf8).contains(c)
        }

        /// `key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" )`
        mutating func key() throws(ParseError) -> String {
            guard let first = peek, Self.isLCAlpha(first) || first == UInt8(ascii: "*") else { throw error("expected a key") }
            let start = index
            while let c = peek, Self.isLCAlpha(c) || Self.isDigit(c) || Array("_-.*".utf8).contains(c) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func member() throws(ParseError) -> Member {
            if peek == UInt8(ascii: "(") {
                index += 1
                var items: [Parameterised] = []
                while true {
                    skipSpaces()
                    guard let c = peek else { throw error("an inner list is not closed") }
                    if c == UInt8(ascii: ")") {
                        index += 1
                        return Member(item: nil, innerList: items, parameters: try parameters())
                    }
                    let item = try bareItem()
                    items.append(Parameterised(item: item, parameters: try parameters()))
                    guard let next = peek, next == 0x20 || next == UInt8(ascii: ")") else {
                        throw error("expected a space or ')' in an inner list")
                    }
                }
            }
            let item = try bareItem()
            return Member(item: item, innerList: [], parameters: try parameters())
        }

        mutating func parameters() throws(ParseError) -> [(key: String, value: BareItem)] {
            var out: [(key: String, value: BareItem)] = []
            while peek == UInt8(ascii: ";") {
                index += 1
                skipSpaces()
                let k = try key()
                var value = BareItem.boolean(true)
                if peek == UInt8(ascii: "=") {
                    index += 1
                    value = try bareItem()
                }
                if let i = out.firstIndex(where: { $0.key == k }) { out[i].value = value } else { out.append((k, value)) }
            }
            return out
        }

        mutating func bareItem() throws(ParseError) -> BareItem {
            guard let c = peek else { throw error("expected an item") }
            switch c {
            case UInt8(ascii: "-"), 0x30...0x39: return try integer()
            case UInt8(ascii: "\""): return try string()
            case UInt8(ascii: ":"): return try byteSequence()
            case UInt8(ascii: "?"):
                index += 1
                switch peek {
                case UInt8(ascii: "1"): index += 1; return .boolean(true)
                case UInt8(ascii: "0"): index += 1; return .boolean(false)
                default: throw error("a Boolean is ?0 or ?1")
                }
            default:
                guard Self.isAlpha(c) || c == UInt8(ascii: "*") else { throw error("unexpected character") }
                let start = index
                while let t = peek, Self.isTChar(t) || t == UInt8(ascii: ":") || t == UInt8(ascii: "/") { index += 1 }
                return .token(String(decoding: bytes[start..<index], as: UTF8.self))
            }
        }

        mutating func integer() throws(ParseError) -> BareItem {
            var negative = false
            if peek == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            let start = index
            while let c = peek, Self.isDigit(c) { index += 1 }
            let digits = index - start
            guard digits > 0 else { throw error("expected digits") }
            guard peek != UInt8(ascii: ".") else { throw error("decimals are not accepted here") }
            guard digits <= 15, let value = Int64(String(decoding: bytes[start..<index], as: UTF8.self)) else {
                throw error("an integer has at most 15 digits")
            }
            return .integer(negative ? -value : value)
        }

        mutating func string() throws(ParseError) -> BareItem {
            index += 1
            var out: [UInt8] = []
            while let c = peek {
                index += 1
                switch c {
                case UInt8(ascii: "\\"):
                    guard let e = peek, e == UInt8(ascii: "\\") || e == UInt8(ascii: "\"") else { throw error("a bad escape in a string") }
                    out.append(e)
                    index += 1
                case UInt8(ascii: "\""):
                    return .string(String(decoding: out, as: UTF8.self))
                case 0x20...0x7E:
                    out.append(c)
                default:
                    throw error("a string holds only printable ASCII")
                }
            }
            throw error("a string is not closed")
        }

        mutating func byteSequence() throws(ParseError) -> BareItem {
            index += 1
            let start = index
            while let c = peek, c != UInt8(ascii: ":") {
                guard Self.isAlpha(c) || Self.isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "/") || c == UInt8(ascii: "=") else {
                    throw error("a byte sequence holds base64 only")
                }
                index += 1
            }
            guard peek == UInt8(ascii: ":") else { throw error("a byte sequence is not closed") }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            index += 1
            let padded = text + String(repeating: "=", count: (4 - text.count % 4) % 4)
            guard let data = Data(base64Encoded: padded) else { throw error("a byte sequence is not valid base64") }
            return .byteSequence(Array(data))
        }
    }
}
