import PavilionCrypto

/// The statement "I know `w` with `point = w·base`", the atom that Schnorr,
/// Chaum–Pedersen, AND and OR proofs are built from.
public struct DiscreteLogStatement: Sendable, Equatable {
    /// The base, e.g. `G` or `H`.
    public let base: ECPoint
    /// The public point.
    public let point: ECPoint

    /// "I know `w` with `point = w·base`".
    public init(base: ECPoint, point: ECPoint) {
        self.base = base
        self.point = point
    }

    /// Whether `witness` satisfies the statement.
    func isSatisfied(by witness: ECScalar) throws(ZKError) -> Bool {
        try ZKError.wrap { try base.multiplied(by: witness) == point }
    }

    /// Absorb base and point under `label`.
    func absorb(into transcript: inout ZKTranscript, _ label: String) throws(ZKError) {
        try transcript.append("\(label).base", point: base)
        try transcript.append("\(label).point", point: point)
    }

    /// Whether `response·base == commitment + challenge·point`.
    func holds(commitment: ECPoint, challenge: ECScalar, response: ECScalar) throws(ZKError) -> Bool {
        try ZKError.wrap {
            try base.multiplied(by: response) == commitment.adding(point.multiplied(by: challenge))
        }
    }

    /// The commitment a simulator uses: `response·base − challenge·point`.
    func simulatedCommitment(challenge: ECScalar, response: ECScalar) throws(ZKError) -> ECPoint {
        try ZKError.wrap { try base.multiplied(by: response).adding(point.multiplied(by: challenge).negated()) }
    }
}
