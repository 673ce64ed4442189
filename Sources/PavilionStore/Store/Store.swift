import Foundation

/// Everything durable in Pavilion goes through a `Store`.
///
/// The protocol is `async`: the PostgreSQL backend that follows talks to a
/// server over the network, and the embedded SQLite backend fsyncs on every
/// commit, so neither may block a caller's thread (or the cooperative pool).
/// With `async` from the start, callers do not change when the backend does.
/// Every method throws only ``StoreError``.
///
/// Reads that a tenant can cause are tenant-scoped: a tenant's id is part of
/// the query, so another tenant's record is simply not found.
public protocol Store: PrivacyStore {
    // MARK: Tenants

    /// Create an active tenant.
    /// - Parameters:
    ///   - id: its slug.
    ///   - name: its display name (1...200 characters, no control characters).
    /// - Returns: the tenant as stored.
    /// - Throws: ``StoreError/Code/invalidInput`` for a bad name,
    ///   ``StoreError/Code/duplicate`` when the id is taken.
    func createTenant(id: TenantID, name: String) async throws(StoreError) -> Tenant

    /// The tenant with `id`, or `nil`.
    func tenant(id: TenantID) async throws(StoreError) -> Tenant?

    /// Every tenant, ordered by id.
    func tenants() async throws(StoreError) -> [Tenant]

    /// Enable or disable a tenant; a disabled tenant's keys stop working.
    /// - Throws: ``StoreError/Code/notFound`` when there is no such tenant.
    func setTenantStatus(_ status: TenantStatus, for id: TenantID) async throws(StoreError)

    // MARK: API keys

    /// Issue a key. The returned token is the only copy: the store keeps its
    /// SHA-256 hash.
    /// - Parameters:
    ///   - kind: admin or tenant.
    ///   - tenant: the tenant of a tenant key; must be `nil` for an admin key.
    ///   - label: a token naming the key for people.
    /// - Throws: ``StoreError/Code/invalidInput`` when kind and tenant do not
    ///   match, ``StoreError/Code/notFound`` for an unknown tenant.
    func createAPIKey(kind: APIKeyKind, tenant: TenantID?, label: String) async throws(StoreError) -> IssuedAPIKey

    /// Keys of one tenant, or with `nil` the admin keys, ordered by creation.
    func apiKeys(tenant: TenantID?) async throws(StoreError) -> [APIKey]

    /// Revoke a key; revoking twice keeps the first time.
    /// - Throws: ``StoreError/Code/notFound`` when there is no such key.
    func revokeAPIKey(id: APIKeyID) async throws(StoreError)

    /// Check a presented bearer token, comparing hashes in constant time.
    func authenticate(token: String) async throws(StoreError) -> KeyAuthentication

    // MARK: Connectors

    /// Enable or disable a connector (by manifest name) for a tenant.
    /// - Throws: ``StoreError/Code/notFound`` for an unknown tenant.
    func setConnector(_ connector: String, enabled: Bool, for tenant: TenantID) async throws(StoreError)

    /// The connectors enabled for a tenant, sorted.
    func enabledConnectors(for tenant: TenantID) async throws(StoreError) -> [String]

    // MARK: Verifications and audit

    /// Store a verification, its artifacts and its audit record in one
    /// transaction: all or nothing. `audit.verificationID` is set to the
    /// verification's id and `audit.artifactDigests` to the artifacts' digests.
    /// An artifact of kind `privacy_receipt` (media type `application/json`)
    /// is appended to the privacy transparency log in the same transaction
    /// instead: the log entry is the artifact, stored once (``PrivacyStore``);
    /// its digest is in the audit record like any artifact's.
    /// - Returns: the appended audit record and the receipt's leaf index.
    /// - Throws: ``StoreError/Code/duplicate`` for a known verification id,
    ///   ``StoreError/Code/invalidInput`` when the audit entry names another
    ///   tenant or an artifact is malformed or repeats a kind,
    ///   ``StoreError/Code/notFound`` for an unknown tenant.
    func recordVerification(_ verification: VerificationRecord, audit: AuditEntry,
                            artifacts: [VerificationArtifact]) async throws(StoreError) -> RecordedVerification

    /// Call `observer` after every group commit of verifications with the
    /// time the transaction took (inserts, commit and its flush) and the
    /// number of verifications in it; replaces an earlier observer. A store
    /// without group commits may never call it.
    func observeCommits(_ observer: @escaping @Sendable (_ duration: Duration, _ verifications: Int) -> Void)

    /// The artifact of `kind` of verification `id` if the verification
    /// belongs to `tenant` (any tenant's with `nil`, for admin keys), else `nil`.
    /// A `privacy_receipt` is read from the transparency log.
    func artifact(_ kind: String, of id: VerificationID, tenant: TenantID?) async throws(StoreError) -> VerificationArtifact?

    /// Append an audit record for a request that produced no verification
    /// (refused, unauthenticated).
    func appendAudit(_ entry: AuditEntry) async throws(StoreError) -> AuditRecord

    /// The verification with `id` if it belongs to `tenant`, else `nil`.
    func verification(id: VerificationID, tenant: TenantID) async throws(StoreError) -> VerificationRecord?

    /// The verification with `id` whatever its tenant, or `nil`. Not for
    /// tenant-scoped reads: for admin keys, and for telling "another
    /// tenant's" (403) from "unknown" (404) after the scoped read missed.
    func verification(id: VerificationID) async throws(StoreError) -> VerificationRecord?

    /// Audit records in sequence order after `afterSequence`, at most `limit`;
    /// with a tenant, only that tenant's.
    func auditRecords(tenant: TenantID?, afterSequence: Int64, limit: Int) async throws(StoreError) -> [AuditRecord]

    /// Sign a checkpoint of the current head now (besides the periodic ones).
    /// Returns the existing one when the head is already checkpointed.
    /// - Throws: ``StoreError/Code/notFound`` when the trail is empty.
    func createAuditCheckpoint() async throws(StoreError) -> AuditCheckpoint

    /// Every checkpoint, in sequence order.
    func auditCheckpoints() async throws(StoreError) -> [AuditCheckpoint]

    /// Walk the whole trail: recompute every hash and link, check every
    /// checkpoint's record and signature, and check that every verification
    /// has its audit record.
    func verifyAuditChain() async throws(StoreError) -> AuditVerification
}

extension Store {
    /// Store a verification without artifacts and its audit record.
    public func recordVerification(_ verification: VerificationRecord, audit: AuditEntry) async throws(StoreError) -> AuditRecord {
        try await recordVerification(verification, audit: audit, artifacts: []).audit
    }
}
