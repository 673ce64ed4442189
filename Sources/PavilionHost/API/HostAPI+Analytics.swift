import Foundation
import PavilionCore
import PavilionNet
import PavilionPrivacy
import PavilionStore

/// `GET /v1/analytics/verifications`: counts of a tenant's verification
/// requests by connector, outcome or lawful basis, released only with
/// exact discrete Laplace (ε) or discrete Gaussian (ρ, zCDP) noise and
/// charged to the tenant's privacy budget first. See `docs/privacy.md`.
extension HostAPI {
    /// The dimensions analytics may group by, with their fixed bins.
    enum AnalyticsDimension: String, CaseIterable {
        case connector, outcome
        case lawfulBasis = "lawful_basis"
    }

    /// The outcome bins: every audit record falls in exactly one.
    static let outcomeBins = ["completed", "not_found", "denied", "failed"]

    func analytics(_ request: HTTPServerRequest, caller: Caller, privacy: PrivacyEngine) async throws(APIProblem) -> HTTPServerResponse {
        guard let tenant = caller.tenant else { throw APIProblem.forbidden("analytics are per tenant; use a tenant key") }
        var dimension = AnalyticsDimension.connector
        var mechanismName = "laplace"
        var epsilon: PrivacyAmount?, rho: PrivacyAmount?
        for (name, value) in try Self.queryPairs(request.query) {
            switch name {
            case "group_by":
                guard let d = AnalyticsDimension(rawValue: value) else {
                    throw APIProblem.invalidRequest("'group_by' must be one of \(AnalyticsDimension.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                dimension = d
            case "mechanism":
                guard ["laplace", "gaussian"].contains(value) else { throw APIProblem.invalidRequest("'mechanism' must be laplace or gaussian") }
                mechanismName = value
            case "epsilon", "rho":
                guard let amount = try? PrivacyAmount(value), amount > .zero else {
                    throw APIProblem.invalidRequest("'\(name)' must be a positive decimal such as 0.5")
                }
                if name == "epsilon" { epsilon = amount } else { rho = amount }
            default:
                throw APIProblem.invalidRequest("unknown query parameter '\(Tokens.printable(name))'")
            }
        }
        let noise: NoiseMechanism
        switch mechanismName {
        case "gaussian":
            guard let rho, epsilon == nil else { throw APIProblem.invalidRequest("the gaussian mechanism takes 'rho' (zCDP), not 'epsilon'") }
            noise = .discreteGaussian(rho: rho)
        default:
            guard let epsilon, rho == nil else { throw APIProblem.invalidRequest("the laplace mechanism takes 'epsilon', not 'rho'") }
            noise = .discreteLaplace(epsilon: epsilon)
        }
        let bins: [String]
        switch dimension {
        case .connector:
            do { bins = try await store.enabledConnectors(for: tenant) } catch {
                throw APIProblem(503, "store_unavailable", "the service cannot read connectors right now")
            }
        case .outcome: bins = Self.outcomeBins
        case .lawfulBasis: bins = LawfulBasis.allCases.map(\.rawValue)
        }
        guard !bins.isEmpty else { throw APIProblem(400, "no_bins", "this tenant has no connectors to count by") }
        let histogram: BoundedHistogram
        do { histogram = try BoundedHistogram(binCount: bins.count, maxBinsPerUser: 1, noise: noise) } catch {
            throw APIProblem.invalidRequest("the noise parameters are out of range: \(error.reason)")
        }
        // Charge first: the count is computed only once the budget allows it.
        try await privacy.charge(tenant: tenant.rawValue, dataset: PrivacyEngine.analyticsDataset,
                                 mechanism: "histogram:\(dimension.rawValue)", cost: histogram.cost)
        var records: [(user: Int64, bin: Int)] = []
        let index = Dictionary(uniqueKeysWithValues: bins.enumerated().map { ($1, $0) })
        var after: Int64 = 0
        do {
            while true {
                let page = try await store.auditRecords(tenant: tenant, afterSequence: after, limit: 1000)
                for record in page {
                    let e = record.entry
                    let key: String?
                    switch dimension {
                    case .connector: key = e.connector
                    case .lawfulBasis: key = e.lawfulBasis
                    case .outcome:
                        key = e.decision == .deny ? "denied" : (["completed", "not_found"].contains(e.outcome) ? e.outcome : "failed")
                    }
                    if let key, let bin = index[key] { records.append((record.sequence, bin)) }
                }
                guard let last = page.last, page.count == 1000 else { break }
                after = last.sequence
            }
        } catch {
            throw APIProblem(503, "store_unavailable", "the service cannot read the audit trail right now")
        }
        let released: [Int64]
        do { released = try histogram.release(records: records, using: SecureRandomBitSource()) } catch {
            logger.error("analytics release failed", ["error": .string(error.description)])
            throw APIProblem.internalError()
        }
        var cost: [String: JSONValue] = [:]
        switch noise {
        case .discreteLaplace(let e): cost["epsilon"] = .string(e.description)
        case .discreteGaussian(let r): cost["rho"] = .string(r.description)
        }
        return Self.json(200, .object([
            "group_by": .string(dimension.rawValue),
            "mechanism": .string(mechanismName == "gaussian" ? "discrete_gaussian" : "discrete_laplace"),
            "cost": .object(cost), "budget": .string("tenant \(tenant.rawValue), dataset \(PrivacyEngine.analyticsDataset)"),
            "counts": .array(zip(bins, released).map { .object(["key": .string($0), "count": .int($1)]) }),
        ]))
    }
}
