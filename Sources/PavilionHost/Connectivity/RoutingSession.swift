import PavilionCore
import PavilionNet
import Synchronization

/// One verification's route through its connector's allowed regions: a
/// ``RegionRouter`` built from the policy's allowed regions only (so no
/// other region can ever be chosen), the region the exchange is pinned to
/// once a request there was answered (later rounds of a multi-round
/// exchange, such as a token then a query, stay there), and how routing
/// ended when no allowed region answered.
public final class RoutingSession: Sendable {
    private struct State: Sendable {
        var router: RegionRouter
        var current: RegionRouter.Region?
        var pinned = false
        var outcome: RegionRouter.Outcome?
        var poolExhausted: String?
        var endpoint: String?
    }

    /// The connector's shared state.
    let connectivity: ConnectorConnectivity
    private let state: Mutex<State>
    /// Whether the exhausted outcome applies: more than one region was
    /// allowed, or residency ruled some of the connector's regions out.
    /// A connector with one region and nothing ruled out reports its DP's
    /// failure as such (502 `upstream_error`, 504 `upstream_timeout`).
    private let residencyMatters: Bool

    init(connectivity: ConnectorConnectivity, allowed: [String], jurisdiction: ResidencyZone) {
        self.connectivity = connectivity
        let regions = allowed.compactMap { connectivity.regions[$0] }.map {
            RegionRouter.Region(name: $0.name, residency: $0.residency, priority: $0.priority,
                                endpoints: $0.endpoints.map(\.description))
        }
        let router = RegionRouter(allowed: regions, subjectResidency: jurisdiction,
                                  observedLatencyMs: connectivity.regionLatencyMs, configuration: connectivity.settings.router)
        state = Mutex(State(router: router))
        residencyMatters = regions.count > 1 || regions.count < connectivity.regions.count
    }

    /// The region being tried, or the one that answered (`nil` before the first request and after exhaustion).
    public var region: String? { state.withLock { $0.current?.name } }

    /// The regions in the order they will be tried.
    public var plan: [String] { state.withLock { $0.router.plan.map(\.name) } }

    /// The region to send the next request to: the pinned or current one,
    /// else the first of the plan.
    func begin() -> RegionRouter.Action {
        state.withLock { s in
            if let current = s.current { return .tryRegion(current, failover: false) }
            if s.outcome != nil { return .none }
            let action = s.router.start()
            if case .tryRegion(let region, _) = action { s.current = region }
            if case .exhausted(let outcome) = action { s.outcome = outcome }
            return action
        }
    }

    /// Whether the exchange may still move to another region.
    var canFailOver: Bool { state.withLock { !$0.pinned && $0.outcome == nil } }

    /// Whether another region follows the current one.
    var hasNextRegion: Bool {
        state.withLock { s in
            guard !s.pinned, let current = s.current, let i = s.router.plan.firstIndex(where: { $0.name == current.name }) else {
                return false
            }
            return i + 1 < s.router.plan.count
        }
    }

    /// The current region failed: the next allowed region, or the end.
    func regionFailed() -> RegionRouter.Action {
        state.withLock { s in
            guard !s.pinned else { return .none }
            let action = s.router.currentRegionFailed()
            switch action {
            case .tryRegion(let region, _): s.current = region
            case .exhausted(let outcome):
                s.current = nil
                s.outcome = outcome
            case .none: break
            }
            return action
        }
    }

    /// A request in `region` was answered by `endpoint`: stay in the region.
    func answered(endpoint: String) {
        state.withLock { s in
            s.pinned = true
            s.endpoint = endpoint
            s.router.currentRegionAnswered()
        }
    }

    /// A request is being sent to `endpoint` (a base URL).
    func attempting(endpoint: String) { state.withLock { $0.endpoint = endpoint } }

    /// The endpoint (base URL) that answered the last request, or the last
    /// one tried when none did: what lineage records for the round, which
    /// after a failover is not the policy region's first endpoint.
    public var endpoint: String? { state.withLock { $0.endpoint } }

    /// A request found `endpoint`'s connection limit and wait queue full past its deadline.
    func poolExhausted(_ endpoint: String) { state.withLock { $0.poolExhausted = endpoint } }

    /// How routing ended when no allowed region answered (`nil` otherwise).
    public var outcome: RegionRouter.Outcome? { state.withLock { $0.outcome } }

    /// The problem to answer instead of the transport's error, if routing
    /// decided one: 503 `pool_exhausted`, or 503 `residency_unavailable`
    /// with `Retry-After` (the `problem` outcome).
    public var problem: APIProblem? {
        let (outcome, exhausted) = state.withLock { ($0.outcome, $0.poolExhausted) }
        if case .unavailable(let seconds, let reason)? = outcome, residencyMatters {
            return APIProblem(503, "residency_unavailable", reason.description,
                              extensions: ["retry_after": .int(Int64(seconds)),
                                           "regions_tried": .array(reason.triedRegions.map(JSONValue.string))])
        }
        if let exhausted {
            return APIProblem(503, "pool_exhausted",
                              "every connection to \(exhausted) was busy until the request's deadline; retry later",
                              extensions: ["retry_after": .int(1)])
        }
        return nil
    }

    /// Whether routing ended with the `cannot_attest` outcome.
    public var cannotAttest: Bool {
        if case .cannotAttest? = state.withLock({ $0.outcome }) { return true }
        return false
    }
}
