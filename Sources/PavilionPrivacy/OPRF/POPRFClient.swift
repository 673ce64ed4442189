import PavilionCrypto

/// The client of the partially oblivious mode (RFC 9497 §3.3.3): public
/// `info` (e.g. a tenant or an epoch) is bound into the PRF, and the proof
/// is checked against the key tweaked by that info.
public struct POPRFClient: Sendable {
    let context: OPRFContext
    /// The server's public key.
    public let publicKey: OPRFPublicKey

    /// A client for the server with `publicKey`.
    /// - Throws: ``OPRFError`` `.cryptoFailure` when OpenSSL cannot build the group.
    public init(publicKey: OPRFPublicKey) throws(OPRFError) {
        context = try OPRFContext(suite: publicKey.suite, mode: .poprf)
        self.publicKey = publicKey
    }

    /// `Blind(input, info, pkS)` with a fresh random blind.
    /// - Parameters:
    ///   - input: the private input, at most 65535 bytes.
    ///   - info: the public info, at most 65535 bytes.
    /// - Throws: ``OPRFError`` `.invalidInputError` when the tweaked key is the identity, the input hashes to it, or a length is out of range.
    public func blind(_ input: [UInt8], info: [UInt8]) throws(OPRFError) -> OPRFBlindedInput {
        try blind(input, info: info, blind: nil)
    }

    /// The same with a caller-chosen blind: test vectors only.
    func blind(_ input: [UInt8], info: [UInt8], blind: ECScalar?) throws(OPRFError) -> OPRFBlindedInput {
        _ = try tweakedKey(info)
        return try context.blind(input, blind: blind, info: info)
    }

    /// `tweakedKey = G·HashToScalar("Info" || len || info) + pkS`, refusing the identity.
    private func tweakedKey(_ info: [UInt8]) throws(OPRFError) -> ECPoint {
        let m = try context.infoScalar(info)
        let tweakedKey = try crypto { () throws(CryptoError) in try context.group.generatorMultiplied(by: m).adding(publicKey.element) }
        guard !tweakedKey.isIdentity else { throw OPRFError(.invalidInputError, "the tweaked key is the identity") }
        return tweakedKey
    }

    /// `Finalize` for a batch blinded with the same `info`.
    /// - Parameters:
    ///   - blinded: the states from ``blind(_:info:)``, in the order sent.
    ///   - evaluation: the server's evaluated elements and proof.
    ///   - info: the public info all inputs were blinded with.
    /// - Returns: one `Nh`-byte output per input.
    /// - Throws: ``OPRFError``: `.batchSizeMismatch`, `.invalidInputError` (info differs from the blinding's), `.deserializeError`, `.verifyError`.
    public func finalize(_ blinded: [OPRFBlindedInput], evaluation: OPRFEvaluation, info: [UInt8]) throws(OPRFError) -> [[UInt8]] {
        guard !blinded.isEmpty else { throw OPRFError(.batchSizeMismatch, "an empty batch") }
        for state in blinded { try context.check(state) }
        guard blinded.allSatisfy({ $0.info == info }) else {
            throw OPRFError(.invalidInputError, "the inputs were blinded with another info")
        }
        // Recomputed from this client's public key rather than carried in
        // the state, so a proof is always checked against the key the
        // caller trusts.
        return try VOPRFClient.finalize(context: context, key: try tweakedKey(info), blinded, evaluation: evaluation, info: info)
    }
}
