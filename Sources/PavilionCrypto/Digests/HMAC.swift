import Foundation

/// HMAC (RFC 2104) with SHA-256, through OpenSSL's `HMAC`.
public enum HMACSHA256 {
    /// The 32-byte tag of `data` under `key`.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public static func authenticate(_ data: some ContiguousBytes, key: some ContiguousBytes) throws(CryptoError) -> [UInt8] {
        try OpenSSL.hmacSHA256(key: key, data: data)
    }
}
