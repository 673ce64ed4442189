import Foundation

/// An RSA private key, for signing test fixtures and interoperability tests.
/// Pavilion only verifies RSA signatures in production.
public final class RSAPrivateKey: @unchecked Sendable {
    // @unchecked: immutable after `init`; see ``EVPKey``.
    let key: EVPKey
    /// The matching public key.
    public let publicKey: RSAPublicKey

    /// A fresh key (`EVP_PKEY_CTX_set_rsa_keygen_bits`, `EVP_PKEY_generate`), exponent 65537.
    /// - Parameter bitCount: the modulus size, within ``RSAPublicKey/allowedSizes``.
    /// - Throws: ``CryptoError`` when the size is not allowed or OpenSSL fails.
    public convenience init(bitCount: Int) throws(CryptoError) {
        guard RSAPublicKey.allowedSizes.contains(bitCount) else {
            throw CryptoError(call: "EVP_PKEY_CTX_set_rsa_keygen_bits", reason: "RSA keys of \(RSAPublicKey.allowedSizes) bits are accepted, got \(bitCount)")
        }
        try self.init(owning: EVPKey(owning: OpenSSLKey.generate(algorithm: "RSA", bits: Int32(bitCount))))
    }

    /// A key from its CRT components, as a JWK carries them (`EVP_PKEY_fromdata`);
    /// the pair is checked (`EVP_PKEY_pairwise_check`).
    /// - Parameters:
    ///   - modulus: `n`.
    ///   - publicExponent: `e`.
    ///   - privateExponent: `d`.
    ///   - primes: `p` and `q`.
    ///   - exponents: `dp` and `dq`.
    ///   - coefficient: `qi`.
    /// - Throws: ``CryptoError`` when OpenSSL refuses the key or its parts do not fit together.
    public convenience init(modulus: [UInt8], publicExponent: [UInt8], privateExponent: [UInt8],
                            primes: ([UInt8], [UInt8]), exponents: ([UInt8], [UInt8]),
                            coefficient: [UInt8]) throws(CryptoError) {
        let pointer = try OpenSSLKey.fromData(algorithm: "RSA", selection: .keyPair, parameters: [
            .bigNumber("n", modulus, secret: false), .bigNumber("e", publicExponent, secret: false),
            .bigNumber("d", privateExponent, secret: true),
            .bigNumber("rsa-factor1", primes.0, secret: true), .bigNumber("rsa-factor2", primes.1, secret: true),
            .bigNumber("rsa-exponent1", exponents.0, secret: true), .bigNumber("rsa-exponent2", exponents.1, secret: true),
            .bigNumber("rsa-coefficient1", coefficient, secret: true),
        ])
        let key = EVPKey(owning: pointer)
        try OpenSSLKey.checkPair(pointer)
        try self.init(owning: key)
    }

    /// A key from a PEM `PRIVATE KEY` (PKCS#8, unencrypted) block.
    /// - Parameter pemRepresentation: the PEM text.
    /// - Throws: ``CryptoError`` when there is no such block or it is not an RSA key of an allowed size.
    public convenience init(pemRepresentation: String) throws(CryptoError) {
        var der = try OpenSSLKey.readPEM(label: "PRIVATE KEY", pem: pemRepresentation)
        defer { OpenSSL.cleanse(&der) }
        try self.init(owning: EVPKey(owning: OpenSSLKey.readPKCS8(der)))
    }

    private init(owning key: EVPKey) throws(CryptoError) {
        self.key = key
        let der = try OpenSSLKey.subjectPublicKeyInfo(key.pointer)
        self.publicKey = try RSAPublicKey(derRepresentation: der)
    }

    /// The key as a PEM `PRIVATE KEY` block (PKCS#8, unencrypted).
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func pemRepresentation() throws(CryptoError) -> String {
        var der = try OpenSSLKey.pkcs8(key.pointer)
        defer { OpenSSL.cleanse(&der) }
        return try OpenSSLKey.pem(label: "PRIVATE KEY", der: der)
    }

    /// A copy of a private CRT component (`EVP_PKEY_get_bn_param`): one of
    /// "d", "rsa-factor1", "rsa-factor2", "rsa-exponent1", "rsa-exponent2",
    /// "rsa-coefficient1". Wipe it when done.
    /// - Parameter name: the OpenSSL parameter name.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func privateComponent(_ name: String) throws(CryptoError) -> [UInt8] {
        try OpenSSLKey.bigNumberParameter(key.pointer, name)
    }

    /// A signature of `message` (`EVP_DigestSign`).
    /// - Parameters:
    ///   - message: the bytes to sign (hashed here).
    ///   - scheme: the padding and hash.
    /// - Returns: the signature block, as long as the modulus.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func signature(for message: some ContiguousBytes, scheme: RSASignatureScheme) throws(CryptoError) -> [UInt8] {
        try OpenSSLKey.sign(key: key.pointer, digest: scheme.digest, padding: scheme.padding, message: message)
    }
}
