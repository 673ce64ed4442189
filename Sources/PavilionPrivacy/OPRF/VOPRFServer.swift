import PavilionCrypto

/// The server of the verifiable mode (RFC 9497 §3.3.2): evaluates a batch
/// and proves, with one batched DLEQ proof, that every element was
/// evaluated with the key behind its public key.
///
/// Constant time in the key: `skS·Cᵢ`, `skS·M`, `r·G` and `r·M` are
/// single-term `EC_POINT_mul` calls; `s = r - c·skS` uses `BN_mod_mul`/`BN_mod_sub`.
public struct VOPRFServer: Sendable {
    let context: OPRFContext
    let key: OPRFPrivateKey

    /// A server with `privateKey`.
    /// - Throws: ``OPRFError`` `.cryptoFailure` when OpenSSL cannot build the group.
    public init(privateKey: OPRFPrivateKey) throws(OPRFError) {
        context = try OPRFContext(suite: privateKey.suite, mode: .voprf)
        key = privateKey
    }

    /// The public key clients verify against.
    public var publicKey: OPRFPublicKey { key.publicKey }

    /// `BlindEvaluate(skS, pkS, blindedElements)` with a fresh proof nonce.
    /// - Parameter blindedElements: one or more `Ne`-byte elements.
    /// - Returns: the evaluated elements in order and the proof.
    /// - Throws: ``OPRFError`` `.deserializeError` for any bad element, `.batchSizeMismatch` for an empty batch.
    public func blindEvaluate(_ blindedElements: [[UInt8]]) throws(OPRFError) -> OPRFEvaluation {
        try blindEvaluate(blindedElements, nonce: nil)
    }

    /// The same with a caller-chosen proof nonce: test vectors only (a
    /// repeated nonce reveals the key).
    func blindEvaluate(_ blindedElements: [[UInt8]], nonce: ECScalar?) throws(OPRFError) -> OPRFEvaluation {
        guard !blindedElements.isEmpty else { throw OPRFError(.batchSizeMismatch, "an empty batch") }
        var blinded: [ECPoint] = []
        for bytes in blindedElements { blinded.append(try context.deserializeElement(bytes)) }
        var evaluated: [ECPoint] = []
        for element in blinded {
            evaluated.append(try crypto { () throws(CryptoError) in try element.multiplied(by: key.scalar) })
        }
        let proof = try context.generateProof(k: key.scalar, b: key.publicKey.element, c: blinded, d: evaluated, nonce: nonce)
        var serialized: [[UInt8]] = []
        for element in evaluated { serialized.append(try context.serialize(element)) }
        return OPRFEvaluation(evaluatedElements: serialized, proof: proof.serialized)
    }

    /// `Evaluate(skS, input)`: the PRF output computed directly.
    /// - Throws: ``OPRFError`` `.invalidInputError` when the input is too long or hashes to the identity.
    public func evaluate(_ input: [UInt8]) throws(OPRFError) -> [UInt8] {
        _ = try OPRFContext.lengthPrefixed(input, "the input")
        let element = try context.hashToGroup(input)
        guard !element.isIdentity else { throw OPRFError(.invalidInputError, "the input hashes to the identity") }
        let evaluated = try crypto { () throws(CryptoError) in try element.multiplied(by: key.scalar) }
        return try context.finalizeHash(input: input, info: nil, element: evaluated)
    }
}
