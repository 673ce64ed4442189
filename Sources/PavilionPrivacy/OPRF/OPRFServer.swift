import PavilionCrypto

/// The server of the base OPRF mode (RFC 9497 §3.3.1).
///
/// Constant time in the key: `skS·blindedElement` is one single-term
/// `EC_POINT_mul` with a `BN_FLG_CONSTTIME` scalar.
public struct OPRFServer: Sendable {
    let context: OPRFContext
    let key: OPRFPrivateKey

    /// A server with `privateKey`.
    /// - Throws: ``OPRFError`` `.cryptoFailure` when OpenSSL cannot build the group.
    public init(privateKey: OPRFPrivateKey) throws(OPRFError) {
        context = try OPRFContext(suite: privateKey.suite, mode: .oprf)
        key = privateKey
    }

    /// `BlindEvaluate(skS, blindedElement)`.
    /// - Parameter blindedElement: the client's element, `Ne` bytes.
    /// - Returns: `SerializeElement(skS·blindedElement)`.
    /// - Throws: ``OPRFError`` `.deserializeError` for a malformed, off-curve or identity element.
    public func blindEvaluate(_ blindedElement: [UInt8]) throws(OPRFError) -> [UInt8] {
        let blinded = try context.deserializeElement(blindedElement)
        return try context.serialize(try crypto { () throws(CryptoError) in try blinded.multiplied(by: key.scalar) })
    }

    /// `Evaluate(skS, input)`: the PRF output computed directly, for the
    /// server's own set (e.g. the data provider side of set membership).
    /// - Parameter input: at most 65535 bytes.
    /// - Returns: `Nh` bytes, equal to what a client finalises for the same input.
    /// - Throws: ``OPRFError`` `.invalidInputError` when the input is too long or hashes to the identity.
    public func evaluate(_ input: [UInt8]) throws(OPRFError) -> [UInt8] {
        _ = try OPRFContext.lengthPrefixed(input, "the input")
        let element = try context.hashToGroup(input)
        guard !element.isIdentity else { throw OPRFError(.invalidInputError, "the input hashes to the identity") }
        let evaluated = try crypto { () throws(CryptoError) in try element.multiplied(by: key.scalar) }
        return try context.finalizeHash(input: input, info: nil, element: evaluated)
    }
}
