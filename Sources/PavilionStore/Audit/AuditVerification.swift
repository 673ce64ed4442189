/// One thing wrong with the audit trail.
public struct AuditProblem: Sendable, Hashable, CustomStringConvertible {
    /// What kind of break it is.
    public enum Kind: String, Sendable, Hashable {
        /// Records are missing: the sequence jumps.
        case missingRecords
        /// A sequence appears out of order or twice.
        case sequenceOutOfOrder
        /// A field does not have the stored type or shape.
        case malformedRecord
        /// The stored hash is not the hash of the record's fields.
        case hashMismatch
        /// `prev_hash` is not the previous record's hash.
        case brokenLink
        /// A checkpoint's hash differs from the record it covers.
        case checkpointHashMismatch
        /// A checkpoint covers a record that is not there (tail removed).
        case checkpointBeyondChain
        /// A checkpoint's signature does not verify.
        case checkpointSignatureInvalid
        /// A checkpoint was signed by a key the verifier does not trust.
        case checkpointKeyUntrusted
        /// A verification has no audit record.
        case verificationWithoutAudit
    }

    /// What kind of break it is.
    public var kind: Kind
    /// The record (or checkpoint) sequence where it is, when it has one.
    public var sequence: Int64?
    /// The verification concerned, for ``Kind/verificationWithoutAudit``.
    public var verificationID: String?
    /// What exactly is wrong, for people.
    public var detail: String

    public var description: String {
        if let sequence { return "sequence \(sequence): \(kind.rawValue): \(detail)" }
        if let verificationID { return "verification \(verificationID): \(kind.rawValue): \(detail)" }
        return "\(kind.rawValue): \(detail)"
    }
}

/// The outcome of walking the whole audit trail.
public struct AuditVerification: Sendable, Hashable {
    /// How many records were read.
    public var recordCount: Int64
    /// The highest sequence read (0 for an empty trail).
    public var lastSequence: Int64
    /// The hash at the end of the chain (64 zeros for an empty trail).
    public var headHash: String
    /// How many checkpoints were checked.
    public var checkpointCount: Int
    /// How many verifications were checked for their audit record.
    public var verificationCount: Int64
    /// What is wrong, ordered: chain problems by sequence, then checkpoints
    /// beyond the chain, then verifications without a record. At most
    /// ``maxProblems``.
    public var problems: [AuditProblem]

    /// The most problems reported.
    public static let maxProblems = 100

    /// Whether nothing is wrong.
    public var isIntact: Bool { problems.isEmpty }
    /// The first broken link, if any.
    public var firstProblem: AuditProblem? { problems.first }
}
