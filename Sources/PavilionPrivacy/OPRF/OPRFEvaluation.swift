/// What a verifiable server returns for a batch: the evaluated elements in
/// order and one proof over the whole batch.
public struct OPRFEvaluation: Sendable, Equatable {
    /// `SerializeElement(evaluatedElement)` for each blinded element, `Ne` bytes each.
    public let evaluatedElements: [[UInt8]]
    /// The serialised ``DLEQProof``, `2·Ns` bytes.
    public let proof: [UInt8]

    /// The parts as received from a server.
    public init(evaluatedElements: [[UInt8]], proof: [UInt8]) {
        self.evaluatedElements = evaluatedElements
        self.proof = proof
    }
}
