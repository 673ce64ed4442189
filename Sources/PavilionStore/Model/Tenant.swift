import Foundation

/// Whether a tenant may use the service.
public enum TenantStatus: String, Sendable, Hashable, CaseIterable {
    /// Keys work.
    case active
    /// Keys are refused; records are kept.
    case disabled
}

/// A relying party: the unit of isolation for keys, connectors, verifications
/// and audit records.
public struct Tenant: Sendable, Hashable {
    /// The tenant's slug.
    public var id: TenantID
    /// Its display name.
    public var name: String
    /// Whether its keys work.
    public var status: TenantStatus
    /// When it was created (millisecond precision).
    public var createdAt: Date

    /// - Parameters:
    ///   - id: the slug.
    ///   - name: the display name.
    ///   - status: whether its keys work.
    ///   - createdAt: creation time, kept to the millisecond.
    public init(id: TenantID, name: String, status: TenantStatus, createdAt: Date) {
        self.id = id
        self.name = name
        self.status = status
        self.createdAt = Timestamp.truncated(createdAt)
    }
}
