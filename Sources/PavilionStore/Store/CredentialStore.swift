import Foundation

/// What a store keeps for credentials besides their artifacts: the signing
/// key registry and the status lists. The SQLite store implements it
/// (schema version 3); the host uses it when the store offers it.
public protocol CredentialStore: Store {
    /// Add a key to the registry.
    /// - Throws: ``StoreError`` `duplicate` for a kid or label already registered, `invalidInput`.
    func registerSigningKey(_ key: SigningKeyRecord) async throws(StoreError)

    /// Every registered key, oldest first.
    func signingKeys() async throws(StoreError) -> [SigningKeyRecord]

    /// Replace a key's activation and retirement times.
    /// - Throws: ``StoreError`` `notFound` for an unknown kid.
    func updateSigningKey(kid: String, activatesAt: Date, retiredAt: Date?) async throws(StoreError)

    /// Allocate a status entry for a credential: in the newest list of
    /// `region` that is less than `fillLimit` full (a new list of
    /// `capacity` entries otherwise), at the first of `candidates` not yet
    /// taken there.
    /// - Parameters:
    ///   - verification: the credential's verification id.
    ///   - tenant: its tenant.
    ///   - region: the region whose key signs the list.
    ///   - capacity: the size of a new list.
    ///   - fillLimit: how many entries a list takes before a new one is started.
    ///   - candidates: random indices below `capacity`, tried in order.
    /// - Returns: the entry, or `nil` when every candidate was taken (draw more).
    /// - Throws: ``StoreError`` `duplicate` when the credential has an entry, `invalidInput`.
    func allocateCredentialStatus(verification: VerificationID, tenant: TenantID, region: String, capacity: Int,
                                  fillLimit: Int, candidates: [Int]) async throws(StoreError) -> CredentialStatusEntry?

    /// The status entry of a credential, whoever its tenant.
    func credentialStatus(verification: VerificationID) async throws(StoreError) -> CredentialStatusEntry?

    /// Change a credential's status. A revoked entry never changes again.
    /// - Returns: the entry after the change.
    /// - Throws: ``StoreError`` `notFound` for no entry, `invalidInput` when it is revoked and `status` is not.
    func setCredentialStatus(_ status: CredentialStatusEntry.Status,
                             verification: VerificationID) async throws(StoreError) -> CredentialStatusEntry

    /// A status list with its non-valid entries, or `nil` when there is none with that id.
    func statusList(id: Int64) async throws(StoreError) -> StatusListRecord?
}
