import Foundation

/// An EC private key on P-256 or P-384, held by OpenSSL as an `EVP_PKEY`
/// for ECDSA signing and ECDH.
///
/// The private scalar lives only inside OpenSSL's key object, cleansed when
/// it is freed on `deinit`; exports (``privateScalar()``,
/// ``pkcs8DERRepresentation()``) are copies the caller must wipe.
public final class ECPrivateKey: @unchecked Sendable {
    // @unchecked: immutable after `init`; see ``EVPKey``.
    let key: EVPKey
    /// The curve.
    public let curve: ECCurve
    /// The matching public key.
    public let publicKey: ECPublicKey
    /// The `EVP_PKEY_sign` contexts ``signature(for:digest:)`` borrows.
    private let signingContexts: ECDSASigningContexts

    /// A fresh key (`EVP_PKEY_generate`).
    /// - Parameter curve: the curve.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public convenience init(curve: ECCurve) throws(CryptoError) {
        try self.init(owning: EVPKey(owning: OpenSSLKey.generate(algorithm: "EC", group: curve.rawValue)))
    }

    /// The key with private scalar `d` and public point `publicKey`, as a
    /// JWK carries them (`EVP_PKEY_fromdata`); the pair is checked
    /// (`EVP_PKEY_pairwise_check`).
    /// - Parameters:
    ///   - privateScalar: `d`, big-endian, exactly the curve's coordinate length.
    ///   - publicKey: the public key that must belong to `d`.
    /// - Throws: ``CryptoError`` when the length is wrong or the pair does not match.
    public init(privateScalar: [UInt8], publicKey: ECPublicKey) throws(CryptoError) {
        let curve = publicKey.curve
        guard privateScalar.count == curve.coordinateLength else {
            throw CryptoError(call: "ECPrivateKey", reason: "a \(curve.rawValue) private scalar is \(curve.coordinateLength) bytes, got \(privateScalar.count)")
        }
        let pointer = try OpenSSLKey.fromData(algorithm: "EC", selection: .keyPair, parameters: [
            .utf8("group", curve.rawValue), .octets("pub", publicKey.rawRepresentation),
            .bigNumber("priv", privateScalar, secret: true),
        ])
        key = EVPKey(owning: pointer)
        try OpenSSLKey.checkPair(pointer)
        self.curve = curve
        self.publicKey = publicKey
        signingContexts = ECDSASigningContexts(key: key)
    }

    /// A key from DER PKCS#8 (`d2i_PKCS8_PRIV_KEY_INFO`, `EVP_PKCS82PKEY`).
    /// - Parameter pkcs8DERRepresentation: the DER, nothing after it.
    /// - Throws: ``CryptoError`` when it is not a P-256 or P-384 key.
    public convenience init(pkcs8DERRepresentation: [UInt8]) throws(CryptoError) {
        try self.init(owning: EVPKey(owning: OpenSSLKey.readPKCS8(pkcs8DERRepresentation)))
    }

    /// A key from a PEM `PRIVATE KEY` (PKCS#8, unencrypted) block.
    /// - Parameter pemRepresentation: the PEM text.
    /// - Throws: ``CryptoError`` when there is no such block or it is not a P-256 or P-384 key.
    public convenience init(pemRepresentation: String) throws(CryptoError) {
        var der = try OpenSSLKey.readPEM(label: "PRIVATE KEY", pem: pemRepresentation)
        defer { OpenSSL.cleanse(&der) }
        try self.init(pkcs8DERRepresentation: der)
    }

    private init(owning key: EVPKey) throws(CryptoError) {
        let (curve, point) = try ECPublicKey.describe(key.pointer)
        self.key = key
        self.curve = curve
        self.publicKey = try ECPublicKey(rawRepresentation: point, curve: curve)
        signingContexts = ECDSASigningContexts(key: key)
    }

    /// A copy of the private scalar `d`, left-padded to the curve's
    /// coordinate length (`EVP_PKEY_get_bn_param` "priv"). Wipe it when done.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func privateScalar() throws(CryptoError) -> [UInt8] {
        try OpenSSLKey.bigNumberParameter(key.pointer, "priv", width: curve.coordinateLength)
    }

    /// The key as DER PKCS#8 (`i2d_PKCS8_PRIV_KEY_INFO`). Wipe it when done.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func pkcs8DERRepresentation() throws(CryptoError) -> [UInt8] { try OpenSSLKey.pkcs8(key.pointer) }

    /// The key as a PEM `PRIVATE KEY` block (PKCS#8, unencrypted).
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func pemRepresentation() throws(CryptoError) -> String {
        var der = try pkcs8DERRepresentation()
        defer { OpenSSL.cleanse(&der) }
        return try OpenSSLKey.pem(label: "PRIVATE KEY", der: der)
    }

    /// An ECDSA signature of `message`, randomised by OpenSSL's CSPRNG: the
    /// message hashed with the one-shot `SHA256`/`SHA384`/`SHA512`, the
    /// digest signed with `EVP_PKEY_sign` on a context set up once per key
    /// and thread (see ``ECDSASigningContexts``), the DER result decoded into
    /// `r || s`. Safe to call from many threads at once.
    /// - Parameters:
    ///   - message: the bytes to sign (hashed here).
    ///   - digest: the hash, by default the curve's JOSE hash.
    /// - Returns: the signature; ``ECDSASignature/rawRepresentation`` is the JOSE form.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func signature(for message: some ContiguousBytes, digest: DigestAlgorithm? = nil) throws(CryptoError) -> ECDSASignature {
        let raw = try signingContexts.sign(message, digest: digest ?? curve.digest, width: curve.coordinateLength)
        return ECDSASignature(checkedRaw: raw, curve: curve)
    }

    /// The ECDH shared secret with `peer`: the x-coordinate of `d · Q`
    /// (`EVP_PKEY_derive`), as SEC 1 and RFC 7518 §4.6 use it.
    /// - Parameter peer: the other party's public key, on the same curve.
    /// - Returns: the secret, the curve's coordinate length.
    /// - Throws: ``CryptoError`` when the curves differ or OpenSSL fails.
    public func sharedSecret(with peer: ECPublicKey) throws(CryptoError) -> SecretBytes {
        guard peer.curve == curve else {
            throw CryptoError(call: "EVP_PKEY_derive_set_peer", reason: "peer key is on \(peer.curve.rawValue), ours on \(curve.rawValue)")
        }
        return try OpenSSLKey.derive(key: key.pointer, peer: peer.key.pointer)
    }
}
