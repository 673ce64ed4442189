public import PavilionCore

/// Routes one verification through the regions its policy allows.
///
/// The host's policy has already applied the residency rule (see
/// docs/operations.md, "How a verification is decided") and hands over the
/// allowed regions in its order. The router tries them by priority (lowest
/// number first), then, among equal priorities, by lower observed latency,
/// then in the policy's order; on a region failure it moves to the next
/// allowed region. It knows no other region, so it can never fail over across
/// residency. When every allowed region has failed it ends with the
/// manifest's chosen definite outcome — ``Outcome/cannotAttest(_:)`` or
/// ``Outcome/unavailable(retryAfterSeconds:_:)`` — naming the residency reason.
public struct RegionRouter: Sendable {
    /// One region the policy allowed.
    public struct Region: Sendable, Hashable {
        /// Region name, unique within the manifest.
        public var name: String
        /// Where data sent there is processed.
        public var residency: ResidencyZone
        /// Manifest priority; lower is preferred.
        public var priority: Int
        /// Its endpoints (URLs).
        public var endpoints: [String]

        /// An allowed region.
        public init(name: String, residency: ResidencyZone, priority: Int, endpoints: [String]) {
            self.name = name
            self.residency = residency
            self.priority = priority
            self.endpoints = endpoints
        }
    }

    /// What a verification ends with when no allowed region can answer.
    public enum WhenExhausted: Sendable, Hashable {
        /// A `not_available`-style "cannot attest" result (200).
        case cannotAttest
        /// A 503 problem with `Retry-After: seconds`.
        case unavailable(retryAfterSeconds: Int)
    }

    /// Routing settings.
    public struct Configuration: Sendable, Hashable {
        /// The outcome when every allowed region failed (default: 503 with `Retry-After: 30`).
        public var whenExhausted: WhenExhausted
        /// Order equal-priority regions by observed latency (default true).
        public var preferLowerLatency: Bool

        /// Settings, each with its documented default.
        public init(whenExhausted: WhenExhausted = .unavailable(retryAfterSeconds: 30), preferLowerLatency: Bool = true) {
            self.whenExhausted = whenExhausted
            self.preferLowerLatency = preferLowerLatency
        }
    }

    /// Why no region answered, for the problem detail and the audit record.
    public struct ResidencyReason: Sendable, Hashable, CustomStringConvertible {
        /// The subject's residency zone, when known.
        public var subjectResidency: ResidencyZone?
        /// The allowed regions, in the order tried.
        public var triedRegions: [String]
        /// The zones of the allowed regions.
        public var allowedZones: [ResidencyZone]

        /// A reason record.
        public init(subjectResidency: ResidencyZone?, triedRegions: [String], allowedZones: [ResidencyZone]) {
            self.subjectResidency = subjectResidency
            self.triedRegions = triedRegions
            self.allowedZones = allowedZones
        }

        /// A sentence naming the residency reason, without personal data.
        public var description: String {
            let zones = allowedZones.map(\.rawValue).joined(separator: ", ")
            let subject = subjectResidency.map { " for a subject in \($0.rawValue)" } ?? ""
            if triedRegions.isEmpty {
                return "no region is allowed by residency\(subject); no request was sent"
            }
            return "no region allowed by residency\(subject) could answer (tried \(triedRegions.joined(separator: ", ")) "
                + "in \(zones)); regions outside the allowed residency are never used"
        }
    }

    /// A definite end when no allowed region answered.
    public enum Outcome: Sendable, Hashable {
        /// Answer "cannot attest".
        case cannotAttest(ResidencyReason)
        /// Answer 503 with `Retry-After`.
        case unavailable(retryAfterSeconds: Int, ResidencyReason)
    }

    /// What the caller does next.
    public enum Action: Sendable, Hashable {
        /// Send the exchange to this region (`failover` is true after a failure).
        case tryRegion(Region, failover: Bool)
        /// Stop: no allowed region can answer.
        case exhausted(Outcome)
        /// Nothing: the verification already finished.
        case none
    }

    private enum State: Sendable {
        case idle
        case trying(index: Int)
        case answered
        case exhausted
    }

    /// The allowed regions in the order they will be tried.
    public let plan: [Region]
    /// The settings in force.
    public let configuration: Configuration
    private let subjectResidency: ResidencyZone?
    private var state: State = .idle

    /// A router for one verification.
    /// - Parameters:
    ///   - allowed: the regions the policy allowed, in its order (duplicate names: first kept).
    ///   - subjectResidency: the subject's zone, named in the exhaustion reason.
    ///   - observedLatencyMs: latest latency per region name, where known.
    ///   - configuration: routing settings.
    public init(allowed: [Region], subjectResidency: ResidencyZone? = nil, observedLatencyMs: [String: Double] = [:],
                configuration: Configuration = Configuration()) {
        var seen = Set<String>()
        let unique = allowed.filter { seen.insert($0.name).inserted }
        let prefer = configuration.preferLowerLatency
        plan = unique.enumerated().sorted { l, r in
            if l.element.priority != r.element.priority { return l.element.priority < r.element.priority }
            if prefer {
                let a = observedLatencyMs[l.element.name] ?? .infinity
                let b = observedLatencyMs[r.element.name] ?? .infinity
                if a != b { return a < b }
            }
            return l.offset < r.offset
        }.map(\.element)
        self.configuration = configuration
        self.subjectResidency = subjectResidency
    }

    /// The region being tried, if any.
    public var currentRegion: Region? {
        if case .trying(let i) = state { return plan[i] }
        return nil
    }

    /// Begin routing.
    /// - Returns: the first region to try, or the exhausted outcome when none is allowed.
    public mutating func start() -> Action {
        guard case .idle = state else { return .none }
        return advance(from: 0, failover: false)
    }

    /// The current region failed (every endpoint refused, timed out, breaker open…).
    /// - Returns: the next allowed region, or the exhausted outcome.
    public mutating func currentRegionFailed() -> Action {
        guard case .trying(let i) = state else { return .none }
        return advance(from: i + 1, failover: true)
    }

    /// The current region answered; routing is over.
    public mutating func currentRegionAnswered() {
        if case .trying = state { state = .answered }
    }

    private mutating func advance(from index: Int, failover: Bool) -> Action {
        guard index < plan.count else {
            state = .exhausted
            var zones: [ResidencyZone] = []
            for zone in plan.map(\.residency) where !zones.contains(zone) { zones.append(zone) }
            let reason = ResidencyReason(subjectResidency: subjectResidency, triedRegions: plan.map(\.name), allowedZones: zones)
            switch configuration.whenExhausted {
            case .cannotAttest: return .exhausted(.cannotAttest(reason))
            case .unavailable(let seconds): return .exhausted(.unavailable(retryAfterSeconds: seconds, reason))
            }
        }
        state = .trying(index: index)
        return .tryRegion(plan[index], failover: failover)
    }
}
