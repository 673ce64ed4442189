import Foundation

/// Charges differential-privacy queries to budgets per tenant and per
/// dataset (or connector), and refuses a query that would exceed either.
///
/// A charge is checked against the dataset's policy (its own, else the
/// default dataset policy, else none) and the tenant's policy (required:
/// a tenant without one is refused), each over its current period. Costs
/// compose by addition: ε with ε, ρ with ρ, and an ε counted as `ε²/2`
/// against a zCDP budget. The entry is written to the ``BudgetLedger``
/// (durably) before the charge is granted, and the ledger is read back at
/// start, so spending survives a restart.
///
/// Charge **before** computing the release; a release that then fails
/// keeps its charge (spent budget is never given back).
public actor BudgetAccountant {
    /// The budgets in force.
    public struct Configuration: Sendable, Hashable {
        /// Each tenant's budget over all its datasets.
        public var tenants: [String: BudgetPolicy]
        /// Budgets of particular datasets, keyed by tenant then dataset.
        public var datasets: [String: [String: BudgetPolicy]]
        /// The budget of any other dataset; `nil` for none (only the
        /// tenant's budget applies).
        public var defaultDatasetPolicy: BudgetPolicy?

        /// - Parameters: as the properties of the same names.
        public init(tenants: [String: BudgetPolicy], datasets: [String: [String: BudgetPolicy]] = [:],
                    defaultDatasetPolicy: BudgetPolicy? = nil) {
            self.tenants = tenants
            self.datasets = datasets
            self.defaultDatasetPolicy = defaultDatasetPolicy
        }
    }

    /// A granted charge and what is left afterwards.
    public struct Charge: Sendable, Hashable {
        /// The ledger entry written.
        public let entry: BudgetLedgerEntry
        /// What remains of the tenant's budget this period.
        public let tenantRemaining: PrivacyBudget
        /// What remains of the dataset's budget this period, if it has one.
        public let datasetRemaining: PrivacyBudget?
    }

    private struct Spend: Sendable {
        var dataset: String
        var timeMilliseconds: Int64
        var cost: PrivacyBudget
    }

    private let ledger: any BudgetLedger
    private let now: @Sendable () -> Date
    private var configuration: Configuration
    private var spends: [String: [Spend]] = [:]

    /// Start an accountant, reading back every dataset entry of `ledger`.
    /// - Parameters:
    ///   - ledger: where charges are recorded.
    ///   - configuration: the budgets in force.
    ///   - now: the clock (tests drive their own).
    /// - Throws: as ``BudgetLedger/entries()``.
    public init(ledger: any BudgetLedger, configuration: Configuration,
                now: @escaping @Sendable () -> Date = { Date() }) throws(DifferentialPrivacyError) {
        self.ledger = ledger
        self.configuration = configuration
        self.now = now
        var loaded: [String: [Spend]] = [:]
        for entry in try ledger.entries() {
            guard case .dataset(let tenant, let dataset) = entry.account, case .privacy(let cost) = entry.amount else { continue }
            loaded[tenant, default: []].append(Spend(dataset: dataset, timeMilliseconds: entry.timeMilliseconds, cost: cost))
        }
        spends = loaded
    }

    /// Replace the budgets in force (spending so far is kept).
    public func update(_ configuration: Configuration) { self.configuration = configuration }

    /// Charge `cost` to the tenant's and the dataset's budgets, or refuse.
    /// - Parameters:
    ///   - tenant: the tenant asking.
    ///   - dataset: the dataset or connector the query reads.
    ///   - mechanism: a label for the ledger, e.g. `count`.
    ///   - cost: the query's ε or ρ (``NoiseMechanism/cost`` or a
    ///     mechanism's `cost`).
    /// - Returns: the entry written and what remains.
    /// - Throws: ``DifferentialPrivacyError/Code/budgetExceeded`` with a
    ///   ``BudgetRefusal`` naming the budget;
    ///   ``DifferentialPrivacyError/Code/incompatibleBudget`` for ρ against
    ///   a pure-ε budget; ``DifferentialPrivacyError/Code/noBudgetConfigured``
    ///   for an unknown tenant; ``DifferentialPrivacyError/Code/ledgerIO``
    ///   when the charge cannot be recorded (then it is not granted).
    public func charge(tenant: String, dataset: String, mechanism: String,
                       cost: PrivacyBudget) throws(DifferentialPrivacyError) -> Charge {
        guard let tenantPolicy = configuration.tenants[tenant] else {
            throw DifferentialPrivacyError(.noBudgetConfigured, "no privacy budget is configured for tenant \(tenant)")
        }
        let time = Self.milliseconds(now())
        let datasetPolicy = configuration.datasets[tenant]?[dataset] ?? configuration.defaultDatasetPolicy
        var datasetRemaining: PrivacyBudget?
        if let datasetPolicy {
            datasetRemaining = try check(cost, against: datasetPolicy, scope: .dataset, tenant: tenant, dataset: dataset, at: time)
        }
        let tenantRemaining = try check(cost, against: tenantPolicy, scope: .tenant, tenant: tenant, dataset: nil, at: time)
        let entry = BudgetLedgerEntry(account: .dataset(tenant: tenant, dataset: dataset), mechanism: mechanism,
                                      amount: .privacy(cost), timeMilliseconds: time)
        try ledger.append(entry)
        spends[tenant, default: []].append(Spend(dataset: dataset, timeMilliseconds: time, cost: cost))
        return Charge(entry: entry, tenantRemaining: tenantRemaining,
                      datasetRemaining: datasetRemaining)
    }

    /// What remains this period of the tenant's budget and of the dataset's.
    /// - Returns: `nil` for a level without a budget.
    public func remaining(tenant: String, dataset: String) -> (tenant: PrivacyBudget?, dataset: PrivacyBudget?) {
        let time = Self.milliseconds(now())
        let tenantLeft = configuration.tenants[tenant].map { policy in
            policy.limit.with(policy.limit.amount.subtractingClampedAtZero(spent(policy, tenant: tenant, dataset: nil, at: time)))
        }
        let datasetPolicy = configuration.datasets[tenant]?[dataset] ?? configuration.defaultDatasetPolicy
        let datasetLeft = datasetPolicy.map { policy in
            policy.limit.with(policy.limit.amount.subtractingClampedAtZero(spent(policy, tenant: tenant, dataset: dataset, at: time)))
        }
        return (tenantLeft, datasetLeft)
    }

    /// Refuse unless `cost` fits what remains; return what would remain after.
    private func check(_ cost: PrivacyBudget, against policy: BudgetPolicy, scope: BudgetRefusal.Scope,
                       tenant: String, dataset: String?, at time: Int64) throws(DifferentialPrivacyError) -> PrivacyBudget {
        let name = dataset.map { "tenant \(tenant), dataset \($0)" } ?? "tenant \(tenant)"
        guard let requested = cost.cost(against: policy.limit) else {
            throw DifferentialPrivacyError(.incompatibleBudget, "a zCDP charge (\(cost)) cannot be bounded by the pure-ε budget of \(name)")
        }
        let spent = spent(policy, tenant: tenant, dataset: dataset, at: time)
        let remaining = policy.limit.amount.subtractingClampedAtZero(spent)
        guard requested <= remaining else {
            let window = policy.window(containing: time)
            let refusal = BudgetRefusal(
                scope: scope, tenant: tenant, dataset: dataset,
                limit: .privacy(policy.limit), remaining: .privacy(policy.limit.with(remaining)),
                requested: .privacy(policy.limit.with(requested)),
                resetsAt: window.end.map { Date(timeIntervalSince1970: Double($0) / 1000) },
                exceedsLimit: requested > policy.limit.amount)
            throw DifferentialPrivacyError(.budgetExceeded, refusal.description, refusal: refusal)
        }
        return policy.limit.with(remaining.subtractingClampedAtZero(requested))
    }

    /// The spending in the period holding `time`, in the policy's unit; a
    /// ρ spend under a pure-ε policy (a changed configuration) exhausts it.
    private func spent(_ policy: BudgetPolicy, tenant: String, dataset: String?, at time: Int64) -> PrivacyAmount {
        let window = policy.window(containing: time)
        var total = PrivacyAmount.zero
        for spend in spends[tenant] ?? [] {
            guard spend.timeMilliseconds >= window.start, window.end.map({ spend.timeMilliseconds < $0 }) ?? true,
                  dataset.map({ $0 == spend.dataset }) ?? true else { continue }
            guard let amount = spend.cost.cost(against: policy.limit) else { return policy.limit.amount }
            total = total.adding(amount)
        }
        return total
    }

    static func milliseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded(.down)
        return Int64(exactly: value) ?? (value < 0 ? Int64.min : Int64.max)
    }
}
