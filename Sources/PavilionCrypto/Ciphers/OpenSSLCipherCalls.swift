import Foundation
internal import COpenSSL

/// Thin internal wrappers over the `EVP_CIPHER` calls behind AES-GCM and AES
/// key wrap. `EVP_CIPHER_CTX` handles never leave these functions.
enum OpenSSLCipher {
    static func gcmCipher(keyLength: Int) -> OpaquePointer? {
        switch keyLength {
        case 16: return EVP_aes_128_gcm()
        case 24: return EVP_aes_192_gcm()
        case 32: return EVP_aes_256_gcm()
        default: return nil
        }
    }

    static func wrapCipher(keyLength: Int) -> OpaquePointer? {
        switch keyLength {
        case 16: return EVP_aes_128_wrap()
        case 24: return EVP_aes_192_wrap()
        case 32: return EVP_aes_256_wrap()
        default: return nil
        }
    }

    /// AES-GCM encryption (`EVP_EncryptInit_ex`, `EVP_EncryptUpdate`,
    /// `EVP_EncryptFinal_ex`, `EVP_CTRL_GCM_GET_TAG`).
    static func gcmSeal(key: [UInt8], nonce: [UInt8], aad: [UInt8],
                        plaintext: some ContiguousBytes) throws(CryptoError) -> (ciphertext: [UInt8], tag: [UInt8]) {
        ERR_clear_error()
        guard let cipher = gcmCipher(keyLength: key.count) else {
            throw CryptoError(call: "EVP_aes_gcm", reason: "AES keys are 16, 24 or 32 bytes, got \(key.count)")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw OpenSSL.fail("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }  // cleanses the key schedule
        guard EVP_EncryptInit_ex(ctx, cipher, nil, nil, nil) == 1 else { throw OpenSSL.fail("EVP_EncryptInit_ex") }
        guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1 else {
            throw OpenSSL.fail("EVP_CIPHER_CTX_ctrl(EVP_CTRL_GCM_SET_IVLEN)")
        }
        let keyed = key.withUnsafeBufferPointer { k in
            nonce.withUnsafeBufferPointer { n in EVP_EncryptInit_ex(ctx, nil, nil, k.baseAddress, n.baseAddress) == 1 }
        }
        guard keyed else { throw OpenSSL.fail("EVP_EncryptInit_ex") }
        var length: Int32 = 0
        if !aad.isEmpty {
            let ok = aad.withUnsafeBufferPointer { EVP_EncryptUpdate(ctx, nil, &length, $0.baseAddress, Int32(clamping: $0.count)) == 1 }
            guard ok else { throw OpenSSL.fail("EVP_EncryptUpdate(aad)") }
        }
        var out: [UInt8] = []
        let ok = plaintext.withUnsafeBytes { p -> Bool in
            out = [UInt8](repeating: 0, count: p.count + 16)
            guard p.count > 0 else { return true }
            return out.withUnsafeMutableBufferPointer { o in
                EVP_EncryptUpdate(ctx, o.baseAddress, &length, p.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                  Int32(clamping: p.count)) == 1
            }
        }
        guard ok else { throw OpenSSL.fail("EVP_EncryptUpdate") }
        var total = Int(length)
        length = 0
        let finished = out.withUnsafeMutableBufferPointer { o in
            EVP_EncryptFinal_ex(ctx, o.baseAddress.map { $0 + total }, &length) == 1
        }
        guard finished else { throw OpenSSL.fail("EVP_EncryptFinal_ex") }
        total += Int(length)
        var tag = [UInt8](repeating: 0, count: 16)
        let tagged = tag.withUnsafeMutableBytes { EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, $0.baseAddress) == 1 }
        guard tagged else { throw OpenSSL.fail("EVP_CIPHER_CTX_ctrl(EVP_CTRL_GCM_GET_TAG)") }
        return (Array(out.prefix(total)), tag)
    }

    /// AES-GCM decryption and tag check (`EVP_DecryptInit_ex`,
    /// `EVP_DecryptUpdate`, `EVP_CTRL_GCM_SET_TAG`, `EVP_DecryptFinal_ex`).
    /// Nothing is returned unless the tag verifies.
    static func gcmOpen(key: [UInt8], nonce: [UInt8], aad: [UInt8], ciphertext: [UInt8], tag: [UInt8]) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        guard let cipher = gcmCipher(keyLength: key.count) else {
            throw CryptoError(call: "EVP_aes_gcm", reason: "AES keys are 16, 24 or 32 bytes, got \(key.count)")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw OpenSSL.fail("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        guard EVP_DecryptInit_ex(ctx, cipher, nil, nil, nil) == 1 else { throw OpenSSL.fail("EVP_DecryptInit_ex") }
        guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1 else {
            throw OpenSSL.fail("EVP_CIPHER_CTX_ctrl(EVP_CTRL_GCM_SET_IVLEN)")
        }
        let keyed = key.withUnsafeBufferPointer { k in
            nonce.withUnsafeBufferPointer { n in EVP_DecryptInit_ex(ctx, nil, nil, k.baseAddress, n.baseAddress) == 1 }
        }
        guard keyed else { throw OpenSSL.fail("EVP_DecryptInit_ex") }
        var length: Int32 = 0
        if !aad.isEmpty {
            let ok = aad.withUnsafeBufferPointer { EVP_DecryptUpdate(ctx, nil, &length, $0.baseAddress, Int32(clamping: $0.count)) == 1 }
            guard ok else { throw OpenSSL.fail("EVP_DecryptUpdate(aad)") }
        }
        var out = [UInt8](repeating: 0, count: ciphertext.count + 16)
        if !ciphertext.isEmpty {
            let ok = ciphertext.withUnsafeBufferPointer { c in
                out.withUnsafeMutableBufferPointer { o in
                    EVP_DecryptUpdate(ctx, o.baseAddress, &length, c.baseAddress, Int32(clamping: c.count)) == 1
                }
            }
            guard ok else { throw OpenSSL.fail("EVP_DecryptUpdate") }
        }
        var total = Int(length)
        var tagCopy = tag
        let tagged = tagCopy.withUnsafeMutableBytes {
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32($0.count), $0.baseAddress) == 1
        }
        guard tagged else { throw OpenSSL.fail("EVP_CIPHER_CTX_ctrl(EVP_CTRL_GCM_SET_TAG)") }
        length = 0
        let verified = out.withUnsafeMutableBufferPointer { o in
            EVP_DecryptFinal_ex(ctx, o.baseAddress.map { $0 + total }, &length) == 1
        }
        guard verified else {
            OpenSSL.cleanse(&out)
            ERR_clear_error()
            throw CryptoError(call: "EVP_DecryptFinal_ex", reason: "authentication tag does not match")
        }
        total += Int(length)
        return Array(out.prefix(total))
    }

    /// AES key wrap (RFC 3394) with the default IV (`EVP_aes_*_wrap`,
    /// `EVP_CIPHER_CTX_FLAG_WRAP_ALLOW`). `encrypt` false unwraps and checks
    /// the integrity value.
    static func keyWrap(kek: [UInt8], input: [UInt8], encrypt: Bool) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        guard let cipher = wrapCipher(keyLength: kek.count) else {
            throw CryptoError(call: "EVP_aes_wrap", reason: "AES key-encryption keys are 16, 24 or 32 bytes, got \(kek.count)")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw OpenSSL.fail("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        EVP_CIPHER_CTX_set_flags(ctx, Int32(EVP_CIPHER_CTX_FLAG_WRAP_ALLOW))
        let initialised = kek.withUnsafeBufferPointer {
            EVP_CipherInit_ex(ctx, cipher, nil, $0.baseAddress, nil, encrypt ? 1 : 0) == 1
        }
        guard initialised else { throw OpenSSL.fail("EVP_CipherInit_ex") }
        var out = [UInt8](repeating: 0, count: input.count + 16)
        var length: Int32 = 0
        let ok = input.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                EVP_CipherUpdate(ctx, o.baseAddress, &length, i.baseAddress, Int32(clamping: i.count)) > 0
            }
        }
        guard ok else {
            OpenSSL.cleanse(&out)
            ERR_clear_error()
            throw CryptoError(call: "EVP_CipherUpdate", reason: encrypt ? "key wrap failed" : "key unwrap failed: integrity check")
        }
        var total = Int(length)
        length = 0
        let finished = out.withUnsafeMutableBufferPointer { o in
            EVP_CipherFinal_ex(ctx, o.baseAddress.map { $0 + total }, &length) == 1
        }
        guard finished else {
            OpenSSL.cleanse(&out)
            throw OpenSSL.fail("EVP_CipherFinal_ex")
        }
        total += Int(length)
        let result = Array(out.prefix(total))
        OpenSSL.cleanse(&out)
        return result
    }
}
