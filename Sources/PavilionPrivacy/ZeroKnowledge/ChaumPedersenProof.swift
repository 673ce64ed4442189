import PavilionCrypto

/// A non-interactive Chaum–Pedersen proof of discrete-log equality (DLEQ).
///
/// Statement: the prover knows `x` with `X = x·B1` and `Y = x·B2`.
/// Transcript (label ``protocolLabel``): context, `first.base`,
/// `first.point`, `second.base`, `second.point`, `R1`, `R2`. Proof:
/// `R1 = k·B1`, `R2 = k·B2`, `s = k + c·x`; the verifier accepts when
/// `s·B1 == R1 + c·X` and `s·B2 == R2 + c·Y`. Serialised `R1 || R2 || s`, 98 bytes.
public struct ChaumPedersenProof: Sendable, Equatable {
    /// The transcript's protocol label.
    public static let protocolLabel = "Pavilion-ZK-v1/dleq"

    /// `R1 = k·B1`.
    public let firstCommitment: ECPoint
    /// `R2 = k·B2`.
    public let secondCommitment: ECPoint
    /// `s = k + c·x`.
    public let response: ECScalar

    /// Assemble a proof from its parts.
    public init(firstCommitment: ECPoint, secondCommitment: ECPoint, response: ECScalar) {
        self.firstCommitment = firstCommitment
        self.secondCommitment = secondCommitment
        self.response = response
    }

    /// Prove that `first` and `second` share the witness `x`.
    /// - Parameters:
    ///   - first: `X = x·B1`.
    ///   - second: `Y = x·B2`.
    ///   - witness: `x`, secret.
    ///   - context: the binding the verifier will use.
    ///   - parameters: the group.
    /// - Returns: the proof.
    /// - Throws: ``ZKError`` `.witnessMismatch` when `x` satisfies either equation not.
    public static func prove(_ first: DiscreteLogStatement, _ second: DiscreteLogStatement, witness: ECScalar,
                             context: [UInt8], parameters: ZKParameters) throws(ZKError) -> ChaumPedersenProof {
        guard try first.isSatisfied(by: witness), try second.isSatisfied(by: witness) else {
            throw ZKError(.witnessMismatch, "x·B1 ≠ X or x·B2 ≠ Y")
        }
        let nonce = try ZKError.wrap { try ECScalar.random(in: parameters.group) }
        let r1 = try ZKError.wrap { try first.base.multiplied(by: nonce) }
        let r2 = try ZKError.wrap { try second.base.multiplied(by: nonce) }
        let challenge = try Self.challenge(first, second, r1, r2, context: context, parameters: parameters)
        let response = try ZKError.wrap { try nonce.adding(challenge.multiplied(by: witness)) }
        return ChaumPedersenProof(firstCommitment: r1, secondCommitment: r2, response: response)
    }

    /// Verify the proof for `first` and `second` under `context`.
    /// - Throws: ``ZKError`` `.verificationFailed` when it does not verify.
    public func verify(_ first: DiscreteLogStatement, _ second: DiscreteLogStatement, context: [UInt8],
                       parameters: ZKParameters) throws(ZKError) {
        let challenge = try Self.challenge(first, second, firstCommitment, secondCommitment, context: context,
                                           parameters: parameters)
        guard try first.holds(commitment: firstCommitment, challenge: challenge, response: response),
              try second.holds(commitment: secondCommitment, challenge: challenge, response: response) else {
            throw ZKError(.verificationFailed, "DLEQ proof: an equation does not hold")
        }
    }

    /// `R1 || R2 || s`, 98 bytes on P-256.
    public func serialized() throws(ZKError) -> [UInt8] {
        var writer = ZKWriter()
        try writer.point(firstCommitment)
        try writer.point(secondCommitment)
        writer.scalar(response)
        return writer.bytes
    }

    /// Decode `R1 || R2 || s`.
    /// - Throws: ``ZKError`` `.invalidEncoding`.
    public init(serialized bytes: [UInt8], parameters: ZKParameters) throws(ZKError) {
        var reader = ZKReader(bytes, parameters: parameters, what: "DLEQ proof")
        let r1 = try reader.point()
        let r2 = try reader.point()
        let s = try reader.scalar()
        try reader.finish()
        self.init(firstCommitment: r1, secondCommitment: r2, response: s)
    }

    private static func challenge(_ first: DiscreteLogStatement, _ second: DiscreteLogStatement, _ r1: ECPoint,
                                  _ r2: ECPoint, context: [UInt8], parameters: ZKParameters) throws(ZKError) -> ECScalar {
        var transcript = ZKTranscript(protocolLabel: protocolLabel, context: context)
        try first.absorb(into: &transcript, "first")
        try second.absorb(into: &transcript, "second")
        try transcript.append("R1", point: r1)
        try transcript.append("R2", point: r2)
        return try transcript.challenge(in: parameters.group)
    }
}
