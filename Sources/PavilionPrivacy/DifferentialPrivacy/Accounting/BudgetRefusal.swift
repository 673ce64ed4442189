import Foundation

/// Which budget refused a query, what it had left and what was asked; the
/// service turns it into a `403` (the request can never fit) or a `429`
/// with `Retry-After` (it fits once the period resets).
public struct BudgetRefusal: Sendable, Hashable, CustomStringConvertible {
    /// The level of the budget that refused.
    public enum Scope: String, Sendable, Hashable {
        /// A tenant's budget over all its datasets.
        case tenant
        /// One dataset's (or connector's) budget within a tenant.
        case dataset
        /// The yes/no answers a relying party may get about one subject.
        case probing
    }

    /// The level of the budget.
    public let scope: Scope
    /// The tenant (tenant and dataset scopes).
    public let tenant: String?
    /// The dataset or connector (dataset scope).
    public let dataset: String?
    /// The relying party (probing scope). The subject is never named.
    public let relyingParty: String?
    /// The budget's limit per period.
    public let limit: BudgetQuantity
    /// What is left in the current period.
    public let remaining: BudgetQuantity
    /// What the refused query would have cost, in the budget's unit.
    public let requested: BudgetQuantity
    /// When the current period ends and the budget is whole again; `nil`
    /// for a budget without a reset period.
    public let resetsAt: Date?
    /// Whether the request is larger than the whole limit, so waiting for a
    /// reset cannot help.
    public let exceedsLimit: Bool

    /// The HTTP status the service should answer: `429` when the request
    /// fits after ``resetsAt``, else `403`.
    public var suggestedHTTPStatus: Int { exceedsLimit || resetsAt == nil ? 403 : 429 }

    /// `tenant acme`, `tenant acme, dataset claims` or `relying party rp-1`.
    public var budgetName: String {
        switch scope {
        case .tenant: return "tenant \(tenant ?? "?")"
        case .dataset: return "tenant \(tenant ?? "?"), dataset \(dataset ?? "?")"
        case .probing: return "relying party \(relyingParty ?? "?"), one subject"
        }
    }

    /// - Parameters: as the properties of the same names.
    public init(scope: Scope, tenant: String? = nil, dataset: String? = nil, relyingParty: String? = nil,
                limit: BudgetQuantity, remaining: BudgetQuantity, requested: BudgetQuantity, resetsAt: Date?, exceedsLimit: Bool) {
        self.scope = scope
        self.tenant = tenant
        self.dataset = dataset
        self.relyingParty = relyingParty
        self.limit = limit
        self.remaining = remaining
        self.requested = requested
        self.resetsAt = resetsAt
        self.exceedsLimit = exceedsLimit
    }

    public var description: String {
        "budget of \(budgetName): requested \(requested), remaining \(remaining) of \(limit)"
            + (resetsAt.map { ", resets at \(ISO8601DateFormatter().string(from: $0))" } ?? "")
    }
}
