import Foundation

/// An Ed25519 (RFC 8032) public key: 32 raw bytes.
public struct Ed25519PublicKey: Sendable, Hashable {
    /// The 32 raw bytes of the key, as RFC 8032 encodes it.
    public let rawRepresentation: [UInt8]

    /// A public key from its 32 raw bytes. The bytes are checked by OpenSSL
    /// when a signature is verified, not here.
    /// - Parameter rawRepresentation: the encoded key.
    /// - Throws: ``CryptoError`` when it is not 32 bytes long.
    public init(rawRepresentation: [UInt8]) throws(CryptoError) {
        guard rawRepresentation.count == 32 else {
            throw CryptoError(call: "EVP_PKEY_new_raw_public_key",
                              reason: "an Ed25519 public key is 32 bytes, got \(rawRepresentation.count)")
        }
        self.rawRepresentation = rawRepresentation
    }

    /// Whether `signature` is a valid signature of `message` under this key
    /// (`EVP_DigestVerify`).
    /// - Parameters:
    ///   - signature: the 64-byte signature.
    ///   - message: the signed bytes.
    /// - Returns: `true` only for a valid signature; a malformed signature or
    ///   a key OpenSSL cannot decode gives `false`.
    public func isValidSignature(_ signature: some ContiguousBytes, for message: some ContiguousBytes) -> Bool {
        guard let key = try? OpenSSL.ed25519PublicKey(raw: rawRepresentation) else { return false }
        defer { OpenSSL.freeKey(key) }
        return (try? OpenSSL.ed25519Verify(key: key, signature: signature, message: message)) ?? false
    }
}
