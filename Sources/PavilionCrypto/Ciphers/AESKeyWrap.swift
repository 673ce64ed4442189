/// AES key wrap (RFC 3394) with the default initial value, as JWE
/// `A128KW`/`A256KW` and `ECDH-ES+A256KW` use it, through OpenSSL's
/// `EVP_aes_*_wrap`.
public enum AESKeyWrap {
    /// Wrap `key` under `kek`.
    /// - Parameters:
    ///   - key: the key to wrap: at least 16 bytes, a multiple of 8.
    ///   - kek: the 16-, 24- or 32-byte key-encryption key.
    /// - Returns: the wrapped key, 8 bytes longer than `key`.
    /// - Throws: ``CryptoError`` when a length is wrong or OpenSSL fails.
    public static func wrap(_ key: SecretBytes, using kek: SecretBytes) throws(CryptoError) -> [UInt8] {
        guard key.count >= 16, key.count % 8 == 0 else {
            throw CryptoError(call: "EVP_CipherUpdate", reason: "a wrapped key is at least 16 bytes and a multiple of 8, got \(key.count)")
        }
        return try OpenSSLCipher.keyWrap(kek: kek.bytes, input: key.bytes, encrypt: true)
    }

    /// Unwrap `wrapped` under `kek`, checking its integrity value.
    /// - Parameters:
    ///   - wrapped: the wrapped key: at least 24 bytes, a multiple of 8.
    ///   - kek: the key-encryption key.
    /// - Returns: the key, 8 bytes shorter than `wrapped`.
    /// - Throws: ``CryptoError`` (call `EVP_CipherUpdate`) when the integrity check fails or a length is wrong.
    public static func unwrap(_ wrapped: [UInt8], using kek: SecretBytes) throws(CryptoError) -> SecretBytes {
        guard wrapped.count >= 24, wrapped.count % 8 == 0 else {
            throw CryptoError(call: "EVP_CipherUpdate", reason: "a wrapped key is at least 24 bytes and a multiple of 8, got \(wrapped.count)")
        }
        var key = try OpenSSLCipher.keyWrap(kek: kek.bytes, input: wrapped, encrypt: false)
        return SecretBytes(consuming: &key)
    }
}
