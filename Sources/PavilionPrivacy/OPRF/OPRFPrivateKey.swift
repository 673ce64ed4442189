import PavilionCrypto

/// A server's private key `skS`, a non-zero scalar, with its public key.
/// The scalar carries `BN_FLG_CONSTTIME` and is wiped when freed.
public struct OPRFPrivateKey: Sendable {
    /// The suite.
    public let suite: OPRFSuite
    let scalar: ECScalar
    /// `pkS = skS·G`.
    public let publicKey: OPRFPublicKey

    init(suite: OPRFSuite, scalar: ECScalar) throws(OPRFError) {
        guard !scalar.isZero else { throw OPRFError(.deserializeError, "a private key is never zero") }
        self.suite = suite
        self.scalar = scalar
        let element = try crypto { () throws(CryptoError) in try scalar.group.generatorMultiplied(by: scalar) }
        publicKey = try OPRFPublicKey(suite: suite, element: element)
    }

    /// A fresh random key (`GenerateKeyPair`, RFC 9497 §3.2): a uniform non-zero scalar from OpenSSL's CSPRNG.
    /// - Parameter suite: the suite.
    /// - Throws: ``OPRFError`` `.cryptoFailure` when the CSPRNG fails.
    public static func generate(suite: OPRFSuite) throws(OPRFError) -> OPRFPrivateKey {
        let group = try crypto { () throws(CryptoError) in try ECGroup.named(suite.curve) }
        return try OPRFPrivateKey(suite: suite, scalar: try crypto { () throws(CryptoError) in try ECScalar.random(in: group) })
    }

    /// `DeriveKeyPair(seed, info)` (RFC 9497 §3.2.1): a key determined by a
    /// secret seed and public key info, for the given mode's context string.
    /// - Parameters:
    ///   - suite: the suite.
    ///   - mode: the mode (it is part of the derivation's DST).
    ///   - seed: high-entropy secret bytes (`Ns` recommended).
    ///   - info: public key info, e.g. tenant and purpose; at most 65535 bytes.
    /// - Throws: ``OPRFError`` `.deriveKeyPairError` (practically never) or `.invalidInputError` for oversized info.
    public static func derive(suite: OPRFSuite, mode: OPRFMode, seed: SecretBytes, info: [UInt8]) throws(OPRFError) -> OPRFPrivateKey {
        let context = try OPRFContext(suite: suite, mode: mode)
        var seedBytes = seed.copyBytes()
        defer { ConstantTime.wipe(&seedBytes) }
        return try OPRFPrivateKey(suite: suite, scalar: try context.deriveKeyPair(seed: seedBytes, info: info))
    }

    /// Decode `SerializeScalar(skS)`.
    /// - Parameters:
    ///   - serialized: `Ns` big-endian bytes, non-zero and below the order.
    ///   - suite: the suite.
    /// - Throws: ``OPRFError`` `.deserializeError` otherwise.
    public init(serialized: SecretBytes, suite: OPRFSuite) throws(OPRFError) {
        let context = try OPRFContext(suite: suite, mode: .oprf)
        var bytes = serialized.copyBytes()
        defer { ConstantTime.wipe(&bytes) }
        try self.init(suite: suite, scalar: try context.deserializeScalar(bytes))
    }

    /// `SerializeScalar(skS)`, `Ns` bytes, as a secret that wipes itself.
    public var serialized: SecretBytes {
        var bytes = scalar.bigEndianBytes()
        return SecretBytes(consuming: &bytes)
    }
}
