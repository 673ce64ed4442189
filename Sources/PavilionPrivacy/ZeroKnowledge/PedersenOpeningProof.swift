import PavilionCrypto

/// A proof of knowledge of the opening of a Pedersen commitment.
///
/// Statement: the prover knows `(v, r)` with `C = v·G + r·H`.
/// Transcript (label ``protocolLabel``): context, `C`, `R`. Proof:
/// `R = a·G + b·H`, `sv = a + c·v`, `sr = b + c·r`; the verifier accepts when
/// `sv·G + sr·H == R + c·C`. Serialised `R || sv || sr`, 97 bytes.
public struct PedersenOpeningProof: Sendable, Equatable {
    /// The transcript's protocol label.
    public static let protocolLabel = "Pavilion-ZK-v1/pedersen-opening"

    /// `R = a·G + b·H`.
    public let commitment: ECPoint
    /// `sv = a + c·v`.
    public let valueResponse: ECScalar
    /// `sr = b + c·r`.
    public let blindingResponse: ECScalar

    /// Assemble a proof from its parts.
    public init(commitment: ECPoint, valueResponse: ECScalar, blindingResponse: ECScalar) {
        self.commitment = commitment
        self.valueResponse = valueResponse
        self.blindingResponse = blindingResponse
    }

    /// Prove knowledge of `opening` for `statement`.
    /// - Throws: ``ZKError`` `.witnessMismatch` when the opening is not `statement`'s.
    public static func prove(_ statement: PedersenCommitment, opening: PedersenOpening, context: [UInt8],
                             parameters: ZKParameters) throws(ZKError) -> PedersenOpeningProof {
        guard try PedersenCommitment(opening: opening, parameters: parameters) == statement else {
            throw ZKError(.witnessMismatch, "the opening is not the commitment's")
        }
        let (r, nonces) = try PedersenCommitment.commit(try ZKError.wrap { try ECScalar.random(in: parameters.group) },
                                                       parameters: parameters)
        let c = try challenge(statement, r.point, context: context, parameters: parameters)
        return try ZKError.wrap {
            PedersenOpeningProof(commitment: r.point,
                                 valueResponse: try nonces.value.adding(c.multiplied(by: opening.value)),
                                 blindingResponse: try nonces.blinding.adding(c.multiplied(by: opening.blinding)))
        }
    }

    /// Verify the proof for `statement` under `context`.
    /// - Throws: ``ZKError`` `.verificationFailed`.
    public func verify(_ statement: PedersenCommitment, context: [UInt8], parameters: ZKParameters) throws(ZKError) {
        let c = try Self.challenge(statement, commitment, context: context, parameters: parameters)
        let holds = try ZKError.wrap {
            let lhs = try parameters.group.generatorMultiplied(by: valueResponse)
                .adding(parameters.h.multiplied(by: blindingResponse))
            return try lhs == commitment.adding(statement.point.multiplied(by: c))
        }
        guard holds else { throw ZKError(.verificationFailed, "opening proof: sv·G + sr·H ≠ R + c·C") }
    }

    /// `R || sv || sr`, 97 bytes on P-256.
    public func serialized() throws(ZKError) -> [UInt8] {
        var writer = ZKWriter()
        try writer.point(commitment)
        writer.scalar(valueResponse)
        writer.scalar(blindingResponse)
        return writer.bytes
    }

    /// Decode `R || sv || sr`.
    /// - Throws: ``ZKError`` `.invalidEncoding`.
    public init(serialized bytes: [UInt8], parameters: ZKParameters) throws(ZKError) {
        var reader = ZKReader(bytes, parameters: parameters, what: "Pedersen opening proof")
        let r = try reader.point()
        let sv = try reader.scalar()
        let sr = try reader.scalar()
        try reader.finish()
        self.init(commitment: r, valueResponse: sv, blindingResponse: sr)
    }

    private static func challenge(_ statement: PedersenCommitment, _ r: ECPoint, context: [UInt8],
                                  parameters: ZKParameters) throws(ZKError) -> ECScalar {
        var transcript = ZKTranscript(protocolLabel: protocolLabel, context: context)
        try transcript.append("C", point: statement.point)
        try transcript.append("R", point: r)
        return try transcript.challenge(in: parameters.group)
    }
}
