import PavilionCrypto

/// AND composition: knowledge of every witness of a list of discrete-log
/// statements, under one shared challenge.
///
/// Statement: the prover knows `x_j` with `X_j = x_j·B_j` for every `j`.
/// Transcript (label ``protocolLabel``): context, `count`, every
/// `stmt[j].base`, `stmt[j].point`, then every `R[j]`. Proof: `R_j = k_j·B_j`,
/// `s_j = k_j + c·x_j` with the one challenge `c`; the verifier accepts when
/// `s_j·B_j == R_j + c·X_j` for all `j`. Serialised `u16be(n) || R_1..R_n ||
/// s_1..s_n`, `2 + 65·n` bytes.
public struct SchnorrANDProof: Sendable, Equatable {
    /// The transcript's protocol label.
    public static let protocolLabel = "Pavilion-ZK-v1/and"

    /// `R_j`.
    public let commitments: [ECPoint]
    /// `s_j`.
    public let responses: [ECScalar]

    /// Assemble a proof from its parts.
    public init(commitments: [ECPoint], responses: [ECScalar]) {
        self.commitments = commitments
        self.responses = responses
    }

    /// Prove every statement.
    /// - Parameters:
    ///   - statements: `X_j = x_j·B_j`, at least one, at most 65535.
    ///   - witnesses: `x_j`, one per statement.
    ///   - context: the binding.
    ///   - parameters: the group.
    /// - Throws: ``ZKError`` `.witnessMismatch` for a missing or wrong witness.
    public static func prove(_ statements: [DiscreteLogStatement], witnesses: [ECScalar], context: [UInt8],
                             parameters: ZKParameters) throws(ZKError) -> SchnorrANDProof {
        guard !statements.isEmpty, statements.count <= Int(UInt16.max), statements.count == witnesses.count else {
            throw ZKError(.witnessMismatch, "\(statements.count) statements and \(witnesses.count) witnesses")
        }
        for (statement, witness) in zip(statements, witnesses) {
            guard try statement.isSatisfied(by: witness) else { throw ZKError(.witnessMismatch, "x_j·B_j ≠ X_j") }
        }
        let nonces = try ZKError.wrap { try statements.map { _ in try ECScalar.random(in: parameters.group) } }
        let commitments = try ZKError.wrap { try zip(statements, nonces).map { try $0.base.multiplied(by: $1) } }
        let c = try challenge(statements, commitments, context: context, parameters: parameters)
        let responses = try ZKError.wrap {
            try zip(nonces, witnesses).map { try $0.adding(c.multiplied(by: $1)) }
        }
        return SchnorrANDProof(commitments: commitments, responses: responses)
    }

    /// Verify the proof for `statements` under `context`.
    /// - Throws: ``ZKError`` `.verificationFailed`.
    public func verify(_ statements: [DiscreteLogStatement], context: [UInt8], parameters: ZKParameters) throws(ZKError) {
        guard !statements.isEmpty, statements.count == commitments.count, statements.count == responses.count else {
            throw ZKError(.verificationFailed, "the proof covers \(commitments.count) statements, not \(statements.count)")
        }
        let c = try Self.challenge(statements, commitments, context: context, parameters: parameters)
        for j in statements.indices {
            guard try statements[j].holds(commitment: commitments[j], challenge: c, response: responses[j]) else {
                throw ZKError(.verificationFailed, "AND proof: statement \(j) does not hold")
            }
        }
    }

    /// `u16be(n) || R_1..R_n || s_1..s_n`.
    public func serialized() throws(ZKError) -> [UInt8] {
        var writer = ZKWriter()
        writer.byte(UInt8(commitments.count >> 8))
        writer.byte(UInt8(commitments.count & 0xFF))
        for r in commitments { try writer.point(r) }
        for s in responses { writer.scalar(s) }
        return writer.bytes
    }

    /// Decode `u16be(n) || R_1..R_n || s_1..s_n`.
    /// - Throws: ``ZKError`` `.invalidEncoding`, also for `n = 0`.
    public init(serialized bytes: [UInt8], parameters: ZKParameters) throws(ZKError) {
        var reader = ZKReader(bytes, parameters: parameters, what: "AND proof")
        let count = Int(try reader.byte()) << 8 | Int(try reader.byte())
        guard count > 0 else { throw ZKError(.invalidEncoding, "an AND proof of no statements") }
        var commitments: [ECPoint] = []
        var responses: [ECScalar] = []
        for _ in 0..<count { commitments.append(try reader.point()) }
        for _ in 0..<count { responses.append(try reader.scalar()) }
        try reader.finish()
        self.init(commitments: commitments, responses: responses)
    }

    private static func challenge(_ statements: [DiscreteLogStatement], _ commitments: [ECPoint], context: [UInt8],
                                  parameters: ZKParameters) throws(ZKError) -> ECScalar {
        var transcript = ZKTranscript(protocolLabel: protocolLabel, context: context)
        transcript.append("count", integer: UInt64(statements.count))
        for (j, statement) in statements.enumerated() { try statement.absorb(into: &transcript, "stmt[\(j)]") }
        for (j, r) in commitments.enumerated() { try transcript.append("R[\(j)]", point: r) }
        return try transcript.challenge(in: parameters.group)
    }
}
