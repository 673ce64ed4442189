/// What ``Store/recordVerification(_:audit:artifacts:)`` wrote: the
/// verification's audit record, and where its privacy receipt went in the
/// transparency log, so the caller needs no read after the commit.
public struct RecordedVerification: Sendable, Hashable {
    /// The appended audit record.
    public var audit: AuditRecord
    /// The leaf index the store gave the verification's `privacy_receipt`
    /// artifact in the transparency log; `nil` when it had none.
    public var privacyLogIndex: Int64?

    /// - Parameters: see the properties.
    public init(audit: AuditRecord, privacyLogIndex: Int64?) {
        self.audit = audit
        self.privacyLogIndex = privacyLogIndex
    }
}
