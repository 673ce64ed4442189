import Foundation
internal import COpenSSL

/// Thin internal wrappers over the OpenSSL `EVP_CIPHER` calls behind
/// ``AESGCM``. The context pointer never leaves these functions.
extension OpenSSL {
    /// One-shot AES-GCM (`EVP_EncryptInit_ex`/`EVP_DecryptInit_ex` with a
    /// 12-byte IV, AAD via `EVP_*Update` with no output, the text, the
    /// 16-byte tag via `EVP_CTRL_GCM_GET_TAG`/`SET_TAG`). Returns `nil` from
    /// a decryption whose tag does not verify; throws for OpenSSL failures.
    static func aesGCM(encrypt: Bool, key: [UInt8], nonce: [UInt8], aad: [UInt8], input: [UInt8],
                       tag: [UInt8]) throws(CryptoError) -> (output: [UInt8], tag: [UInt8])? {
        ERR_clear_error()
        let cipher: OpaquePointer? = key.count == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm()
        guard let ctx = EVP_CIPHER_CTX_new() else { throw fail("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }  // frees and cleanses the key schedule
        let initOK = key.withUnsafeBufferPointer { k in
            nonce.withUnsafeBufferPointer { n in
                encrypt ? EVP_EncryptInit_ex(ctx, cipher, nil, k.baseAddress, n.baseAddress) == 1
                        : EVP_DecryptInit_ex(ctx, cipher, nil, k.baseAddress, n.baseAddress) == 1
            }
        }
        guard initOK else { throw fail(encrypt ? "EVP_EncryptInit_ex" : "EVP_DecryptInit_ex") }
        let update = encrypt ? "EVP_EncryptUpdate" : "EVP_DecryptUpdate"
        var length: Int32 = 0
        if !aad.isEmpty {
            let ok = aad.withUnsafeBufferPointer { a in
                encrypt ? EVP_EncryptUpdate(ctx, nil, &length, a.baseAddress, Int32(a.count)) == 1
                        : EVP_DecryptUpdate(ctx, nil, &length, a.baseAddress, Int32(a.count)) == 1
            }
            guard ok else { throw fail(update) }
        }
        var output = [UInt8](repeating: 0, count: input.count + 16)
        var written = 0
        if !input.isEmpty {
            let ok = input.withUnsafeBufferPointer { i in
                output.withUnsafeMutableBufferPointer { o in
                    encrypt ? EVP_EncryptUpdate(ctx, o.baseAddress, &length, i.baseAddress, Int32(i.count)) == 1
                            : EVP_DecryptUpdate(ctx, o.baseAddress, &length, i.baseAddress, Int32(i.count)) == 1
                }
            }
            guard ok else {
                cleanse(&output)
                throw fail(update)
            }
            written = Int(length)
        }
        if encrypt {
            let ok = output.withUnsafeMutableBufferPointer { EVP_EncryptFinal_ex(ctx, $0.baseAddress.map { $0 + written }, &length) == 1 }
            guard ok else { throw fail("EVP_EncryptFinal_ex") }
            written += Int(length)
            var outTag = [UInt8](repeating: 0, count: 16)
            let tagOK = outTag.withUnsafeMutableBytes { EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, $0.baseAddress) == 1 }
            guard tagOK else { throw fail("EVP_CIPHER_CTX_ctrl(EVP_CTRL_GCM_GET_TAG)") }
            return (Array(output.prefix(written)), outTag)
        }
        var expected = tag
        let setOK = expected.withUnsafeMutableBytes { EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, $0.baseAddress) == 1 }
        guard setOK else { throw fail("EVP_CIPHER_CTX_ctrl(EVP_CTRL_GCM_SET_TAG)") }
        let verified = output.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(ctx, $0.baseAddress.map { $0 + written }, &length) == 1 }
        guard verified else {
            // A tag mismatch: not an OpenSSL failure, and no plaintext escapes.
            ERR_clear_error()
            cleanse(&output)
            return nil
        }
        written += Int(length)
        let plaintext = Array(output.prefix(written))
        cleanse(&output)
        return (plaintext, [])
    }
}
