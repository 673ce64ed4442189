import Foundation
import PavilionCore
import PavilionNet
import PavilionPrivacy
import PavilionStore

/// `GET /v1/analytics/verifications`: counts of a tenant's verification
/// requests by connector, outcome or lawful basis (audit records), or of
/// its stored verifications by region or jurisdiction, released only with
/// exact discrete Laplace (ε) or discrete Gaussian (ρ, zCDP) noise and
/// charged to the tenant's privacy budget first. See `docs/privacy.md`.
extension HostAPI {
    /// The outcome bins: every audit record falls in exactly one.
    static let outcomeBins = ["completed", "not_found", "denied", "failed"]

    func analytics(_ request: HTTPServerRequest, caller: Caller, privacy: PrivacyEngine) async throws(APIProblem) -> HTTPServerResponse {
        guard let tenant = caller.tenant else { throw APIProblem.forbidden("analytics are per tenant; use a tenant key") }
        var dimension = PrivacyCountDimension.connector
        var mechanismName = "laplace"
        var epsilon: PrivacyAmount?, rho: PrivacyAmount?
        for (name, value) in try Self.queryPairs(request.query) {
            switch name {
            case "group_by":
                guard let d = PrivacyCountDimension(rawValue: value) else {
                    throw APIProblem.invalidRequest("'group_by' must be one of \(PrivacyCountDimension.allCases.map(\.rawValue).joined(separator: ", "))")
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
        // Each request (or verification) is in exactly one bin: L1 and L2 sensitivity 1.
        let sampler: NoiseSampler
        do { sampler = try noise.sampler(l1Sensitivity: 1, l2SensitivitySquared: 1) } catch {
            throw APIProblem.invalidRequest("the noise parameters are out of range: \(error.reason)")
        }
        let bins = try await analyticsBins(dimension, tenant: tenant)
        guard !bins.isEmpty else { throw APIProblem(400, "no_bins", "this tenant has no connectors to count by") }
        // Charge first: nothing is counted before the budget allows it.
        try await privacy.charge(tenant: tenant.rawValue, dataset: PrivacyEngine.analyticsDataset,
                                 mechanism: "histogram:\(dimension.rawValue)", cost: noise.cost)
        let exact: [String: Int64]
        do { exact = try await store.privacyCounts(tenant: tenant, by: dimension) } catch {
            logger.error("cannot count for analytics", ["error": .string(error.description)])
            throw APIProblem(503, "store_unavailable", "the service cannot read the audit trail right now")
        }
        var counts: [JSONValue] = []
        let source = SecureRandomBitSource()
        do {
            for bin in bins {
                let noisy = try sampler.noisy(Int128(exact[bin] ?? 0), using: source)
                counts.append(.object(["key": .string(bin), "count": .int(noisy)]))
            }
        } catch {
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
            "counts": .array(counts),
        ]))
    }

    /// The bins, fixed before counting so that no bin's presence depends on
    /// the data: the tenant's enabled connectors (or their regions), the
    /// outcome classes, the six GDPR bases, the residency zones.
    private func analyticsBins(_ dimension: PrivacyCountDimension, tenant: TenantID) async throws(APIProblem) -> [String] {
        switch dimension {
        case .outcome: return Self.outcomeBins
        case .lawfulBasis: return LawfulBasis.allCases.map(\.rawValue)
        case .jurisdiction: return ResidencyZone.allCases.map(\.rawValue)
        case .connector, .region:
            let enabled: [String]
            do { enabled = try await store.enabledConnectors(for: tenant) } catch {
                throw APIProblem(503, "store_unavailable", "the service cannot read connectors right now")
            }
            guard dimension == .region else { return enabled }
            let wanted = Set(enabled)
            let regions = connectors.servingConnectors().filter { wanted.contains($0.name) }
                .flatMap { $0.plugin.manifest.regions.map(\.name) }
            return Array(Set(regions)).sorted()
        }
    }
}
