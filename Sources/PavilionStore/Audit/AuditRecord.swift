import Foundation

/// An audit entry as appended to the chain.
public struct AuditRecord: Sendable, Hashable {
    /// Position in the chain, from 1, without gaps.
    public var sequence: Int64
    /// When the store appended it (millisecond precision).
    public var recordedAt: Date
    /// What was recorded.
    public var entry: AuditEntry
    /// The previous record's ``hash`` (lowercase hex); 64 zeros for the first.
    public var previousHash: String
    /// SHA-256 of this record's canonical form (lowercase hex); see
    /// `docs/store.md`.
    public var hash: String
}

/// A signed statement that the chain had `hash` at `sequence`.
public struct AuditCheckpoint: Sendable, Hashable {
    /// The sequence of the record it covers.
    public var sequence: Int64
    /// That record's hash (lowercase hex).
    public var hash: String
    /// When it was signed (millisecond precision).
    public var createdAt: Date
    /// The Ed25519 public key that signed it (lowercase hex of 32 bytes).
    public var publicKey: String
    /// The Ed25519 signature of the checkpoint's canonical form (hex of 64 bytes).
    public var signature: String
}
