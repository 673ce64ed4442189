import PavilionCore
import PavilionManifest

/// What policy allowed: the lawful basis relied on and the regions the
/// subject's data may go to, best first.
public struct PolicyDecision: Sendable, Hashable {
    /// The lawful basis relied on (stated, or the connector's only one).
    public var lawfulBasis: String
    /// Every region the residency rules allow, ordered by priority (lower
    /// first), then the host's own region, then manifest order. The first is
    /// used; the rest are the failover candidates for the connectivity work.
    public var regions: [Manifest.Region]

    /// The region to use.
    public var region: Manifest.Region? { regions.first }
}

/// The policy stage: does the connector's manifest allow this request's
/// purpose, lawful basis and residency?
///
/// Residency: a region is allowed for a subject in zone `Z` when
/// 1. the region's zone is `Z`, contains `Z`, or lies within `Z` (`us` / `us-ca`); or
/// 2. `Z` is `eu` or `uk` and the region's zone is in `ResidencyZone.gdprAdequate`; or
/// 3. the manifest declares `compliance.transfer_basis` (SCCs, BCRs, …), which
///    covers transfers to any of its regions.
public struct VerificationPolicy: Sendable, Hashable {
    /// The host's own region name, preferred among regions of equal priority.
    public var hostRegion: String?

    /// - Parameter hostRegion: the host's region name, if configured.
    public init(hostRegion: String? = nil) { self.hostRegion = hostRegion }

    /// Decide.
    /// - Parameters:
    ///   - manifest: the connector's manifest.
    ///   - purpose: the stated purpose.
    ///   - lawfulBasis: the stated lawful basis, if any.
    ///   - jurisdiction: the subject's residency zone.
    /// - Returns: the decision.
    /// - Throws: ``APIProblem`` 400 `purpose_not_allowed`,
    ///   `lawful_basis_not_allowed` or `residency_not_allowed`;
    ///   `invalid_request` when no lawful basis was stated and the connector has several.
    public func evaluate(manifest: Manifest, purpose: String, lawfulBasis: String?,
                         jurisdiction: ResidencyZone) throws(APIProblem) -> PolicyDecision {
        let compliance = manifest.compliance
        guard compliance.purposes.contains(purpose) else {
            throw APIProblem(400, "purpose_not_allowed",
                             "connector '\(manifest.name)' may not be used for purpose '\(purpose)'; it allows: \(compliance.purposes.joined(separator: ", "))",
                             extensions: ["allowed": .array(compliance.purposes.map(JSONValue.string))])
        }
        let basis: String
        if let lawfulBasis {
            guard compliance.lawfulBases.contains(lawfulBasis) else {
                throw APIProblem(400, "lawful_basis_not_allowed",
                                 "connector '\(manifest.name)' may not be used under lawful basis '\(lawfulBasis)'; it allows: \(compliance.lawfulBases.joined(separator: ", "))",
                                 extensions: ["allowed": .array(compliance.lawfulBases.map(JSONValue.string))])
            }
            basis = lawfulBasis
        } else if compliance.lawfulBases.count == 1, let only = compliance.lawfulBases.first {
            basis = only
        } else {
            throw APIProblem.invalidRequest(
                "\"lawful_basis\" is required: connector '\(manifest.name)' allows several (\(compliance.lawfulBases.joined(separator: ", ")))")
        }
        let allowed = manifest.regions.enumerated()
            .filter { Self.allows(subject: jurisdiction, region: $0.element.residency, transferBasis: compliance.transferBasis) }
            .sorted { a, b in
                if a.element.priority != b.element.priority { return a.element.priority < b.element.priority }
                let aLocal = a.element.name == hostRegion, bLocal = b.element.name == hostRegion
                if aLocal != bLocal { return aLocal }
                return a.offset < b.offset
            }
            .map(\.element)
        guard !allowed.isEmpty else {
            let zones = Set(manifest.regions.map(\.residency.rawValue)).sorted().joined(separator: ", ")
            throw APIProblem(400, "residency_not_allowed",
                             "data of a subject in '\(jurisdiction.rawValue)' may not go to any region of connector '\(manifest.name)' (zones: \(zones)) and it declares no transfer basis")
        }
        return PolicyDecision(lawfulBasis: basis, regions: allowed)
    }

    /// Whether data of a subject in zone `subject` may go to a region in zone `region`.
    public static func allows(subject: ResidencyZone, region: ResidencyZone, transferBasis: String?) -> Bool {
        if subject.contains(region) || region.contains(subject) { return true }
        if subject == .eu || subject == .uk, ResidencyZone.gdprAdequate.contains(region) { return true }
        return transferBasis != nil
    }
}
