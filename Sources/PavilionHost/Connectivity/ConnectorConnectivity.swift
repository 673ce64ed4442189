import PavilionCore
import PavilionManifest
import PavilionNet
import Synchronization

/// The shared connectivity state of one connector: per endpoint a circuit
/// breaker, a connection gate, health and counters; per region an endpoint
/// selector and an outlier detector; per connector a retry budget and the
/// hedging latency window. One lock box; every method is short and never
/// awaits, so event-loop threads may call it.
public final class ConnectorConnectivity: Sendable {
    /// One region as routed: its endpoints after overrides.
    public struct Region: Sendable, Hashable {
        /// The region name.
        public var name: String
        /// Its residency zone.
        public var residency: ResidencyZone
        /// Lower is preferred.
        public var priority: Int
        /// Its endpoints, in manifest order.
        public var endpoints: [EndpointURL]
    }

    /// An endpoint chosen for one attempt.
    struct Pick: Sendable {
        var key: String
        var url: EndpointURL
        var region: String
        var permit: CircuitBreaker.Permit
    }

    /// How one attempt ended.
    enum AttemptOutcome: Sendable {
        case success, clientError, serverError, failed, ignored

        var label: String {
            switch self {
            case .success: "success"
            case .clientError: "client_error"
            case .serverError: "server_error"
            case .failed: "failed"
            case .ignored: "ignored"
            }
        }
    }

    struct Counters: Sendable {
        var requests = 0
        var failures = 0
        var ejections = 0
        var lastError: String?
    }

    private struct State: Sendable {
        var breakers: [String: CircuitBreaker] = [:]
        var selectors: [String: EndpointSelector] = [:]
        var detectors: [String: OutlierDetector] = [:]
        var healthDown: Set<String> = []
        var failedProbes: [String: Int] = [:]
        var retry: RetryBudget
        var hedge: HedgePolicy
        var regionLatencyMs: [String: Double] = [:]
        var counters: [String: Counters] = [:]
        var retries = 0
        var failovers = 0
        var exhausted = 0
        var rng = SystemRandomNumberGenerator()
    }

    /// What the state was built from; a different key (a reload) builds new state.
    struct Key: Sendable, Hashable {
        var connection: Manifest.Connection
        var health: Manifest.Health?
        var regions: [Manifest.Region]
        var overrides: [String: EndpointURL]
    }

    /// The connector's name.
    public let name: String
    let key: Key
    /// Its settings.
    public let settings: ConnectivitySettings
    /// Its regions by name, endpoints overridden where configured.
    public let regions: [String: Region]
    /// Its regions in manifest order.
    public let regionOrder: [String]
    let gates: [String: EndpointGate]
    /// The client for this connector's endpoints (a dedicated one when its
    /// manifest sets a CA file, SPKI pins or TLS 1.3 only), or why there is none.
    let client: Result<HTTPClient, TransportError>
    let events: ConnectivityEventLog
    let metrics: Metrics?
    private let state: Mutex<State>

    /// - Parameters:
    ///   - manifest: the connector's manifest.
    ///   - overrides: region → base URL replacing that region's endpoints.
    ///   - events: the connection audit log.
    ///   - metrics: where counters go.
    ///   - client: the client for its endpoints, or why there is none.
    init(manifest: Manifest, overrides: [String: EndpointURL], client: Result<HTTPClient, TransportError>,
         events: ConnectivityEventLog, metrics: Metrics?) {
        self.client = client
        name = manifest.name
        key = Key(connection: manifest.connection, health: manifest.health, regions: manifest.regions, overrides: overrides)
        settings = ConnectivitySettings(manifest: manifest)
        var regions: [String: Region] = [:]
        var order: [String] = []
        for region in manifest.regions {
            let urls = overrides[region.name].map { [$0] } ?? region.endpoints.compactMap(EndpointURL.init)
            regions[region.name] = Region(name: region.name, residency: region.residency, priority: region.priority, endpoints: urls)
            order.append(region.name)
        }
        self.regions = regions
        regionOrder = order
        self.events = events
        self.metrics = metrics
        var gates: [String: EndpointGate] = [:]
        var s = State(retry: RetryBudget(configuration: settings.retry), hedge: HedgePolicy(configuration: settings.hedge))
        for region in regions.values {
            let keys = region.endpoints.map(\.description)
            s.selectors[region.name] = EndpointSelector(endpoints: keys, configuration: settings.selector)
            s.detectors[region.name] = OutlierDetector(endpoints: keys, configuration: settings.outlier)
            for key in keys {
                s.breakers[key] = CircuitBreaker(configuration: settings.breaker)
                gates[key] = EndpointGate(limit: settings.maxConnections, maxWaiters: max(16, settings.maxConnections * 4))
            }
        }
        self.gates = gates
        state = Mutex(s)
    }

    /// Every endpoint with its region, in manifest order.
    var allEndpoints: [(region: String, url: EndpointURL)] {
        regionOrder.flatMap { name in (regions[name]?.endpoints ?? []).map { (name, $0) } }
    }

    // MARK: Attempts

    /// Count a request against the retry budget.
    func requestStarted() {
        let now = ConnectivityClock.now
        state.withLock { $0.retry.requestStarted(now: now) }
    }

    /// Choose an endpoint of `region` for an attempt: not ejected, not
    /// marked down by a health check, its breaker permitting; P2C among the
    /// rest. Endpoints in `avoid` are used only when nothing else is left
    /// and `allowRepeat` is true.
    func choose(region: String, avoid: Set<String>, allowRepeat: Bool) -> Pick? {
        guard let urls = regions[region]?.endpoints, !urls.isEmpty else { return nil }
        let now = ConnectivityClock.now
        var log: [(String, [String: JSONValue])] = []
        let pick = state.withLock { s -> Pick? in
            var detector = s.detectors[region] ?? OutlierDetector(endpoints: [])
            for event in detector.advance(to: now) { log.append(describe(event, region: region)) }
            s.detectors[region] = detector
            var excluded = detector.ejected(now: now).union(s.healthDown)
            for url in urls where !(s.breakers[url.description]?.wouldPermit(now: now) ?? true) { excluded.insert(url.description) }
            var firstChoice = excluded.union(avoid)
            if firstChoice.count >= urls.count, allowRepeat { firstChoice = excluded }
            var candidates = firstChoice
            guard var selector = s.selectors[region] else { return nil }
            defer { s.selectors[region] = selector }
            while let key = selector.select(excluding: candidates, using: &s.rng) {
                guard var breaker = s.breakers[key] else { return nil }
                let decision = breaker.requestPermitted(now: now)
                s.breakers[key] = breaker
                if let t = decision.transition { log.append(describe(t, key: key, region: region)) }
                if let permit = decision.permit, let url = urls.first(where: { $0.description == key }) {
                    return Pick(key: key, url: url, region: region, permit: permit)
                }
                selector.completed(key, latencyMs: nil)
                candidates.insert(key)
            }
            return nil
        }
        for (event, fields) in log { record(event, fields) }
        return pick
    }

    /// Whether `region` has an endpoint outside `avoid` that ``choose(region:avoid:allowRepeat:)``
    /// could pick now (not ejected, not marked down, breaker permitting).
    func hasEligible(region: String, avoiding avoid: Set<String>) -> Bool {
        guard let urls = regions[region]?.endpoints else { return false }
        let now = ConnectivityClock.now
        return state.withLock { s in
            let ejected = s.detectors[region]?.ejected(now: now) ?? []
            return urls.contains { url in
                let key = url.description
                return !avoid.contains(key) && !ejected.contains(key) && !s.healthDown.contains(key)
                    && (s.breakers[key]?.wouldPermit(now: now) ?? true)
            }
        }
    }

    /// Record how an attempt ended.
    func finish(_ pick: Pick, outcome: AttemptOutcome, latencyMs: Double, error: String? = nil) {
        let now = ConnectivityClock.now
        var log: [(String, [String: JSONValue])] = []
        state.withLock { s in
            let breakerOutcome: CircuitBreaker.Outcome
            let detectorOutcome: OutlierDetector.Outcome?
            switch outcome {
            case .success: (breakerOutcome, detectorOutcome) = (.success, .success)
            case .clientError: (breakerOutcome, detectorOutcome) = (.success, .clientError)
            case .serverError: (breakerOutcome, detectorOutcome) = (.failure, .serverError)
            case .failed: (breakerOutcome, detectorOutcome) = (.failure, .timeout)
            case .ignored: (breakerOutcome, detectorOutcome) = (.ignored, nil)
            }
            if var breaker = s.breakers[pick.key] {
                if let t = breaker.recorded(breakerOutcome, permit: pick.permit, now: now) {
                    log.append(describe(t, key: pick.key, region: pick.region))
                }
                s.breakers[pick.key] = breaker
            }
            if let detectorOutcome, var detector = s.detectors[pick.region] {
                for event in detector.recorded(detectorOutcome, endpoint: pick.key, now: now) {
                    if case .ejected = event { s.counters[pick.key, default: Counters()].ejections += 1 }
                    log.append(describe(event, region: pick.region))
                }
                s.detectors[pick.region] = detector
            }
            let succeeded = outcome == .success || outcome == .clientError
            s.selectors[pick.region]?.completed(pick.key, latencyMs: succeeded ? latencyMs : nil)
            var counters = s.counters[pick.key, default: Counters()]
            counters.requests += 1
            if !succeeded, outcome != .ignored {
                counters.failures += 1
                counters.lastError = error
            }
            s.counters[pick.key] = counters
            if succeeded {
                s.hedge.recordLatency(latencyMs)
                let old = s.regionLatencyMs[pick.region]
                s.regionLatencyMs[pick.region] = old.map { $0 * 0.7 + latencyMs * 0.3 } ?? latencyMs
            }
        }
        metrics?.increment("pavilion_dp_requests_total", [name, pick.region, pick.key, outcome.label])
        for (event, fields) in log { record(event, fields) }
    }

    /// Whether to retry after a failed attempt, and after how long.
    func retryDecision(afterAttempt attempt: Int, idempotent: Bool, remainingMs: Int64) -> RetryBudget.Decision {
        let now = ConnectivityClock.now
        let decision = state.withLock { s in
            let d = s.retry.retry(afterAttempt: attempt, idempotent: idempotent, remainingMs: remainingMs, now: now, using: &s.rng)
            if case .retry = d { s.retries += 1 }
            return d
        }
        if case .retry = decision { metrics?.increment("pavilion_dp_retries_total", [name]) }
        return decision
    }

    /// The hedging plan for an idempotent request with `alternatives` other endpoints.
    func hedgePlan(idempotent: Bool, alternatives: Int) -> HedgePolicy.Plan {
        state.withLock { $0.hedge.plan(idempotent: idempotent, alternatives: alternatives) }
    }

    /// Observed latency per region (EWMA of successful attempts).
    var regionLatencyMs: [String: Double] { state.withLock { $0.regionLatencyMs } }

    /// Count and log a failover.
    func failedOver(from: String?, to: String, reason: String) {
        state.withLock { $0.failovers += 1 }
        metrics?.increment("pavilion_dp_failovers_total", [name, from ?? "", to])
        record("failover", ["from_region": from.map(JSONValue.string) ?? .null, "region": .string(to), "reason": .string(reason)])
    }

    /// Count and log the end of routing without an answer.
    func exhausted(reason: String) {
        state.withLock { $0.exhausted += 1 }
        metrics?.increment("pavilion_dp_regions_exhausted_total", [name])
        record("region_exhausted", ["reason": .string(reason)])
    }

    // MARK: Health

    /// Failed probes in a row that mark an endpoint down.
    static let unhealthyThreshold = 2

    /// Apply an active health check's result for `key` in `region`: a
    /// healthy endpoint that was out (ejected, marked down, breaker not
    /// closed) is readmitted; one that failed ``unhealthyThreshold`` probes
    /// in a row is marked down.
    func healthChecked(_ key: String, region: String, healthy: Bool, detail: String) {
        let now = ConnectivityClock.now
        var log: [(String, [String: JSONValue])] = []
        state.withLock { s in
            let wasDown = s.healthDown.contains(key)
            s.failedProbes[key] = healthy ? 0 : (s.failedProbes[key] ?? 0) + 1
            if healthy {
                let breakerOut = s.breakers[key].map { $0.phase != .closed } ?? false
                let ejected = s.detectors[region]?.ejected(now: now).contains(key) ?? false
                guard wasDown || breakerOut || ejected else { return }
                s.healthDown.remove(key)
                if let event = s.detectors[region]?.readmit(key, now: now) { log.append(describe(event, region: region)) }
                if breakerOut {
                    let from = s.breakers[key]?.phase.rawValue ?? "open"
                    s.breakers[key] = CircuitBreaker(configuration: settings.breaker)
                    log.append(("breaker", ["region": .string(region), "endpoint": .string(key), "from": .string(from),
                                            "to": .string("closed"), "reason": .string("health_check_passed")]))
                }
                log.append(("health", ["region": .string(region), "endpoint": .string(key), "healthy": .bool(true),
                                       "action": .string("readmitted")]))
            } else if !wasDown, (s.failedProbes[key] ?? 0) >= Self.unhealthyThreshold {
                s.healthDown.insert(key)
                log.append(("health", ["region": .string(region), "endpoint": .string(key), "healthy": .bool(false),
                                       "action": .string("marked_down"), "detail": .string(detail)]))
            }
        }
        for (event, fields) in log { record(event, fields) }
    }

    // MARK: State

    /// One endpoint's state.
    struct EndpointState: Sendable {
        var region: String
        var key: String
        var breaker: CircuitBreaker.Phase
        var ejected: Bool
        var healthy: Bool
        var inFlight: Int
        var waiting: Int
        var peakInFlight: Int
        var poolExhausted: Int
        var counters: Counters
    }

    /// Every endpoint's state, in manifest order.
    func endpointStates() -> [EndpointState] {
        let now = ConnectivityClock.now
        let (phases, ejected, down, counters) = state.withLock { s in
            (s.breakers.mapValues(\.phase), Set(s.detectors.values.flatMap { $0.ejected(now: now) }), s.healthDown, s.counters)
        }
        return allEndpoints.map { region, url in
            let key = url.description
            let gate = gates[key]?.counts ?? (inUse: 0, waiting: 0, peak: 0, exhausted: 0)
            return EndpointState(region: region, key: key, breaker: phases[key] ?? .closed, ejected: ejected.contains(key),
                                 healthy: !down.contains(key), inFlight: gate.inUse, waiting: gate.waiting, peakInFlight: gate.peak,
                                 poolExhausted: gate.exhausted, counters: counters[key] ?? Counters())
        }
    }

    /// Retries, failovers and exhausted routings so far.
    var totals: (retries: Int, failovers: Int, exhausted: Int) {
        state.withLock { ($0.retries, $0.failovers, $0.exhausted) }
    }

    // MARK: Audit

    func record(_ event: String, _ fields: [String: JSONValue]) {
        var all = fields
        all["connector"] = .string(name)
        events.record(event, all)
    }

    private func describe(_ t: CircuitBreaker.Transition, key: String, region: String) -> (String, [String: JSONValue]) {
        metrics?.increment("pavilion_dp_breaker_transitions_total", [name, region, key, t.to.rawValue])
        let reason: String
        switch t.reason {
        case .consecutiveFailures(let n): reason = "consecutive_failures(\(n))"
        case .failureRate(let f, let c): reason = "failure_rate(\(f)/\(c))"
        case .openPeriodElapsed: reason = "open_period_elapsed"
        case .probesSucceeded(let n): reason = "probes_succeeded(\(n))"
        case .probeFailed: reason = "probe_failed"
        }
        return ("breaker", ["region": .string(region), "endpoint": .string(key), "from": .string(t.from.rawValue),
                            "to": .string(t.to.rawValue), "reason": .string(reason)])
    }

    private func describe(_ e: OutlierDetector.Event, region: String) -> (String, [String: JSONValue]) {
        switch e {
        case .ejected(let endpoint, let until, let ejections):
            metrics?.increment("pavilion_dp_ejections_total", [name, region, endpoint])
            return ("ejected", ["region": .string(region), "endpoint": .string(endpoint),
                                "for_ms": .int(until - ConnectivityClock.now), "ejections": .int(Int64(ejections))])
        case .ejectionSkipped(let endpoint, _):
            return ("ejection_skipped", ["region": .string(region), "endpoint": .string(endpoint)])
        case .readmitted(let endpoint, _):
            return ("readmitted", ["region": .string(region), "endpoint": .string(endpoint)])
        }
    }
}

/// The monotonic clock the connectivity state machines are fed.
enum ConnectivityClock {
    private static let origin = ContinuousClock.now

    /// Milliseconds since the first use.
    static var now: ConnectivityInstant {
        let (s, atto) = (ContinuousClock.now - origin).components
        return ConnectivityInstant(milliseconds: s * 1000 + atto / 1_000_000_000_000_000)
    }

    /// Milliseconds from now until `deadline` (negative when passed).
    static func remainingMs(until deadline: ContinuousClock.Instant) -> Int64 {
        let (s, atto) = ContinuousClock.now.duration(to: deadline).components
        return s * 1000 + atto / 1_000_000_000_000_000
    }
}
