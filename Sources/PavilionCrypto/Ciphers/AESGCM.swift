/// AES-GCM (NIST SP 800-38D) with 96-bit nonces and 128-bit tags, through
/// OpenSSL's `EVP_aes_*_gcm`.
public enum AESGCM {
    /// The nonce length in bytes.
    public static let nonceLength = 12
    /// The tag length in bytes.
    public static let tagLength = 16

    /// The output of ``seal(_:key:nonce:authenticating:)``.
    public struct SealedBox: Sendable, Hashable {
        /// The 12-byte nonce.
        public var nonce: [UInt8]
        /// The ciphertext, as long as the plaintext.
        public var ciphertext: [UInt8]
        /// The 16-byte authentication tag.
        public var tag: [UInt8]

        /// - Parameters:
        ///   - nonce: the nonce.
        ///   - ciphertext: the ciphertext.
        ///   - tag: the tag.
        public init(nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
            self.nonce = nonce
            self.ciphertext = ciphertext
            self.tag = tag
        }
    }

    /// Encrypt and authenticate `plaintext`.
    /// - Parameters:
    ///   - plaintext: the bytes to encrypt.
    ///   - key: a 16-, 24- or 32-byte key (A256GCM uses 32).
    ///   - nonce: a 12-byte nonce that is never reused with `key`; `nil` draws a random one.
    ///   - aad: additional data authenticated but not encrypted.
    /// - Returns: the nonce, ciphertext and tag.
    /// - Throws: ``CryptoError`` when a length is wrong or OpenSSL fails.
    public static func seal(_ plaintext: some ContiguousBytes, key: SecretBytes, nonce nonceOrNil: [UInt8]? = nil,
                            authenticating aad: [UInt8] = []) throws(CryptoError) -> SealedBox {
        let nonce: [UInt8]
        if let given = nonceOrNil { nonce = given } else { nonce = try SecureRandom.bytes(nonceLength) }
        guard nonce.count == nonceLength else {
            throw CryptoError(call: "EVP_CTRL_GCM_SET_IVLEN", reason: "the nonce is \(nonceLength) bytes, got \(nonce.count)")
        }
        let (ciphertext, tag) = try OpenSSLCipher.gcmSeal(key: key.bytes, nonce: nonce, aad: aad, plaintext: plaintext)
        return SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag)
    }

    /// Check and decrypt `box`.
    /// - Parameters:
    ///   - box: the nonce, ciphertext and tag.
    ///   - key: the key it was sealed with.
    ///   - aad: the additional data it was sealed with.
    /// - Returns: the plaintext, only when the tag verifies.
    /// - Throws: ``CryptoError`` (call `EVP_DecryptFinal_ex`) when the tag does not verify, or when a length is wrong.
    public static func open(_ box: SealedBox, key: SecretBytes, authenticating aad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        guard box.nonce.count == nonceLength, box.tag.count == tagLength else {
            throw CryptoError(call: "EVP_CTRL_GCM_SET_TAG", reason: "the nonce is \(nonceLength) bytes and the tag \(tagLength), got \(box.nonce.count) and \(box.tag.count)")
        }
        return try OpenSSLCipher.gcmOpen(key: key.bytes, nonce: box.nonce, aad: aad, ciphertext: box.ciphertext, tag: box.tag)
    }
}

import Foundation
