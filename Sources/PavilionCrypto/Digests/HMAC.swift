import Foundation

/// HMAC (RFC 2104) with SHA-256, through OpenSSL.
public enum HMACSHA256 {
    /// The 32-byte tag of `data` under `key` (OpenSSL's one-shot `HMAC`).
    /// For many tags under one key, a ``Key`` is about five times faster.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public static func authenticate(_ data: some ContiguousBytes, key: some ContiguousBytes) throws(CryptoError) -> [UInt8] {
        try OpenSSL.hmacSHA256(key: key, data: data)
    }

    /// A key set up once for many tags (the key's inner and outer hash
    /// states are kept in OpenSSL contexts, never exposed). Thread-safe.
    public final class Key: Sendable {
        private let contexts: HMACKeyContexts

        /// - Parameter key: the key bytes (copied; the copy is cleansed when the key goes).
        public init(_ key: [UInt8]) {
            contexts = HMACKeyContexts(key: SecretBytes(copying: key))
        }

        /// The 32-byte tag of `data`; equal to
        /// ``HMACSHA256/authenticate(_:key:)`` under the same key.
        /// - Throws: ``CryptoError`` when OpenSSL fails.
        public func authenticate(_ data: some ContiguousBytes) throws(CryptoError) -> [UInt8] {
            try contexts.tag(data)
        }
    }
}
