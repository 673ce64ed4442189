import PavilionCore

/// Enforces minimisation: of a transformed record, only the claims the
/// request asked for **and** the connector may release leave the pipeline.
///
/// ```swift
/// let minimiser = ClaimMinimiser(releasable: Set(manifest.claims.map(\.name)))
/// let result = minimiser.minimise(transformed.output, requested: ["age_over_18"])
/// result.claims   // {"age_over_18": true}; the birth date is gone
/// ```
public struct ClaimMinimiser: Sendable, Hashable {
    /// Claim names the connector may release (its manifest's `spec.claims`).
    public let releasable: Set<String>

    /// - Parameter releasable: the connector's releasable claim names.
    public init(releasable: Set<String>) { self.releasable = releasable }

    /// Keep only requested, releasable members of `record`.
    /// - Parameters:
    ///   - record: the transformed record; anything but an object yields no claims.
    ///   - requested: the claim names the relying party asked for.
    /// - Returns: the released claims and, by name only, what was left out.
    public func minimise(_ record: JSONValue, requested: Set<String>) -> MinimisationResult {
        let members = record.objectValue ?? [:]
        var claims: [String: JSONValue] = [:]
        for name in requested where releasable.contains(name) {
            if let value = members[name] { claims[name] = value }
        }
        return MinimisationResult(
            claims: .object(claims),
            withheld: requested.subtracting(releasable).sorted(),
            unavailable: requested.intersection(releasable).subtracting(members.keys).sorted(),
            dropped: Set(members.keys).subtracting(claims.keys).sorted())
    }
}

/// What ``ClaimMinimiser/minimise(_:requested:)`` let through and left out.
/// The left-out lists hold names only, never values, so they may go to
/// lineage and logs.
public struct MinimisationResult: Sendable, Hashable {
    /// The released claims: a JSON object.
    public var claims: JSONValue
    /// Requested but not releasable by this connector.
    public var withheld: [String]
    /// Requested and releasable, but absent from the record.
    public var unavailable: [String]
    /// Present in the record but not released.
    public var dropped: [String]

    /// - Parameters:
    ///   - claims: released claims.
    ///   - withheld: requested, not releasable.
    ///   - unavailable: requested, releasable, absent.
    ///   - dropped: present, not released.
    public init(claims: JSONValue, withheld: [String], unavailable: [String], dropped: [String]) {
        self.claims = claims
        self.withheld = withheld
        self.unavailable = unavailable
        self.dropped = dropped
    }
}
