import PavilionCrypto

/// The server of the partially oblivious mode (RFC 9497 §3.3.3): evaluates
/// with the tweaked key `t = skS + HashToScalar(info)`, as
/// `t⁻¹·blindedElement`, and proves it against `tweakedKey = t·G`.
///
/// Constant time in the key: `t⁻¹` is Fermat inversion through
/// `BN_mod_exp_mont_consttime`; the multiplications are single-term
/// `EC_POINT_mul`; `t = skS + m` is one `BN_mod_add` of `BN_FLG_CONSTTIME` numbers.
public struct POPRFServer: Sendable {
    let context: OPRFContext
    let key: OPRFPrivateKey

    /// A server with `privateKey`.
    /// - Throws: ``OPRFError`` `.cryptoFailure` when OpenSSL cannot build the group.
    public init(privateKey: OPRFPrivateKey) throws(OPRFError) {
        context = try OPRFContext(suite: privateKey.suite, mode: .poprf)
        key = privateKey
    }

    /// The public key clients verify against (after tweaking it with the info).
    public var publicKey: OPRFPublicKey { key.publicKey }

    /// `t = skS + HashToScalar("Info" || len || info)`, refusing zero.
    private func tweak(_ info: [UInt8]) throws(OPRFError) -> ECScalar {
        let m = try context.infoScalar(info)
        let t = try crypto { () throws(CryptoError) in try key.scalar.adding(m) }
        guard !t.isZero else { throw OPRFError(.inverseError, "skS + HashToScalar(info) is zero") }
        return t
    }

    /// `BlindEvaluate(skS, blindedElements, info)` with a fresh proof nonce.
    /// - Parameters:
    ///   - blindedElements: one or more `Ne`-byte elements.
    ///   - info: the public info, at most 65535 bytes.
    /// - Returns: the evaluated elements in order and the proof.
    /// - Throws: ``OPRFError`` `.deserializeError`, `.batchSizeMismatch`, `.inverseError`.
    public func blindEvaluate(_ blindedElements: [[UInt8]], info: [UInt8]) throws(OPRFError) -> OPRFEvaluation {
        try blindEvaluate(blindedElements, info: info, nonce: nil)
    }

    /// The same with a caller-chosen proof nonce: test vectors only.
    func blindEvaluate(_ blindedElements: [[UInt8]], info: [UInt8], nonce: ECScalar?) throws(OPRFError) -> OPRFEvaluation {
        guard !blindedElements.isEmpty else { throw OPRFError(.batchSizeMismatch, "an empty batch") }
        var blinded: [ECPoint] = []
        for bytes in blindedElements { blinded.append(try context.deserializeElement(bytes)) }
        let t = try tweak(info)
        let (tInverse, tweakedKey) = try crypto { () throws(CryptoError) in (try t.inverted(), try context.group.generatorMultiplied(by: t)) }
        var evaluated: [ECPoint] = []
        for element in blinded {
            evaluated.append(try crypto { () throws(CryptoError) in try element.multiplied(by: tInverse) })
        }
        let proof = try context.generateProof(k: t, b: tweakedKey, c: evaluated, d: blinded, nonce: nonce)
        var serialized: [[UInt8]] = []
        for element in evaluated { serialized.append(try context.serialize(element)) }
        return OPRFEvaluation(evaluatedElements: serialized, proof: proof.serialized)
    }

    /// `Evaluate(skS, input, info)`: the PRF output computed directly.
    /// - Throws: ``OPRFError`` `.invalidInputError` or `.inverseError`.
    public func evaluate(_ input: [UInt8], info: [UInt8]) throws(OPRFError) -> [UInt8] {
        _ = try OPRFContext.lengthPrefixed(input, "the input")
        let element = try context.hashToGroup(input)
        guard !element.isIdentity else { throw OPRFError(.invalidInputError, "the input hashes to the identity") }
        let t = try tweak(info)
        let evaluated = try crypto { () throws(CryptoError) in try element.multiplied(by: t.inverted()) }
        return try context.finalizeHash(input: input, info: info, element: evaluated)
    }
}
