import Foundation

/// The status of an issued credential: its place in a status list and its
/// current value. The credential is named by its verification's id.
public struct CredentialStatusEntry: Sendable, Hashable {
    /// The status values Pavilion sets.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Valid (0 in the lists).
        case valid
        /// Suspended: may be reinstated (2 in a Token Status List, the suspension bit in a bitstring).
        case suspended
        /// Revoked: final (1 in a Token Status List, the revocation bit in a bitstring).
        case revoked
    }

    /// The credential: the id of the verification that issued it.
    public var verificationID: VerificationID
    /// The tenant that asked for it (the only one that may change its status).
    public var tenantID: TenantID
    /// The status list.
    public var listID: Int64
    /// The index in the list (chosen at random).
    public var index: Int
    /// The current status.
    public var status: Status
    /// When the status last changed (or the entry was allocated).
    public var updatedAt: Date

    /// - Parameters: the fields above.
    public init(verificationID: VerificationID, tenantID: TenantID, listID: Int64, index: Int, status: Status, updatedAt: Date) {
        self.verificationID = verificationID
        self.tenantID = tenantID
        self.listID = listID
        self.index = index
        self.status = status
        self.updatedAt = updatedAt
    }
}

/// A status list as stored: its region, size, and the entries that are not
/// valid (every other index, allocated or not, reads as valid).
public struct StatusListRecord: Sendable, Hashable {
    /// The list's id (the `{id}` of `/v1/status-lists/{id}`).
    public var id: Int64
    /// The region whose key signs the list.
    public var region: String
    /// How many entries the list has.
    public var capacity: Int
    /// How many indices are allocated.
    public var allocated: Int
    /// Index → status, for the indices that are suspended or revoked.
    public var statuses: [Int: CredentialStatusEntry.Status]
    /// The latest change to any entry (or the list's creation).
    public var updatedAt: Date

    /// - Parameters: the fields above.
    public init(id: Int64, region: String, capacity: Int, allocated: Int, statuses: [Int: CredentialStatusEntry.Status],
                updatedAt: Date) {
        self.id = id
        self.region = region
        self.capacity = capacity
        self.allocated = allocated
        self.statuses = statuses
        self.updatedAt = updatedAt
    }
}
