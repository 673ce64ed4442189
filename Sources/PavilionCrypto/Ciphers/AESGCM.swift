/// AES in Galois/Counter Mode (NIST SP 800-38D) through OpenSSL's EVP
/// interface: authenticated encryption with associated data.
///
/// Keys are 32 bytes (AES-256; 16-byte AES-128 keys are accepted for test
/// vectors), nonces 12 bytes, tags 16 bytes appended to the ciphertext. A
/// nonce must never repeat under one key: draw it from ``SecureRandom``.
public enum AESGCM {
    /// The nonce length, 96 bits.
    public static let nonceLength = 12
    /// The tag length, 128 bits.
    public static let tagLength = 16

    /// Encrypt and authenticate `plaintext`, and authenticate `aad`.
    /// - Parameters:
    ///   - plaintext: the bytes to encrypt.
    ///   - key: 32 bytes (or 16).
    ///   - nonce: 12 bytes, unique under `key`.
    ///   - aad: bytes to authenticate but not encrypt.
    /// - Returns: `ciphertext || tag`, 16 bytes longer than `plaintext`.
    /// - Throws: ``CryptoError`` for a wrong key or nonce length, or when OpenSSL fails.
    public static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        try check(key: key, nonce: nonce)
        guard let sealed = try OpenSSL.aesGCM(encrypt: true, key: key, nonce: nonce, aad: aad, input: plaintext, tag: []) else {
            throw CryptoError(call: "EVP_EncryptFinal_ex", reason: "AES-GCM encryption gave no output")
        }
        return sealed.output + sealed.tag
    }

    /// Check and decrypt what ``seal(_:key:nonce:aad:)`` made.
    /// - Parameters:
    ///   - sealed: `ciphertext || tag`.
    ///   - key: the key it was sealed with.
    ///   - nonce: the nonce it was sealed with.
    ///   - aad: the associated data it was sealed with.
    /// - Returns: the plaintext; the caller wipes it if secret.
    /// - Throws: ``CryptoError`` with call `EVP_DecryptFinal_ex` and reason
    ///   "authentication failed" when the tag does not match (wrong key,
    ///   nonce or AAD, or altered bytes), or for bad lengths and OpenSSL failures.
    public static func open(_ sealed: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        try check(key: key, nonce: nonce)
        guard sealed.count >= tagLength else {
            throw CryptoError(call: "EVP_DecryptInit_ex", reason: "sealed box of \(sealed.count) bytes is shorter than its tag")
        }
        let ciphertext = Array(sealed.dropLast(tagLength))
        let tag = Array(sealed.suffix(tagLength))
        guard let opened = try OpenSSL.aesGCM(encrypt: false, key: key, nonce: nonce, aad: aad, input: ciphertext, tag: tag) else {
            throw CryptoError(call: "EVP_DecryptFinal_ex", reason: "authentication failed")
        }
        return opened.output
    }

    private static func check(key: [UInt8], nonce: [UInt8]) throws(CryptoError) {
        guard key.count == 32 || key.count == 16 else {
            throw CryptoError(call: "EVP_EncryptInit_ex", reason: "an AES-GCM key is 32 bytes (or 16), got \(key.count)")
        }
        guard nonce.count == nonceLength else {
            throw CryptoError(call: "EVP_EncryptInit_ex", reason: "an AES-GCM nonce is 12 bytes, got \(nonce.count)")
        }
    }
}
