import PavilionCrypto

/// A non-interactive Schnorr proof of knowledge of a discrete logarithm.
///
/// Statement: the prover knows `x` with `X = x·B` (usually `B = G`).
/// Transcript (``ZKTranscript``, label ``protocolLabel``): context,
/// `stmt.base = B`, `stmt.point = X`, `R`. Proof: `R = k·B` and
/// `s = k + c·x` where `c` is the transcript's challenge. The verifier
/// accepts when `s·B == R + c·X`. Serialised as `R || s`, 65 bytes.
public struct SchnorrProof: Sendable, Equatable {
    /// The transcript's protocol label.
    public static let protocolLabel = "Pavilion-ZK-v1/schnorr"

    /// The commitment `R = k·B`.
    public let commitment: ECPoint
    /// The response `s = k + c·x`.
    public let response: ECScalar

    /// Assemble a proof from its parts, e.g. to alter one in a test.
    public init(commitment: ECPoint, response: ECScalar) {
        self.commitment = commitment
        self.response = response
    }

    /// Prove knowledge of `witness` for `statement` under `context`.
    /// - Parameters:
    ///   - statement: `X = x·B`.
    ///   - witness: `x`, secret.
    ///   - context: the binding the verifier will use.
    ///   - parameters: the group.
    /// - Returns: the proof.
    /// - Throws: ``ZKError`` `.witnessMismatch` when `x·B ≠ X`, `.cryptoFailure`.
    public static func prove(_ statement: DiscreteLogStatement, witness: ECScalar, context: [UInt8],
                             parameters: ZKParameters) throws(ZKError) -> SchnorrProof {
        guard try statement.isSatisfied(by: witness) else { throw ZKError(.witnessMismatch, "x·B ≠ X") }
        let nonce = try ZKError.wrap { try ECScalar.random(in: parameters.group) }
        let commitment = try ZKError.wrap { try statement.base.multiplied(by: nonce) }
        let challenge = try Self.challenge(statement, commitment: commitment, context: context, parameters: parameters)
        let response = try ZKError.wrap { try nonce.adding(challenge.multiplied(by: witness)) }
        return SchnorrProof(commitment: commitment, response: response)
    }

    /// Verify the proof for `statement` under `context`.
    /// - Throws: ``ZKError`` `.verificationFailed` when it does not verify.
    public func verify(_ statement: DiscreteLogStatement, context: [UInt8], parameters: ZKParameters) throws(ZKError) {
        let challenge = try Self.challenge(statement, commitment: commitment, context: context, parameters: parameters)
        guard try statement.holds(commitment: commitment, challenge: challenge, response: response) else {
            throw ZKError(.verificationFailed, "Schnorr proof: s·B ≠ R + c·X")
        }
    }

    /// `R || s`, 65 bytes on P-256.
    /// - Throws: ``ZKError`` `.cryptoFailure` when `R` is the identity.
    public func serialized() throws(ZKError) -> [UInt8] {
        var writer = ZKWriter()
        try writer.point(commitment)
        writer.scalar(response)
        return writer.bytes
    }

    /// Decode `R || s`.
    /// - Throws: ``ZKError`` `.invalidEncoding` for a wrong length, an invalid point or `s ≥ n`.
    public init(serialized bytes: [UInt8], parameters: ZKParameters) throws(ZKError) {
        var reader = ZKReader(bytes, parameters: parameters, what: "Schnorr proof")
        let commitment = try reader.point()
        let response = try reader.scalar()
        try reader.finish()
        self.init(commitment: commitment, response: response)
    }

    static func challenge(_ statement: DiscreteLogStatement, commitment: ECPoint, context: [UInt8],
                          parameters: ZKParameters) throws(ZKError) -> ECScalar {
        var transcript = ZKTranscript(protocolLabel: protocolLabel, context: context)
        try statement.absorb(into: &transcript, "stmt")
        try transcript.append("R", point: commitment)
        return try transcript.challenge(in: parameters.group)
    }
}
