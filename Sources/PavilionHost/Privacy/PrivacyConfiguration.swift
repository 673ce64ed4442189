import Foundation
import PavilionCore
import PavilionPrivacy
import PavilionStore

/// The `privacy:` section of `pavilion.yaml` (see `docs/privacy.md`):
///
/// ```yaml
/// privacy:
///   secret_file: privacy.key          # default: <data_dir>/privacy.key, made on first start
///   log_key: receipt-log-eddsa        # optional: a key of the credentials: key source signs the log
///   log: { sign_interval_ms: 1000 }   # a tree head at least this often while the log grows
///   probing:                          # absent: no probing limit
///     answers_per_period: 20
///     reset_period_seconds: 86400
///     subject_fields: { camara-kyc-match: [phone_number] }
///     tenants: { acme: { answers_per_period: 5 } }
///   budgets:                          # per tenant, for analytics (and any DP release)
///     acme: { epsilon: "1.0", reset_period_seconds: 86400 }
///   default_budget: { rho: "0.5", reset_period_seconds: 86400 }
///   oprf: { max_batch: 100, elements_per_minute: 6000 }
///   psi: { elements_per_minute: 1000000 }
///   psi_sets:                         # sets relying parties may intersect with (PSI, docs/psi.md)
///     fraud-list: { file: fraud.txt, cardinality_only: false, tenants: [acme] }
/// ```
public struct PrivacyConfiguration: Sendable, Hashable {
    /// The probing limit on yes/no answers.
    public struct Probing: Sendable, Hashable {
        /// Answers per relying party and subject per period.
        public var answersPerPeriod: UInt64
        /// The period; `nil` never resets.
        public var resetPeriodSeconds: Int64?
        /// connector → the subject fields that identify the subject (the
        /// rest are the attributes asked about). Default: the input schema's
        /// `required` fields, else the whole subject.
        public var subjectFields: [String: [String]]
        /// tenant → its own answers per period and period, replacing the two above.
        public var tenants: [String: ProbingPolicy]

        /// - Parameters: the fields above.
        public init(answersPerPeriod: UInt64, resetPeriodSeconds: Int64? = 86_400, subjectFields: [String: [String]] = [:],
                    tenants: [String: ProbingPolicy] = [:]) {
            self.answersPerPeriod = answersPerPeriod
            self.resetPeriodSeconds = resetPeriodSeconds
            self.subjectFields = subjectFields
            self.tenants = tenants
        }

        /// The policy of `tenant`.
        public func policy(for tenant: String) -> ProbingPolicy {
            tenants[tenant] ?? ProbingPolicy(answersPerPeriod: answersPerPeriod, resetPeriodSeconds: resetPeriodSeconds)
        }
    }

    /// One entry of `psi_sets`: a data provider's published set served to
    /// the listed tenants under `/v1/privacy/psi/{name}`.
    public struct PSISet: Sendable, Hashable {
        /// `file`: the set, one UTF-8 element per line.
        public var file: String
        /// `cardinality_only`: relying parties learn only `|X ∩ Y|`.
        public var cardinalityOnly: Bool
        /// `tenants`: the tenants allowed to query the set.
        public var tenants: [String]

        /// - Parameters: the fields above.
        public init(file: String, cardinalityOnly: Bool = false, tenants: [String]) {
            self.file = file
            self.cardinalityOnly = cardinalityOnly
            self.tenants = tenants
        }
    }

    /// `secret_file`: 32 random bytes from which the probing digest key,
    /// the OPRF key-sealing key and the log signing key are derived.
    public var secretFile: String?
    /// `log_key`: the label of an EdDSA or ES256 key in the `credentials:`
    /// key source (software store or HSM) that signs the receipt log's tree
    /// heads instead of the key derived from the secret.
    public var logKey: String?
    /// `log.sign_interval_ms`: the longest a logged receipt waits for a
    /// signed tree head that covers it (the background signer's period).
    public var logSignIntervalMilliseconds: Int = 1000
    /// `probing`; `nil` when verifications are not limited per subject.
    public var probing: Probing?
    /// `budgets`: tenant → its differential-privacy budget.
    public var budgets: [String: BudgetPolicy]
    /// `default_budget`: the budget of a tenant not in `budgets`; `nil` refuses them.
    public var defaultBudget: BudgetPolicy?
    /// `oprf.max_batch`: most blinded elements per evaluate request.
    public var oprfMaxBatch: Int
    /// `oprf.elements_per_minute`: elements a tenant may have evaluated per minute.
    public var oprfElementsPerMinute: Int
    /// `psi.elements_per_minute`: PSI elements a tenant may have evaluated per minute, over all sets.
    public var psiElementsPerMinute: Int = 1_000_000
    /// `psi_sets`: name → the set served for PSI.
    public var psiSets: [String: PSISet] = [:]

    /// - Parameters: the fields above.
    public init(secretFile: String? = nil, probing: Probing? = nil, budgets: [String: BudgetPolicy] = [:],
                defaultBudget: BudgetPolicy? = nil, oprfMaxBatch: Int = 100, oprfElementsPerMinute: Int = 6000) {
        self.secretFile = secretFile
        self.probing = probing
        self.budgets = budgets
        self.defaultBudget = defaultBudget
        self.oprfMaxBatch = oprfMaxBatch
        self.oprfElementsPerMinute = oprfElementsPerMinute
    }

    /// Read the `privacy:` mapping of `root`.
    static func parse(_ reader: inout ConfigReader, root: [String: JSONValue]?, path: (String) -> String) -> PrivacyConfiguration? {
        guard let section = reader.mapping("privacy", in: root,
                                           allowed: ["secret_file", "log_key", "log", "probing", "budgets", "default_budget",
                                                    "oprf", "psi", "psi_sets"]) else {
            return nil
        }
        var config = PrivacyConfiguration()
        config.secretFile = reader.string("privacy.secret_file", in: section, key: "secret_file").map(path)
        config.logKey = reader.string("privacy.log_key", in: section, key: "log_key")
        if config.logKey != nil, root?["credentials"] == nil {
            reader.error("privacy.log_key", "privacy.log_key names a key of the credentials: key source; add a credentials: section")
        }
        if let l = reader.mapping("privacy.log", in: section, allowed: ["sign_interval_ms"]),
           let v = reader.integer("privacy.log.sign_interval_ms", in: l, key: "sign_interval_ms", range: 10...3_600_000) {
            config.logSignIntervalMilliseconds = v
        }
        if let p = reader.mapping("privacy.probing", in: section,
                                  allowed: ["answers_per_period", "reset_period_seconds", "subject_fields", "tenants"]) {
            let answers = reader.integer("privacy.probing.answers_per_period", in: p, key: "answers_per_period", required: true,
                                         range: 1...1_000_000) ?? 1
            let period = reader.integer("privacy.probing.reset_period_seconds", in: p, key: "reset_period_seconds",
                                        range: 1...(3660 * 86_400))
            var fields: [String: [String]] = [:]
            if let f = reader.mapping("privacy.probing.subject_fields", in: p, allowed: nil) {
                for (connector, value) in f.sorted(by: { $0.key < $1.key }) {
                    guard let list = value.arrayValue?.compactMap(\.stringValue), list.count == value.arrayValue?.count, !list.isEmpty else {
                        reader.error("privacy.probing.subject_fields.\(connector)", "subject_fields.\(connector) must be a list of field names")
                        continue
                    }
                    fields[connector] = list
                }
            }
            var tenants: [String: ProbingPolicy] = [:]
            if let t = reader.mapping("privacy.probing.tenants", in: p, allowed: nil) {
                for (tenant, _) in t.sorted(by: { $0.key < $1.key }) {
                    let path = "privacy.probing.tenants.\(tenant)"
                    guard let m = reader.mapping(path, in: t, allowed: ["answers_per_period", "reset_period_seconds"]) else { continue }
                    let n = reader.integer("\(path).answers_per_period", in: m, key: "answers_per_period", required: true,
                                           range: 1...1_000_000) ?? 1
                    let s = reader.integer("\(path).reset_period_seconds", in: m, key: "reset_period_seconds", range: 1...(3660 * 86_400))
                    tenants[tenant] = ProbingPolicy(answersPerPeriod: UInt64(n), resetPeriodSeconds: s.map(Int64.init) ?? period.map(Int64.init) ?? 86_400)
                }
            }
            config.probing = Probing(answersPerPeriod: UInt64(answers), resetPeriodSeconds: period.map(Int64.init) ?? 86_400,
                                     subjectFields: fields, tenants: tenants)
        }
        if let b = reader.mapping("privacy.budgets", in: section, allowed: nil) {
            for (tenant, _) in b.sorted(by: { $0.key < $1.key }) {
                if let policy = budget(&reader, "privacy.budgets.\(tenant)", in: b) { config.budgets[tenant] = policy }
            }
        }
        config.defaultBudget = budget(&reader, "privacy.default_budget", in: section)
        if let o = reader.mapping("privacy.oprf", in: section, allowed: ["max_batch", "elements_per_minute"]) {
            if let v = reader.integer("privacy.oprf.max_batch", in: o, key: "max_batch", range: 1...10_000) { config.oprfMaxBatch = v }
            if let v = reader.integer("privacy.oprf.elements_per_minute", in: o, key: "elements_per_minute", range: 1...100_000_000) {
                config.oprfElementsPerMinute = v
            }
        }
        if let o = reader.mapping("privacy.psi", in: section, allowed: ["elements_per_minute"]),
           let v = reader.integer("privacy.psi.elements_per_minute", in: o, key: "elements_per_minute", range: 1...100_000_000) {
            config.psiElementsPerMinute = v
        }
        config.psiSets = psiSets(&reader, in: section, path: path)
        return config
    }

    /// `psi_sets: {NAME: {file, cardinality_only, tenants}}`.
    private static func psiSets(_ reader: inout ConfigReader, in section: [String: JSONValue],
                                path: (String) -> String) -> [String: PSISet] {
        guard let sets = reader.mapping("privacy.psi_sets", in: section, allowed: nil) else { return [:] }
        var out: [String: PSISet] = [:]
        for (name, _) in sets.sorted(by: { $0.key < $1.key }) {
            let key = "privacy.psi_sets.\(name)"
            guard Tokens.isToken(name) else {
                reader.error(key, "the PSI set name '\(Tokens.printable(name))' must be a token ([A-Za-z0-9][A-Za-z0-9._:+-]*: it is part of the URL)")
                continue
            }
            guard let m = reader.mapping(key, in: sets, allowed: ["file", "cardinality_only", "tenants"]) else { continue }
            let file = reader.string("\(key).file", in: m, key: "file", required: true)
            var cardinalityOnly = false
            if let node = m["cardinality_only"] {
                guard case .bool(let flag) = node else {
                    reader.error("\(key).cardinality_only", "\(key).cardinality_only must be true or false")
                    continue
                }
                cardinalityOnly = flag
            }
            guard let list = m["tenants"]?.arrayValue, !list.isEmpty,
                  case let tenants = list.compactMap(\.stringValue), tenants.count == list.count,
                  tenants.allSatisfy({ (try? TenantID($0)) != nil }) else {
                reader.error("\(key).tenants", "\(key).tenants must be a non-empty list of tenant ids")
                continue
            }
            if let file { out[name] = PSISet(file: path(file), cardinalityOnly: cardinalityOnly, tenants: tenants) }
        }
        return out
    }

    /// `{epsilon: "1.0" | rho: "0.5", reset_period_seconds: N}`.
    private static func budget(_ reader: inout ConfigReader, _ path: String, in parent: [String: JSONValue]) -> BudgetPolicy? {
        let key = String(path.split(separator: ".").last ?? "")
        guard let m = reader.mapping(path, in: parent, allowed: ["epsilon", "rho", "reset_period_seconds"]) else { return nil }
        let period = reader.integer("\(path).reset_period_seconds", in: m, key: "reset_period_seconds", range: 1...(3660 * 86_400))
        func amount(_ name: String) -> PrivacyAmount? {
            guard let node = m[name] else { return nil }
            let text: String
            switch node {
            case .string(let s): text = s
            case .int(let i): text = String(i)
            case .double(let d): text = String(d)
            default: text = ""
            }
            guard let value = try? PrivacyAmount(text), value > .zero else {
                reader.error("\(path).\(name)", "\(path).\(name) must be a positive decimal such as \"0.5\" (at most 1000)")
                return nil
            }
            return value
        }
        let epsilon = amount("epsilon"), rho = amount("rho")
        guard (m["epsilon"] == nil) != (m["rho"] == nil) else {
            reader.error(path, "budget '\(key)' gives exactly one of epsilon, rho")
            return nil
        }
        if let epsilon { return BudgetPolicy(limit: .epsilon(epsilon), resetPeriodSeconds: period.map(Int64.init)) }
        if let rho { return BudgetPolicy(limit: .rho(rho), resetPeriodSeconds: period.map(Int64.init)) }
        return nil
    }
}
