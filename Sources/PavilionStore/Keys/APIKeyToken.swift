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
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == scheme,
              parts[1].utf8.count == prefixBytes * 2, parts[2].utf8.count == secretBytes * 2,
              isLowerHex(parts[1]), isLowerHex(parts[2]) else { return nil }
        return APIKeyToken(prefix: String(parts[1]), text: text)
    }

    /// `SHA-256(token)`, what the store keeps.
    var hash: [UInt8] { SHA256.hash(Array(text.utf8)) }

    private static func isLowerHex(_ s: Substring) -> Bool {
        s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
