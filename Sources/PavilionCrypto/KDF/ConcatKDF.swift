/// The Concatenation KDF of NIST SP 800-56A §5.8.1 with SHA-256, as JWE
/// ECDH-ES uses it (RFC 7518 §4.6.2), through OpenSSL's single-step "SSKDF"
/// `EVP_KDF` (SP 800-56C, the same construction:
/// `SHA-256(counter || Z || OtherInfo)` for counter = 1, 2, …).
public enum ConcatKDF {
    /// Derive `length` bytes from the shared secret `z` and `otherInfo`.
    /// - Parameters:
    ///   - sharedSecret: `Z`, e.g. an ECDH x-coordinate.
    ///   - otherInfo: the fixed info; see ``joseOtherInfo(algorithmID:partyUInfo:partyVInfo:keyDataLengthBits:)``.
    ///   - length: the output length in bytes.
    /// - Returns: the derived key.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public static func deriveKey(sharedSecret: SecretBytes, otherInfo: [UInt8], length: Int) throws(CryptoError) -> SecretBytes {
        guard length > 0, length <= 32 * 1024 else {
            throw CryptoError(call: "EVP_KDF_derive(SSKDF)", reason: "output length must be 1...32768, got \(length)")
        }
        return try OpenSSLKDF.derive("SSKDF", length: length, parameters: [
            .utf8("digest", "SHA256"), .octets("key", sharedSecret.bytes), .octets("info", otherInfo),
        ])
    }

    /// `OtherInfo` as RFC 7518 §4.6.2 builds it: `AlgorithmID || PartyUInfo
    /// || PartyVInfo || SuppPubInfo`, each of the first three prefixed with
    /// its 32-bit big-endian length, SuppPubInfo the key length in bits as
    /// 32 bits big-endian, SuppPrivInfo empty.
    /// - Parameters:
    ///   - algorithmID: the `enc` value (direct ECDH-ES) or the `alg` value (with key wrap).
    ///   - partyUInfo: the decoded `apu`, or empty.
    ///   - partyVInfo: the decoded `apv`, or empty.
    ///   - keyDataLengthBits: the length of the derived key in bits.
    /// - Returns: the bytes to pass as `otherInfo`.
    public static func joseOtherInfo(algorithmID: String, partyUInfo: [UInt8], partyVInfo: [UInt8],
                                     keyDataLengthBits: Int) -> [UInt8] {
        func lengthPrefixed(_ bytes: [UInt8]) -> [UInt8] { bigEndian32(bytes.count) + bytes }
        return lengthPrefixed(Array(algorithmID.utf8)) + lengthPrefixed(partyUInfo) + lengthPrefixed(partyVInfo)
            + bigEndian32(keyDataLengthBits)
    }

    private static func bigEndian32(_ value: Int) -> [UInt8] {
        let v = UInt32(truncatingIfNeeded: value)
        return [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }
}
