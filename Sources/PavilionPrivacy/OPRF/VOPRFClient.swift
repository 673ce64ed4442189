import PavilionCrypto

/// The client of the verifiable mode (RFC 9497 §3.3.2): like
/// ``OPRFClient``, but `Finalize` first checks the server's batched DLEQ
/// proof against the server's public key.
public struct VOPRFClient: Sendable {
    let context: OPRFContext
    /// The server's public key the proofs must verify against.
    public let publicKey: OPRFPublicKey

    /// A client for the server with `publicKey`.
    /// - Throws: ``OPRFError`` `.cryptoFailure` when OpenSSL cannot build the group.
    public init(publicKey: OPRFPublicKey) throws(OPRFError) {
        context = try OPRFContext(suite: publicKey.suite, mode: .voprf)
        self.publicKey = publicKey
    }

    /// `Blind(input)` with a fresh random blind.
    /// - Throws: ``OPRFError`` `.invalidInputError` when the input is too long or hashes to the identity.
    public func blind(_ input: [UInt8]) throws(OPRFError) -> OPRFBlindedInput { try context.blind(input, blind: nil) }

    /// `Blind(input)` with a caller-chosen blind: test vectors only.
    func blind(_ input: [UInt8], blind: ECScalar) throws(OPRFError) -> OPRFBlindedInput { try context.blind(input, blind: blind) }

    /// `Finalize` for a batch: verify the proof over all pairs, then unblind each.
    /// - Parameters:
    ///   - blinded: the states from ``blind(_:)``, in the order sent.
    ///   - evaluation: the server's evaluated elements (same order) and proof.
    /// - Returns: one `Nh`-byte output per input.
    /// - Throws: ``OPRFError``: `.batchSizeMismatch`, `.deserializeError`, `.verifyError`.
    public func finalize(_ blinded: [OPRFBlindedInput], evaluation: OPRFEvaluation) throws(OPRFError) -> [[UInt8]] {
        try VOPRFClient.finalize(context: context, key: publicKey.element, blinded, evaluation: evaluation, info: nil)
    }

    static func finalize(context: OPRFContext, key: ECPoint, _ blinded: [OPRFBlindedInput], evaluation: OPRFEvaluation,
                         info: [UInt8]?) throws(OPRFError) -> [[UInt8]] {
        guard !blinded.isEmpty, blinded.count == evaluation.evaluatedElements.count else {
            throw OPRFError(.batchSizeMismatch, "\(blinded.count) blinded inputs but \(evaluation.evaluatedElements.count) evaluated elements")
        }
        for state in blinded { try context.check(state) }
        let proof = try DLEQProof(serialized: evaluation.proof, suite: context.suite)
        var evaluated: [ECPoint] = []
        for bytes in evaluation.evaluatedElements { evaluated.append(try context.deserializeElement(bytes)) }
        let blindedPoints = blinded.map(\.blindedPoint)
        if info == nil {
            try context.verifyProof(b: key, c: blindedPoints, d: evaluated, proof: proof)
        } else {
            // POPRF: the server proved evaluatedElement = t⁻¹·blindedElement, i.e. C and D swap.
            try context.verifyProof(b: key, c: evaluated, d: blindedPoints, proof: proof)
        }
        var outputs: [[UInt8]] = []
        for (state, element) in zip(blinded, evaluated) {
            outputs.append(try context.unblindAndHash(state, evaluated: element, info: info))
        }
        return outputs
    }
}
