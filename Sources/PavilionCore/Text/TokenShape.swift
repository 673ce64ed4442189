/// The shapes of the short machine names Pavilion accepts at its edges and
/// keeps in its audit trail: one definition, so that what the API admits is
/// exactly what the store accepts. Checked on UTF-8 bytes, ASCII only.
public enum TokenShape {
    /// `[A-Za-z0-9]` then up to `maxLength - 1` of `[A-Za-z0-9._:+-]`:
    /// connector names, versions, purposes, lawful bases, outcomes, codes.
    public static func isToken(_ text: String, maxLength: Int = 128) -> Bool {
        let bytes = text.utf8
        guard (1...maxLength).contains(bytes.count), let first = bytes.first, isAlnum(first) else { return false }
        return bytes.allSatisfy { isAlnum($0) || isTokenPunctuation($0) }
    }

    /// `[A-Za-z0-9_-]{1,128}`: request and record identifiers.
    public static func isIdentifier(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (1...128).contains(bytes.count) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// `[a-z0-9]` then up to 62 of `[a-z0-9-]`: tenant ids.
    public static func isSlug(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (1...63).contains(bytes.count), let first = bytes.first, isLowerAlnum(first) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// `.`, `_`, `:`, `+` or `-`.
    private static func isTokenPunctuation(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
    }

    private static func isLowerAlnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }

    private static func isAlnum(_ b: UInt8) -> Bool { isLowerAlnum(b) || (b >= 0x41 && b <= 0x5A) }
}
