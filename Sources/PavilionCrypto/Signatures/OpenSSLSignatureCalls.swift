import Foundation
internal import COpenSSL

/// Thin internal wrappers over the OpenSSL calls behind Ed25519 signatures.
/// `EVP_PKEY` handles cross this file only as `OpaquePointer`s owned by
/// ``Ed25519PrivateKey`` and ``Ed25519PublicKey``.
extension OpenSSL {
    static let ed25519KeyType = EVP_PKEY_ED25519

    /// A fresh Ed25519 key from `EVP_PKEY_keygen`.
    static func ed25519Generate() throws(CryptoError) -> OpaquePointer {
        guard let ctx = EVP_PKEY_CTX_new_id(ed25519KeyType, nil) else { throw fail("EVP_PKEY_CTX_new_id") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw fail("EVP_PKEY_keygen_init") }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen(ctx, &key) == 1, let key else { throw fail("EVP_PKEY_keygen") }
        return key
    }

    /// An Ed25519 private key from its 32-byte seed (`EVP_PKEY_new_raw_private_key`).
    static func ed25519PrivateKey(seed: [UInt8]) throws(CryptoError) -> OpaquePointer {
        let key = seed.withUnsafeBufferPointer { EVP_PKEY_new_raw_private_key(ed25519KeyType, nil, $0.baseAddress, $0.count) }
        guard let key else { throw fail("EVP_PKEY_new_raw_private_key") }
        return key
    }

    /// An Ed25519 public key from its 32 raw bytes (`EVP_PKEY_new_raw_public_key`).
    static func ed25519PublicKey(raw: [UInt8]) throws(CryptoError) -> OpaquePointer {
        let key = raw.withUnsafeBufferPointer { EVP_PKEY_new_raw_public_key(ed25519KeyType, nil, $0.baseAddress, $0.count) }
        guard let key else { throw fail("EVP_PKEY_new_raw_public_key") }
        return key
    }

    /// The 32-byte seed of a private key (`EVP_PKEY_get_raw_private_key`).
    static func rawPrivateKey(_ key: OpaquePointer) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length = out.count
        let ok = out.withUnsafeMutableBufferPointer { EVP_PKEY_get_raw_private_key(key, $0.baseAddress, &length) == 1 }
        guard ok, length == 32 else {
            cleanse(&out)
            throw fail("EVP_PKEY_get_raw_private_key")
        }
        return out
    }

    /// The 32 raw public-key bytes (`EVP_PKEY_get_raw_public_key`).
    static func rawPublicKey(_ key: OpaquePointer) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length = out.count
        let ok = out.withUnsafeMutableBufferPointer { EVP_PKEY_get_raw_public_key(key, $0.baseAddress, &length) == 1 }
        guard ok, length == 32 else { throw fail("EVP_PKEY_get_raw_public_key") }
        return out
    }

    /// A one-shot Ed25519 signature (`EVP_DigestSignInit` + `EVP_DigestSign`).
    static func ed25519Sign(key: OpaquePointer, message: some ContiguousBytes) throws(CryptoError) -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { throw fail("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, nil, nil, key) == 1 else { throw fail("EVP_DigestSignInit") }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = signature.count
        let ok = message.withUnsafeBytes { m in
            signature.withUnsafeMutableBufferPointer { s in
                EVP_DigestSign(ctx, s.baseAddress, &length, m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count) == 1
            }
        }
        guard ok, length == 64 else { throw fail("EVP_DigestSign") }
        return signature
    }

    /// Whether `signature` is a valid Ed25519 signature of `message`
    /// (`EVP_DigestVerifyInit` + `EVP_DigestVerify`). A bad signature is
    /// `false`; only a failure of OpenSSL itself throws.
    static func ed25519Verify(key: OpaquePointer, signature: some ContiguousBytes,
                              message: some ContiguousBytes) throws(CryptoError) -> Bool {
        guard let ctx = EVP_MD_CTX_new() else { throw fail("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, nil, nil, key) == 1 else { throw fail("EVP_DigestVerifyInit") }
        let result = signature.withUnsafeBytes { s in
            message.withUnsafeBytes { m in
                EVP_DigestVerify(ctx, s.baseAddress?.assumingMemoryBound(to: UInt8.self), s.count,
                                 m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count)
            }
        }
        // 0 is "signature does not verify"; anything else but 1 is also a
        // refusal (e.g. wrong length). Leave no stale errors on the queue.
        if result != 1 { ERR_clear_error() }
        return result == 1
    }

    static func freeKey(_ key: OpaquePointer) { EVP_PKEY_free(key) }
}
