import Foundation
internal import COpenSSL

/// Thin internal wrappers over the OpenSSL calls behind ``P256SigningKey``.
/// `EVP_PKEY` handles cross this file only as `OpaquePointer`s.
extension OpenSSL {
    /// The private key as DER (`i2d_PrivateKey`: SEC 1 `ECPrivateKey`), cleansed on failure.
    static func privateKeyDER(_ key: OpaquePointer) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        let length = i2d_PrivateKey(key, nil)
        guard length > 0 else { throw fail("i2d_PrivateKey") }
        var out = [UInt8](repeating: 0, count: Int(length))
        let written = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_PrivateKey(key, &cursor)
        }
        guard written == length else {
            cleanse(&out)
            throw fail("i2d_PrivateKey")
        }
        return out
    }

    /// A private key from DER (`d2i_AutoPrivateKey`: SEC 1 or PKCS #8).
    static func privateKey(der: [UInt8]) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        let key = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
        }
        guard let key else { throw fail("d2i_AutoPrivateKey") }
        return key
    }

    /// The DER `SubjectPublicKeyInfo` of a key (`i2d_PUBKEY`).
    static func publicKeyInfo(_ key: OpaquePointer) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        let length = i2d_PUBKEY(key, nil)
        guard length > 0 else { throw fail("i2d_PUBKEY") }
        var out = [UInt8](repeating: 0, count: Int(length))
        let written = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_PUBKEY(key, &cursor)
        }
        guard written == length else { throw fail("i2d_PUBKEY") }
        return out
    }

    /// A public key from a DER `SubjectPublicKeyInfo` (`d2i_PUBKEY`).
    static func publicKey(info: [UInt8]) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        let key = info.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let key else { throw fail("d2i_PUBKEY") }
        return key
    }

    /// The key type's short name, e.g. `EC`, and its size in bits.
    static func keyTypeAndBits(_ key: OpaquePointer) -> (String, Int32) {
        (EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "", EVP_PKEY_get_bits(key))
    }

    /// ECDSA over SHA-256 (`EVP_DigestSignInit` with `EVP_sha256`, `EVP_DigestSign`), DER.
    static func ecdsaSHA256Sign(key: OpaquePointer, message: [UInt8]) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        guard let ctx = EVP_MD_CTX_new() else { throw fail("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, EVP_sha256(), nil, key) == 1 else { throw fail("EVP_DigestSignInit") }
        var length = 0
        let sizeOK = message.withUnsafeBufferPointer { EVP_DigestSign(ctx, nil, &length, $0.baseAddress, $0.count) == 1 }
        guard sizeOK else { throw fail("EVP_DigestSign") }
        var signature = [UInt8](repeating: 0, count: length)
        let ok = message.withUnsafeBufferPointer { m in
            signature.withUnsafeMutableBufferPointer { s in
                EVP_DigestSign(ctx, s.baseAddress, &length, m.baseAddress, m.count) == 1
            }
        }
        guard ok else { throw fail("EVP_DigestSign") }
        return Array(signature.prefix(length))
    }

    /// Whether the DER ECDSA-SHA-256 `signature` verifies (`EVP_DigestVerify`).
    static func ecdsaSHA256Verify(key: OpaquePointer, signature: [UInt8], message: [UInt8]) throws(CryptoError) -> Bool {
        ERR_clear_error()
        guard let ctx = EVP_MD_CTX_new() else { throw fail("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, EVP_sha256(), nil, key) == 1 else { throw fail("EVP_DigestVerifyInit") }
        let result = signature.withUnsafeBufferPointer { s in
            message.withUnsafeBufferPointer { m in EVP_DigestVerify(ctx, s.baseAddress, s.count, m.baseAddress, m.count) }
        }
        if result != 1 { ERR_clear_error() }
        return result == 1
    }
}
