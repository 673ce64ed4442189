import Foundation

/// One append-only ledger record: who spent what, on what, when.
public struct BudgetLedgerEntry: Sendable, Hashable {
    /// Whose budget the entry is charged to.
    public enum Account: Sendable, Hashable {
        /// A dataset (or connector) of a tenant; it also counts against the
        /// tenant's own budget.
        case dataset(tenant: String, dataset: String)
        /// The yes/no answers a relying party got about one subject, named
        /// only by its keyed digest (see ``ProbingGuard``).
        case probing(relyingParty: String, subjectDigest: String)
    }

    /// Whose budget.
    public let account: Account
    /// The mechanism or question kind, e.g. `count`, `histogram`,
    /// `verify:age_over_18`. Never a personal value.
    public let mechanism: String
    /// What was spent.
    public let amount: BudgetQuantity
    /// When, in Unix milliseconds.
    public let timeMilliseconds: Int64

    /// - Parameters: as the properties of the same names.
    public init(account: Account, mechanism: String, amount: BudgetQuantity, timeMilliseconds: Int64) {
        self.account = account
        self.mechanism = mechanism
        self.amount = amount
        self.timeMilliseconds = timeMilliseconds
    }
}
