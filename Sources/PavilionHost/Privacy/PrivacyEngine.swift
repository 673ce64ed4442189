import Foundation
import PavilionCore
import PavilionCrypto
import PavilionPrivacy
import PavilionStore
import Synchronization

/// The host's privacy engine: the differential-privacy accountant and the
/// probing guard over the store-backed ledger, the receipt transparency
/// log, OPRF keys with a per-tenant rate limit, the PSI sets of
/// `privacy.psi_sets` (preprocessed at start) with their own per-tenant rate
/// limit, and the nonces that bind zero-knowledge presentations. Built once per ``HostService``.
public final class PrivacyEngine: Sendable {
    /// The dataset name analytics releases are charged to.
    public static let analyticsDataset = "analytics"

    /// The receipt log.
    public let receipts: ReceiptLogService
    /// OPRF keys.
    public let oprfKeys: OPRFKeyManager
    /// The budgets of DP releases.
    public let accountant: BudgetAccountant
    /// The probing limit, when configured: the default guard.
    public let probing: ProbingGuard?
    /// Guards of tenants with their own probing policy.
    let tenantProbing: [String: ProbingGuard]
    let configuration: PrivacyConfiguration
    /// The PSI sets by name.
    let psiSets: [String: PSIHostSet]
    /// The most points per PSI request: what fits in `limits.max_body_bytes`, at most ``PSIProtocol/maxBatch``.
    let psiMaxBatch: Int
    private let oprfWindows = Mutex<[String: (window: Int64, used: Int)]>([:])
    private let psiWindows = Mutex<[String: (window: Int64, used: Int)]>([:])
    let presentationNonces = Mutex<[String: (tenant: String, expires: Date)]>([:])
    let now: @Sendable () -> Date

    /// Build the engine, reading the ledger back from the store.
    /// - Parameters:
    ///   - configuration: the `privacy:` section (defaults when absent).
    ///   - dataDirectory: where the privacy secret lives by default.
    ///   - store: the store.
    ///   - logSigner: the receipt log's key when `privacy.log_key` names one; else derived from the privacy secret.
    ///   - maxBodyBytes: the API's request body limit, which bounds the points per PSI request.
    ///   - now: the clock.
    /// - Throws: ``HostServiceError`` `.configuration`.
    public init(configuration: PrivacyConfiguration?, dataDirectory: String, store: any Store, logSigner: (any LogSigner)? = nil,
                maxBodyBytes: Int = 64 * 1024, now: @escaping @Sendable () -> Date = { Date() }) throws(HostServiceError) {
        let config = configuration ?? PrivacyConfiguration()
        self.configuration = config
        self.now = now
        var sets: [String: PSIHostSet] = [:]
        for (name, set) in config.psiSets.sorted(by: { $0.key < $1.key }) {
            sets[name] = try PSIHostSet(name: name, configuration: set, dataDirectory: dataDirectory)
        }
        psiSets = sets
        psiMaxBatch = max(1, min(PSIProtocol.maxBatch, maxBodyBytes / PSIProtocol.pointLength))
        let secret = try PrivacySecret.loadOrCreate(configured: config.secretFile, dataDirectory: dataDirectory)
        let signer: any LogSigner
        if let logSigner { signer = logSigner } else { signer = try secret.logSigner() }
        receipts = ReceiptLogService(store: store, signer: signer)
        oprfKeys = try OPRFKeyManager(store: store, secret: secret)
        let ledger = StoreBudgetLedger(store: store)
        do {
            accountant = try BudgetAccountant(ledger: ledger, configuration: .init(tenants: config.budgets), now: now)
            if let p = config.probing {
                let digestKey = try secret.probingDigestKey()
                probing = try ProbingGuard(ledger: ledger, digestKey: digestKey,
                                           policy: ProbingPolicy(answersPerPeriod: p.answersPerPeriod,
                                                                 resetPeriodSeconds: p.resetPeriodSeconds),
                                           now: now)
                var guards: [String: ProbingGuard] = [:]
                for (tenant, policy) in p.tenants {
                    guards[tenant] = try ProbingGuard(ledger: ledger, digestKey: digestKey, policy: policy, now: now)
                }
                tenantProbing = guards
            } else {
                probing = nil
                tenantProbing = [:]
            }
        } catch let error as DifferentialPrivacyError {
            throw HostServiceError(.configuration, "privacy ledger: \(error.description)")
        } catch {
            throw HostServiceError(.configuration, "privacy: \(error)")
        }
    }

    /// Charge a DP release to `tenant`'s budget (its configured one, else
    /// the default budget), or refuse with the problem naming the budget.
    /// - Throws: ``APIProblem`` `privacy_budget_exhausted` (429 with
    ///   `retry_after`, or 403), `privacy_budget_not_configured` (403).
    public func charge(tenant: String, dataset: String, mechanism: String, cost: PrivacyBudget) async throws(APIProblem) {
        if configuration.budgets[tenant] == nil, let fallback = configuration.defaultBudget {
            var tenants = configuration.budgets
            tenants[tenant] = fallback
            await accountant.update(.init(tenants: tenants))
        }
        do {
            _ = try await accountant.charge(tenant: tenant, dataset: dataset, mechanism: mechanism, cost: cost)
        } catch {
            throw Self.problem(for: error, now: now())
        }
    }

    /// Spend one yes/no answer about the subject for the relying party.
    /// - Returns: `nil` when no probing limit is configured, else the
    ///   answers left this period.
    /// - Throws: ``APIProblem`` `privacy_budget_exhausted` (429, `retry_after`).
    public func chargeAnswer(relyingParty: String, subject: String, question: String) async throws(APIProblem) -> UInt64? {
        guard let probing = tenantProbing[relyingParty] ?? probing else { return nil }
        do { return try await probing.chargeAnswer(relyingParty: relyingParty, subject: subject, question: question) } catch {
            throw Self.problem(for: error, now: now())
        }
    }

    /// The problem for a refused charge.
    static func problem(for error: DifferentialPrivacyError, now: Date) -> APIProblem {
        guard let refusal = error.refusal else {
            switch error.code {
            case .noBudgetConfigured:
                return APIProblem(403, "privacy_budget_not_configured", error.reason)
            case .incompatibleBudget:
                return APIProblem(403, "privacy_budget_exhausted", error.reason)
            default:
                return APIProblem(503, "privacy_ledger_unavailable", "the privacy ledger cannot record the charge right now")
            }
        }
        var extensions: [String: JSONValue] = [
            "budget": .string(refusal.budgetName), "scope": .string(refusal.scope.rawValue),
            "limit": .string(refusal.limit.description), "remaining": .string(refusal.remaining.description),
            "requested": .string(refusal.requested.description),
        ]
        if let resets = refusal.resetsAt {
            extensions["resets_at"] = .string(Timestamps.rfc3339(resets))
            if refusal.suggestedHTTPStatus == 429 {
                extensions["retry_after"] = .int(Int64(max(1, (resets.timeIntervalSince(now)).rounded(.up))))
            }
        }
        return APIProblem(refusal.suggestedHTTPStatus, "privacy_budget_exhausted", refusal.description, extensions: extensions)
    }

    /// Count `elements` OPRF evaluations against `tenant`'s per-minute limit.
    /// - Throws: ``APIProblem`` `rate_limited` (429 with `retry_after`).
    func chargeOPRF(tenant: String, elements: Int) throws(APIProblem) {
        try Self.chargeWindow(oprfWindows, limit: configuration.oprfElementsPerMinute, tenant: tenant, elements: elements,
                              what: "OPRF elements", now: now())
    }

    /// Count `elements` PSI evaluations (any set) against `tenant`'s `privacy.psi.elements_per_minute`.
    /// - Throws: ``APIProblem`` `rate_limited` (429 with `retry_after`).
    func chargePSI(tenant: String, elements: Int) throws(APIProblem) {
        try Self.chargeWindow(psiWindows, limit: configuration.psiElementsPerMinute, tenant: tenant, elements: elements,
                              what: "PSI elements", now: now())
    }

    /// A fixed one-minute window per tenant.
    private static func chargeWindow(_ windows: borrowing Mutex<[String: (window: Int64, used: Int)]>, limit: Int, tenant: String,
                                     elements: Int, what: String, now: Date) throws(APIProblem) {
        let milliseconds = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        let window = milliseconds / 60_000
        let allowed = windows.withLock { windows -> Bool in
            var entry = windows[tenant] ?? (window, 0)
            if entry.window != window { entry = (window, 0) }
            guard entry.used + elements <= limit else { return false }
            entry.used += elements
            windows[tenant] = entry
            return true
        }
        guard allowed else {
            let retry = max(1, ((window + 1) * 60_000 - milliseconds + 999) / 1000)
            throw APIProblem(429, "rate_limited",
                             "tenant \(tenant) may have \(limit) \(what) evaluated per minute; retry in \(retry) s",
                             extensions: ["retry_after": .int(retry), "limit": .int(Int64(limit))])
        }
    }
}
