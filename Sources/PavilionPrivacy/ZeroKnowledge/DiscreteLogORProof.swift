import PavilionCrypto

/// OR composition (Cramer–Damgård–Schoenmakers): knowledge of the witness
/// of one of two discrete-log statements, without revealing which.
///
/// Statement: the prover knows `w` with `X0 = w·B0` or `X1 = w·B1`.
/// Transcript (label ``protocolLabel``): context, `stmt[0].base`,
/// `stmt[0].point`, `stmt[1].base`, `stmt[1].point`, `R0`, `R1`. The prover
/// answers the true branch `j` honestly (`R_j = k·B_j`) and simulates the
/// other (`c_o`, `s_o` random, `R_o = s_o·B_o − c_o·X_o`); with the
/// challenge `c`, `c_j = c − c_o`. Proof: `R0, R1, c0, s0, s1` with
/// `c1 = c − c0`; the verifier accepts when `s_i·B_i == R_i + c_i·X_i` for
/// both `i`. Serialised `R0 || R1 || c0 || s0 || s1`, 162 bytes.
///
/// Which branch is true is hidden from the proof, not from timing: the
/// prover's two code paths differ.
public struct DiscreteLogORProof: Sendable, Equatable {
    /// The transcript's protocol label.
    public static let protocolLabel = "Pavilion-ZK-v1/or"

    /// `R0`, `R1`.
    public let commitments: (ECPoint, ECPoint)
    /// `c0`; `c1 = c − c0`.
    public let firstChallenge: ECScalar
    /// `s0`, `s1`.
    public let responses: (ECScalar, ECScalar)

    /// Assemble a proof from its parts.
    public init(commitments: (ECPoint, ECPoint), firstChallenge: ECScalar, responses: (ECScalar, ECScalar)) {
        self.commitments = commitments
        self.firstChallenge = firstChallenge
        self.responses = responses
    }

    public static func == (lhs: DiscreteLogORProof, rhs: DiscreteLogORProof) -> Bool {
        lhs.commitments.0 == rhs.commitments.0 && lhs.commitments.1 == rhs.commitments.1
            && lhs.firstChallenge == rhs.firstChallenge && lhs.responses.0 == rhs.responses.0
            && lhs.responses.1 == rhs.responses.1
    }

    /// Prove `statements.0 OR statements.1`, knowing the witness of `statements.known`.
    /// - Parameters:
    ///   - statements: the two statements.
    ///   - known: 0 or 1, the statement `witness` satisfies.
    ///   - witness: `w`, secret.
    ///   - context: the binding.
    ///   - parameters: the group.
    /// - Throws: ``ZKError`` `.witnessMismatch` when `witness` does not satisfy statement `known`.
    public static func prove(_ statements: (DiscreteLogStatement, DiscreteLogStatement), known: Int, witness: ECScalar,
                             context: [UInt8], parameters: ZKParameters) throws(ZKError) -> DiscreteLogORProof {
        let first = try ORBranches.commit(statements, known: known, witness: witness, parameters: parameters)
        var transcript = ZKTranscript(protocolLabel: protocolLabel, context: context)
        try statements.0.absorb(into: &transcript, "stmt[0]")
        try statements.1.absorb(into: &transcript, "stmt[1]")
        try transcript.append("R0", point: first.commitments.0)
        try transcript.append("R1", point: first.commitments.1)
        return try first.respond(to: transcript.challenge(in: parameters.group))
    }

    /// Verify the proof for `statements` under `context`.
    /// - Throws: ``ZKError`` `.verificationFailed`.
    public func verify(_ statements: (DiscreteLogStatement, DiscreteLogStatement), context: [UInt8],
                       parameters: ZKParameters) throws(ZKError) {
        var transcript = ZKTranscript(protocolLabel: Self.protocolLabel, context: context)
        try statements.0.absorb(into: &transcript, "stmt[0]")
        try statements.1.absorb(into: &transcript, "stmt[1]")
        try transcript.append("R0", point: commitments.0)
        try transcript.append("R1", point: commitments.1)
        try check(statements, challenge: transcript.challenge(in: parameters.group))
    }

    /// Check both branches against the overall challenge `c`.
    func check(_ statements: (DiscreteLogStatement, DiscreteLogStatement), challenge c: ECScalar) throws(ZKError) {
        let c1 = try ZKError.wrap { try c.subtracting(firstChallenge) }
        guard try statements.0.holds(commitment: commitments.0, challenge: firstChallenge, response: responses.0),
              try statements.1.holds(commitment: commitments.1, challenge: c1, response: responses.1) else {
            throw ZKError(.verificationFailed, "OR proof: a branch does not hold")
        }
    }

    /// `R0 || R1 || c0 || s0 || s1`, 162 bytes on P-256.
    public func serialized() throws(ZKError) -> [UInt8] {
        var writer = ZKWriter()
        try write(to: &writer)
        return writer.bytes
    }

    /// Decode `R0 || R1 || c0 || s0 || s1`.
    /// - Throws: ``ZKError`` `.invalidEncoding`.
    public init(serialized bytes: [UInt8], parameters: ZKParameters) throws(ZKError) {
        var reader = ZKReader(bytes, parameters: parameters, what: "OR proof")
        try self.init(reading: &reader)
        try reader.finish()
    }

    init(reading reader: inout ZKReader) throws(ZKError) {
        let r0 = try reader.point(), r1 = try reader.point()
        let c0 = try reader.scalar()
        let s0 = try reader.scalar(), s1 = try reader.scalar()
        self.init(commitments: (r0, r1), firstChallenge: c0, responses: (s0, s1))
    }

    func write(to writer: inout ZKWriter) throws(ZKError) {
        try writer.point(commitments.0)
        try writer.point(commitments.1)
        writer.scalar(firstChallenge)
        writer.scalar(responses.0)
        writer.scalar(responses.1)
    }
}

/// The prover's first move of an OR proof, kept until the challenge is
/// known, so that several OR proofs can share one challenge (the range proof).
struct ORBranches {
    let commitments: (ECPoint, ECPoint)
    private let known: Int
    private let nonce: ECScalar
    private let witness: ECScalar
    private let simulatedChallenge: ECScalar
    private let simulatedResponse: ECScalar

    static func commit(_ statements: (DiscreteLogStatement, DiscreteLogStatement), known: Int, witness: ECScalar,
                       parameters: ZKParameters) throws(ZKError) -> ORBranches {
        guard known == 0 || known == 1 else { throw ZKError(.witnessMismatch, "branch \(known) of an OR of two") }
        let (real, simulated) = known == 0 ? (statements.0, statements.1) : (statements.1, statements.0)
        guard try real.isSatisfied(by: witness) else { throw ZKError(.witnessMismatch, "the witness does not satisfy branch \(known)") }
        return try ZKError.wrap {
            let nonce = try ECScalar.random(in: parameters.group)
            let cSim = try ECScalar.random(in: parameters.group)
            let sSim = try ECScalar.random(in: parameters.group)
            let rReal = try real.base.multiplied(by: nonce)
            let rSim = try simulated.simulatedCommitment(challenge: cSim, response: sSim)
            return ORBranches(commitments: known == 0 ? (rReal, rSim) : (rSim, rReal), known: known, nonce: nonce,
                              witness: witness, simulatedChallenge: cSim, simulatedResponse: sSim)
        }
    }

    func respond(to c: ECScalar) throws(ZKError) -> DiscreteLogORProof {
        try ZKError.wrap {
            let cReal = try c.subtracting(simulatedChallenge)
            let sReal = try nonce.adding(cReal.multiplied(by: witness))
            if known == 0 {
                return DiscreteLogORProof(commitments: commitments, firstChallenge: cReal, responses: (sReal, simulatedResponse))
            }
            return DiscreteLogORProof(commitments: commitments, firstChallenge: simulatedChallenge,
                                      responses: (simulatedResponse, sReal))
        }
    }
}
