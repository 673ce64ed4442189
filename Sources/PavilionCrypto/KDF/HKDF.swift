/// HKDF (RFC 5869) with HMAC-SHA-256, through OpenSSL's "HKDF" `EVP_KDF`.
public enum HKDFSHA256 {
    /// The largest output HKDF-SHA-256 can give: 255 hash lengths.
    public static let maximumOutputLength = 255 * 32

    /// Extract-then-expand `length` bytes of keying material.
    /// - Parameters:
    ///   - inputKeyMaterial: the secret IKM.
    ///   - salt: the optional salt; empty means a string of zeros, as the RFC says.
    ///   - info: context and application-specific information.
    ///   - length: the output length, 1 to ``maximumOutputLength``.
    /// - Returns: the output keying material.
    /// - Throws: ``CryptoError`` when the length is out of range or OpenSSL fails.
    public static func deriveKey(inputKeyMaterial: SecretBytes, salt: [UInt8] = [], info: [UInt8] = [],
                                 length: Int) throws(CryptoError) -> SecretBytes {
        guard (1...maximumOutputLength).contains(length) else {
            throw CryptoError(call: "EVP_KDF_derive(HKDF)", reason: "output length must be 1...\(maximumOutputLength), got \(length)")
        }
        var parameters: [OpenSSLKDF.Parameter] = [.utf8("digest", "SHA256"), .octets("key", inputKeyMaterial.bytes)]
        if !salt.isEmpty { parameters.append(.octets("salt", salt)) }
        if !info.isEmpty { parameters.append(.octets("info", info)) }
        return try OpenSSLKDF.derive("HKDF", length: length, parameters: parameters)
    }
}
