/// An RSA public key of 2048 to 4096 bits, held by OpenSSL as an
/// `EVP_PKEY`, for verifying RSASSA-PKCS1-v1_5 and RSASSA-PSS signatures.
public final class RSAPublicKey: @unchecked Sendable, Hashable {
    // @unchecked: immutable after `init`; see ``EVPKey``.
    let key: EVPKey
    /// The modulus `n`, big-endian, without leading zeros.
    public let modulus: [UInt8]
    /// The public exponent `e`, big-endian, without leading zeros.
    public let publicExponent: [UInt8]

    /// The smallest and largest modulus accepted, in bits.
    public static let allowedSizes = 2048...4096

    /// A key from its modulus and exponent, as a JWK carries them (`EVP_PKEY_fromdata`).
    /// - Parameters:
    ///   - modulus: `n`, big-endian.
    ///   - publicExponent: `e`, big-endian; odd and at least 3.
    /// - Throws: ``CryptoError`` when the size is outside ``allowedSizes`` or OpenSSL refuses the key.
    public convenience init(modulus: [UInt8], publicExponent: [UInt8]) throws(CryptoError) {
        let pointer = try OpenSSLKey.fromData(algorithm: "RSA", selection: .publicKey, parameters: [
            .bigNumber("n", modulus, secret: false), .bigNumber("e", publicExponent, secret: false),
        ])
        try self.init(owning: EVPKey(owning: pointer))
    }

    /// A key from DER SubjectPublicKeyInfo (`d2i_PUBKEY`).
    /// - Parameter derRepresentation: the DER, nothing after it.
    /// - Throws: ``CryptoError`` when it is not an RSA key of an allowed size.
    public convenience init(derRepresentation: [UInt8]) throws(CryptoError) {
        try self.init(owning: EVPKey(owning: OpenSSLKey.readSubjectPublicKeyInfo(derRepresentation)))
    }

    /// A key from a PEM `PUBLIC KEY` block.
    /// - Parameter pemRepresentation: the PEM text.
    /// - Throws: ``CryptoError`` when there is no such block or it is not an RSA key of an allowed size.
    public convenience init(pemRepresentation: String) throws(CryptoError) {
        try self.init(derRepresentation: OpenSSLKey.readPEM(label: "PUBLIC KEY", pem: pemRepresentation))
    }

    init(owning key: EVPKey) throws(CryptoError) {
        let type = OpenSSLKey.typeName(key.pointer)
        guard type == "RSA" else {
            throw CryptoError(call: "EVP_PKEY_get0_type_name", reason: "expected an RSA key, got \(type)")
        }
        let bits = OpenSSLKey.bits(key.pointer)
        guard Self.allowedSizes.contains(bits) else {
            throw CryptoError(call: "EVP_PKEY_get_bits", reason: "RSA keys of \(Self.allowedSizes) bits are accepted, got \(bits)")
        }
        let e = try OpenSSLKey.bigNumberParameter(key.pointer, "e")
        guard let last = e.last, last & 1 == 1, e.count > 1 || last >= 3 else {
            throw CryptoError(call: "EVP_PKEY_get_bn_param", reason: "the RSA public exponent must be odd and at least 3")
        }
        self.key = key
        self.modulus = try OpenSSLKey.bigNumberParameter(key.pointer, "n")
        self.publicExponent = e
    }

    /// The modulus size in bits (`EVP_PKEY_get_bits`).
    public var bitCount: Int { OpenSSLKey.bits(key.pointer) }

    /// The DER SubjectPublicKeyInfo (`i2d_PUBKEY`).
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func derRepresentation() throws(CryptoError) -> [UInt8] { try OpenSSLKey.subjectPublicKeyInfo(key.pointer) }

    /// The PEM `PUBLIC KEY` block.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func pemRepresentation() throws(CryptoError) -> String {
        try OpenSSLKey.pem(label: "PUBLIC KEY", der: derRepresentation())
    }

    /// Whether `signature` is valid for `message` under `scheme` (`EVP_DigestVerify`).
    /// - Parameters:
    ///   - signature: the signature block, exactly as long as the modulus.
    ///   - message: the signed bytes (hashed here).
    ///   - scheme: the padding and hash.
    /// - Returns: `true` only for a valid signature.
    public func isValidSignature(_ signature: [UInt8], for message: some ContiguousBytes,
                                 scheme: RSASignatureScheme) -> Bool {
        guard signature.count == modulus.count else { return false }
        return (try? OpenSSLKey.verify(key: key.pointer, digest: scheme.digest, padding: scheme.padding,
                                       signature: signature, message: message)) ?? false
    }

    public static func == (lhs: RSAPublicKey, rhs: RSAPublicKey) -> Bool {
        lhs.modulus == rhs.modulus && lhs.publicExponent == rhs.publicExponent
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(modulus)
        hasher.combine(publicExponent)
    }
}

import Foundation
