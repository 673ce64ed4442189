import PavilionCrypto

/// The bearer-token format, backend-neutral: `pvk_<prefix>_<secret>` where
/// `prefix` is 16 lowercase hex digits (8 random bytes, the lookup key) and
/// `secret` is 64 lowercase hex digits (32 random bytes from
/// ``SecureRandom``). The store keeps `SHA-256(token as UTF-8)`; with 256
/// random bits a fast hash is enough, no password hashing is needed.
struct APIKeyToken: Sendable {
    static let scheme = "pvk"
    static let prefixBytes = 8
    static let secretBytes = 32

    let prefix: String
    let text: String

    /// A fresh token. The secret bytes are wiped once encoded.
    static func generate() throws(StoreError) -> APIKeyToken {
        let prefix = Hex.encode(try RandomSource.bytes(prefixBytes))
        var secret = try RandomSource.bytes(secretBytes)
        defer { ConstantTime.wipe(&secret) }
        return APIKeyToken(prefix: prefix, text: "\(scheme)_\(prefix)_\(Hex.encode(secret))")
    }

    /// The token's parts if `text` has exactly the token's shape, else `nil`.
    static func parse(_ text: String) -> APIKeyToken? {
        // On one array of UTF-8 bytes: splitting the String by Character,
        // or walking slices of its UTF-8 view, cost more than the key lookup.
        let bytes = Array(text.utf8)
        let prefixLength = prefixBytes * 2
        let start = scheme.utf8.count + 1
        let secretStart = start + prefixLength + 1
        guard bytes.count == secretStart + secretBytes * 2,
              bytes.starts(with: scheme.utf8), bytes[start - 1] == UInt8(ascii: "_"),
              bytes[secretStart - 1] == UInt8(ascii: "_"),
              isLowerHex(bytes[start..<(secretStart - 1)]), isLowerHex(bytes[secretStart...]) else { return nil }
        return APIKeyToken(prefix: String(decoding: bytes[start..<(secretStart - 1)], as: UTF8.self), text: text)
    }

    /// `SHA-256(token)`, what the store keeps.
    var hash: [UInt8] { SHA256.hash(Array(text.utf8)) }

    private static func isLowerHex(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
