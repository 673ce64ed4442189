/// Finds invalid UTF-8 and turns byte offsets into 1-based line and column
/// (columns count characters, as libyaml's marks do).
enum UTF8Position {
    /// A 1-based line and column.
    struct Position: Sendable, Hashable {
        var line: Int
        var column: Int
    }

    /// The position of the first byte that is not part of valid UTF-8
    /// (overlong forms, surrogates and values above U+10FFFF are invalid).
    static func firstInvalid(in bytes: [UInt8]) -> Position? {
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            let count: Int
            var value: UInt32
            switch lead {
            case 0x00...0x7F: i += 1; continue
            case 0xC2...0xDF: count = 2; value = UInt32(lead & 0x1F)
            case 0xE0...0xEF: count = 3; value = UInt32(lead & 0x0F)
            case 0xF0...0xF4: count = 4; value = UInt32(lead & 0x07)
            default: return position(ofByte: i, in: bytes)
            }
            guard i + count <= bytes.count else { return position(ofByte: i, in: bytes) }
            for k in 1..<count {
                let next = bytes[i + k]
                guard next & 0xC0 == 0x80 else { return position(ofByte: i, in: bytes) }
                value = value << 6 | UInt32(next & 0x3F)
            }
            let minimum: UInt32 = count == 2 ? 0x80 : count == 3 ? 0x800 : 0x10000
            guard value >= minimum, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else {
                return position(ofByte: i, in: bytes)
            }
            i += count
        }
        return nil
    }

    /// The line and column of byte `offset`.
    static func position(ofByte offset: Int, in bytes: [UInt8]) -> Position {
        var line = 1
        var column = 1
        var i = 0
        while i < min(offset, bytes.count) {
            if bytes[i] == 0x0A {
                line += 1
                column = 1
            } else if bytes[i] & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return Position(line: line, column: column)
    }
}
