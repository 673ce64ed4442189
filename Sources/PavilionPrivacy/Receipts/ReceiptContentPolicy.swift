/// The rules that keep personal data out of privacy receipts. Receipts are
/// public log entries; they say *what kind* of processing happened, never
/// *about whom*. So every string is a token from a small alphabet, and the
/// shapes personal data usually takes are refused even when they fit it.
///
/// - Tokens (tenant, connector, purpose, categories, claim names,
///   primitives): 1–64 characters of `a-z 0-9 _ . : -`, starting with a
///   letter or digit. No spaces (free text, names), no `@` (e-mail), no `+`.
/// - Request IDs: 1–64 characters of `A-Z a-z 0-9 _ . : -`.
/// - In every string, seven or more digits that make up at least half of it
///   (phone, account and national numbers, dates such as `1990-01-01`)
///   are refused — except in a request ID in the canonical UUID form.
public enum ReceiptContentPolicy {
    /// The longest token or request ID.
    public static let maxTokenLength = 64
    /// The most entries in any list.
    public static let maxListLength = 64

    /// Check a token.
    /// - Parameters:
    ///   - value: the string.
    ///   - field: the member, for the error.
    /// - Throws: ``ReceiptError`` `.invalidValue` or `.personalDataSuspected`.
    public static func checkToken(_ value: String, field: String) throws(ReceiptError) {
        try check(value, field: field, allowUppercase: false)
        if looksNumeric(value) { throw ReceiptError(.personalDataSuspected, field: field, "mostly digits, like a phone number or a date") }
    }

    /// Check a request ID.
    /// - Parameters:
    ///   - value: the string.
    ///   - field: the member, for the error.
    /// - Throws: ``ReceiptError`` `.invalidValue` or `.personalDataSuspected`.
    public static func checkRequestID(_ value: String, field: String) throws(ReceiptError) {
        try check(value, field: field, allowUppercase: true)
        if looksNumeric(value) && !isUUID(value) {
            throw ReceiptError(.personalDataSuspected, field: field, "mostly digits, like a phone number; use a UUID or an opaque token")
        }
    }

    private static func check(_ value: String, field: String, allowUppercase: Bool) throws(ReceiptError) {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty, bytes.count <= maxTokenLength else {
            throw ReceiptError(.invalidValue, field: field, "must be 1…\(maxTokenLength) characters")
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "-"):
                continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where allowUppercase:
                continue
            case UInt8(ascii: "@"):
                throw ReceiptError(.personalDataSuspected, field: field, "contains '@', like an e-mail address")
            case UInt8(ascii: " "), 0x09, 0x0A, 0x0D:
                throw ReceiptError(.personalDataSuspected, field: field, "contains white space, like free text or a name")
            default:
                throw ReceiptError(.personalDataSuspected, field: field,
                                   "only \(allowUppercase ? "A-Z " : "")a-z 0-9 _ . : - are allowed, like a token")
            }
        }
        guard let first = bytes.first, first != UInt8(ascii: "_"), first != UInt8(ascii: "."),
              first != UInt8(ascii: ":"), first != UInt8(ascii: "-") else {
            throw ReceiptError(.invalidValue, field: field, "must start with a letter or digit")
        }
    }

    private static func looksNumeric(_ value: String) -> Bool {
        let digits = value.utf8.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
        return digits >= 7 && digits * 2 >= value.utf8.count
    }

    private static func isUUID(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == 36 else { return false }
        for (i, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                let hex = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
                guard hex else { return false }
            }
        }
        return true
    }
}
