extension JSONValue {
    /// The compact JSON text of this value, with object keys sorted by their
    /// UTF-16 code units so that equal values always serialise alike.
    public var serialized: String { String(decoding: serializedBytes, as: UTF8.self) }

    /// The JSON text with two-space indentation, for people.
    public var prettySerialized: String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out, pretty: true, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// The compact JSON text as UTF-8 bytes.
    public var serializedBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(to: &out, pretty: false, indent: 0)
        return out
    }

    /// Append the compact JSON text of this value to `out` (UTF-8).
    /// - Parameter out: the buffer to append to.
    public func serialize(into out: inout [UInt8]) {
        write(to: &out, pretty: false, indent: 0)
    }

    /// Append the compact JSON text of the object with `members` to `out`:
    /// the same bytes as `JSONValue.object(Dictionary(uniqueKeysWithValues:
    /// members)).serialize(into:)`, without building the dictionary. For
    /// fixed-shape objects on hot paths (log lines, API answers).
    /// - Parameters:
    ///   - members: the members; names must be unique (a repeated name is
    ///     written twice).
    ///   - out: the buffer to append to.
    public static func serializeObject(_ members: [(key: String, value: JSONValue)], into out: inout [UInt8]) {
        if members.isEmpty {
            out.append(contentsOf: "{}".utf8)
            return
        }
        out.append(UInt8(ascii: "{"))
        for (n, entry) in sortedPositions(members, key: { $0.key }).enumerated() {
            let member = members[entry.index]
            if n > 0 { out.append(UInt8(ascii: ",")) }
            writeString(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            member.value.write(to: &out, pretty: false, indent: 1)
        }
        out.append(UInt8(ascii: "}"))
    }

    private func write(to out: inout [UInt8], pretty: Bool, indent: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): Self.writeInteger(i, to: &out)
        case .double(let d): Self.writeDouble(d, to: &out)
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let elements):
            if elements.isEmpty {
                out.append(contentsOf: "[]".utf8)
                return
            }
            out.append(UInt8(ascii: "["))
            for (n, element) in elements.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { Self.newline(&out, indent + 1) }
                element.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { Self.newline(&out, indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                out.append(contentsOf: "{}".utf8)
                return
            }
            out.append(UInt8(ascii: "{"))
            for (n, entry) in Self.sortedPositions(members, key: { $0.key }).enumerated() {
                let member = members[entry.index]
                if n > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { Self.newline(&out, indent + 1) }
                Self.writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                member.value.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { Self.newline(&out, indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ out: inout [UInt8], _ indent: Int) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    /// The positions of `members` in the order of their keys
    /// (``keyPrecedes(_:_:)``), each with its sort prefix.
    ///
    /// Sorting compares each key's first eight UTF-8 bytes as one integer and
    /// only ties by ``keyPrecedes(_:_:)``: byte order is UTF-16 order unless
    /// both differing bytes are 0xEE or above, so an object with such a byte
    /// among its keys' first eight is sorted by ``keyPrecedes(_:_:)`` alone.
    /// Objects are small: an insertion sort on positions, without copying
    /// (or retaining) the members.
    static func sortedPositions<Members: Collection>(_ members: Members, key: (Members.Element) -> String)
        -> [(prefix: UInt64, index: Members.Index)] {
        var entries: [(prefix: UInt64, index: Members.Index)] = []
        entries.reserveCapacity(members.count)
        var byPrefix = true
        var position = members.startIndex
        while position != members.endIndex {
            if byPrefix, let prefix = sortPrefix(key(members[position])) {
                entries.append((prefix, position))
            } else {
                byPrefix = false
                entries.append((0, position))
            }
            members.formIndex(after: &position)
        }
        func precedes(_ a: (prefix: UInt64, index: Members.Index), _ b: (prefix: UInt64, index: Members.Index)) -> Bool {
            if byPrefix, a.prefix != b.prefix { return a.prefix < b.prefix }
            return keyPrecedes(key(members[a.index]), key(members[b.index]))
        }
        var i = 1
        while i < entries.count {
            let entry = entries[i]
            var j = i
            while j > 0, precedes(entry, entries[j - 1]) {
                entries[j] = entries[j - 1]
                j -= 1
            }
            entries[j] = entry
            i += 1
        }
        return entries
    }

    /// The first eight UTF-8 bytes of `key` as a big-endian integer (zero
    /// padded), or `nil` when one of them is 0xEE or above or the string has
    /// no contiguous UTF-8.
    @inline(__always)
    private static func sortPrefix(_ key: String) -> UInt64? {
        let prefix = key.utf8.withContiguousStorageIfAvailable { bytes -> UInt64? in
            var value: UInt64 = 0
            let count = min(8, bytes.count)
            for i in 0..<8 {
                value <<= 8
                if i < count {
                    let byte = bytes[i]
                    if byte >= 0xEE { return nil }
                    value |= UInt64(byte)
                }
            }
            return value
        }
        return prefix ?? nil
    }

    /// Whether key `a` sorts before key `b` by UTF-16 code units, compared on
    /// their UTF-8 bytes: byte order is code-point order, which differs from
    /// UTF-16 order only between U+E000…U+FFFF (lead bytes 0xEE, 0xEF) and
    /// supplementary characters (lead bytes 0xF0…, surrogates in UTF-16).
    static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y -> Bool in
                let count = min(x.count, y.count)
                var i = 0
                while i < count {
                    let p = x[i], q = y[i]
                    if p != q {
                        if p >= 0xEE, q >= 0xEE, (p >= 0xF0) != (q >= 0xF0) { return p >= 0xF0 }
                        return p < q
                    }
                    i += 1
                }
                return x.count < y.count
            }
        }
        if let result = fast ?? nil { return result }
        return a.utf16.lexicographicallyPrecedes(b.utf16)
    }

    private static func writeInteger(_ value: Int64, to out: inout [UInt8]) {
        if value >= 0, value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        out.append(contentsOf: String(value).utf8)
    }

    /// Shortest round-tripping form; integral values without a fraction.
    private static func writeDouble(_ d: Double, to out: inout [UInt8]) {
        guard d.isFinite else {
            out.append(contentsOf: "null".utf8)
            return
        }
        if d.rounded() == d, abs(d) < 1e15 {
            writeInteger(Int64(d), to: &out)
            return
        }
        out.append(contentsOf: "\(d)".utf8)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { bytes in
            var runStart = 0
            for i in 0..<bytes.count {
                let byte = bytes[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < i { out.append(contentsOf: bytes[runStart..<i]) }
                escape(byte, to: &out)
                runStart = i + 1
            }
            if runStart < bytes.count { out.append(contentsOf: bytes[runStart...]) }
        }
        if done == nil {
            for byte in s.utf8 {
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    escape(byte, to: &out)
                } else {
                    out.append(byte)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func escape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        default:
            out.append(contentsOf: "u00".utf8)
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0xF)])
        }
    }
}
