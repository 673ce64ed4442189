import PavilionCore
import PavilionCrypto
import PavilionManifest
import PavilionNet
import PavilionPlugins
import PavilionStore
import Synchronization

/// The host's transport to data providers (docs/connectivity.md): per
/// endpoint connection limits with a deadline-bounded wait queue, keep-alive
/// pools with the manifest's idle/lifetime limits and pre-warming, P2C
/// load balancing, circuit breakers, outlier ejection, budgeted jittered
/// retries for idempotent requests, hedging (optional), failover across the
/// regions residency allows — and never beyond them — and active health
/// checks that readmit endpoints.
public final class ConnectivityTransport: ExchangeTransport {
    /// The client carrying every exchange.
    public let client: HTTPClient
    /// The connection audit log.
    public let events: ConnectivityEventLog
    /// Open-connection counts per endpoint.
    public let tracker: ConnectionTracker
    private let direct: HTTPExchangeTransport
    private let metrics: Metrics?
    private let connectors = Mutex<[StateKey: ConnectorConnectivity]>([:])
    private let tenantCertificates = Mutex<[String: [String: TenantClientCertificate]]>([:])

    /// Whose state: a connector's shared one, or a tenant's own when that
    /// tenant presents its own client certificate to the connector.
    private struct StateKey: Hashable {
        var connector: String
        var tenant: String?
    }
    private let group: EventLoopGroup?
    private let baseConfiguration: HTTPClientConfiguration?
    private let tlsClients = Mutex<[ConnectorTLS: Result<HTTPClient, TransportError>]>([:])

    /// A connector's own TLS settings (`spec.connection.tls`).
    private struct ConnectorTLS: Hashable {
        var caFile: String?
        var pins: [String]
        var minimum: TLSVersion
        var certificate: String?
        var key: String?

        /// The manifest's settings, with `tenant`'s client certificate (if any) replacing the manifest's.
        init(_ c: Manifest.Connection, tenant: TenantClientCertificate? = nil) {
            caFile = c.tlsCAFile
            pins = c.tlsSPKIPins.sorted()
            minimum = c.tlsMinVersion == "1.3" ? .tls13 : .tls12
            certificate = tenant?.certificate ?? c.tlsClientCertificate
            key = tenant?.privateKey ?? c.tlsClientKey
        }

        var isDefault: Bool { caFile == nil && pins.isEmpty && minimum == .tls12 && certificate == nil }
    }
    private let healthTask = Mutex<Task<Void, Never>?>(nil)

    /// - Parameters:
    ///   - client: the DP client; create it with `tracker.observer` as its `connectionEvents`.
    ///   - events: the connection audit log.
    ///   - tracker: the client's connection observer.
    ///   - metrics: where connectivity metrics go (`nil`: none).
    ///   - group: with `configuration`, lets the transport make a dedicated
    ///     client for a connector whose manifest sets `tls.ca_file`,
    ///     `tls.spki_pins` or `tls.min_version: "1.3"`; without them such a
    ///     connector's requests fail (its TLS settings are never ignored).
    ///   - configuration: `client`'s configuration, the base of those clients.
    public init(client: HTTPClient, events: ConnectivityEventLog, tracker: ConnectionTracker, metrics: Metrics? = nil,
                group: EventLoopGroup? = nil, configuration: HTTPClientConfiguration? = nil) {
        self.group = group
        baseConfiguration = configuration
        self.client = client
        self.events = events
        self.tracker = tracker
        self.metrics = metrics
        direct = HTTPExchangeTransport(client: client)
        if let metrics { registerMetrics(metrics) }
    }

    // MARK: Connector state

    /// Set the client certificates tenants present to data providers
    /// (`connectivity.client_certificates`). Per-tenant states made with the
    /// previous set are dropped, so the next verification builds new ones.
    /// - Parameter certificates: tenant → connector → files.
    public func setClientCertificates(_ certificates: [String: [String: TenantClientCertificate]]) {
        let changed = tenantCertificates.withLock { current -> Bool in
            defer { current = certificates }
            return current != certificates
        }
        if changed { connectors.withLock { all in all = all.filter { $0.key.tenant == nil } } }
    }

    /// The shared state of `manifest`'s connector, rebuilt when its regions,
    /// endpoints or connection settings changed (a reload). When `tenant`
    /// has its own client certificate for the connector, the tenant's own
    /// state instead: its own client (pools) and breakers, so connections
    /// made with one tenant's identity never carry another tenant's requests.
    /// - Parameters:
    ///   - manifest: the connector's manifest.
    ///   - overrides: region → base URL replacing the manifest's endpoints.
    ///   - tenant: the verification's tenant; `nil` for the shared state.
    /// - Returns: the state.
    public func connectivity(for manifest: Manifest, overrides: [String: EndpointURL] = [:],
                             tenant: TenantID? = nil) -> ConnectorConnectivity {
        let certificate = tenant.flatMap { t in tenantCertificates.withLock { $0[t.rawValue]?[manifest.name] } }
        let stateKey = StateKey(connector: manifest.name, tenant: certificate == nil ? nil : tenant?.rawValue)
        let key = ConnectorConnectivity.Key(connection: manifest.connection, health: manifest.health, regions: manifest.regions,
                                            overrides: overrides)
        if let existing = connectors.withLock({ $0[stateKey] }), existing.key == key { return existing }
        let fresh = ConnectorConnectivity(manifest: manifest, overrides: overrides,
                                          client: client(for: manifest, certificate: certificate, tenant: stateKey.tenant),
                                          events: events, metrics: metrics)
        let (chosen, created) = connectors.withLock { all -> (ConnectorConnectivity, Bool) in
            if let existing = all[stateKey], existing.key == key { return (existing, false) }
            all[stateKey] = fresh
            return (fresh, true)
        }
        if created { configurePools(chosen) }
        return chosen
    }

    /// The shared states of every connector used so far, by name (per-tenant
    /// states are in ``snapshot`` only).
    public var connectorStates: [ConnectorConnectivity] {
        connectors.withLock { all in all.filter { $0.key.tenant == nil }.map(\.value) }.sorted { $0.name < $1.name }
    }

    /// The client for `manifest`'s connector: the shared one, or a dedicated
    /// one (made once per distinct TLS setting) when the manifest sets its
    /// own or the tenant presents its own certificate.
    private func client(for manifest: Manifest, certificate: TenantClientCertificate?,
                        tenant: String?) -> Result<HTTPClient, TransportError> {
        let tls = ConnectorTLS(manifest.connection, tenant: certificate)
        guard !tls.isDefault else { return .success(client) }
        let whose = tenant.map { "tenant '\($0)' client certificate for connector '\(manifest.name)'" }
            ?? "connector '\(manifest.name)' TLS settings"
        return tlsClients.withLock { clients in
            if let existing = clients[tls] { return existing }
            let made: Result<HTTPClient, TransportError>
            if let group, var configuration = baseConfiguration {
                var t = TLSConfiguration.client(trustRoots: tls.caFile.map { .caFile($0) } ?? configuration.tls.trustRoots,
                                                certificateChainFile: tls.certificate ?? configuration.tls.certificateChainFile,
                                                privateKeyFile: tls.certificate != nil ? tls.key : configuration.tls.privateKeyFile)
                t.minimumVersion = tls.minimum
                configuration.tls = t
                configuration.spkiPins = Set(tls.pins)
                configuration.connectionEvents = tracker.observer
                do { made = .success(try HTTPClient(group: group, configuration: configuration)) } catch {
                    made = .failure(TransportError(.badResponse, "\(whose): \(error)", requestMayHaveBeenSent: false))
                }
            } else {
                made = .failure(TransportError(.badResponse, "\(whose) need a dedicated client but this transport cannot make clients",
                                               requestMayHaveBeenSent: false))
            }
            clients[tls] = made
            return made
        }
    }

    /// Close the idle connections of the dedicated clients and stop the health checks.
    public func shutdown() {
        stopHealthChecks()
        for case .success(let dedicated) in tlsClients.withLock({ Array($0.values) }) { dedicated.shutdown() }
    }

    private func configurePools(_ c: ConnectorConnectivity) {
        guard case .success(let client) = c.client else { return }
        let s = c.settings
        let limits = EndpointPoolLimits(maxIdle: s.maxIdle, idleTimeout: .milliseconds(s.idleTimeoutMs),
                                        maxLifetime: .milliseconds(s.maxLifetimeMs), connectTimeout: .milliseconds(s.connectTimeoutMs))
        for (region, url) in c.allEndpoints {
            client.setLimits(limits, for: url.endpoint)
            tracker.label(endpoint: url.endpoint.description, connector: c.name, region: region)
        }
        guard s.minIdle > 0 else { return }
        let endpoints = c.allEndpoints.map(\.url.endpoint)
        Task {
            for endpoint in endpoints {
                let missing = s.minIdle - client.idleConnections(to: endpoint)
                _ = await client.prewarm(endpoint, count: missing, deadline: .now + .seconds(5))
            }
        }
    }

    // MARK: ExchangeTransport

    public func routingSession(for manifest: Manifest, allowed: [Manifest.Region], jurisdiction: ResidencyZone,
                               overrides: [String: EndpointURL], tenant: TenantID?) -> RoutingSession? {
        RoutingSession(connectivity: connectivity(for: manifest, overrides: overrides, tenant: tenant), allowed: allowed.map(\.name),
                       jurisdiction: jurisdiction)
    }

    public func send(_ request: HTTPRequest, context: TransportContext) async throws(TransportError) -> HTTPResponse {
        guard let session = context.routing else { return try await direct.send(request, context: context) }
        let c = session.connectivity
        c.requestStarted()
        // Each attempt gets the round's time; retries and failovers go on until the verification's deadline.
        let attemptBudget = ContinuousClock.now.duration(to: context.deadline)
        let budgetDeadline = max(context.budgetDeadline ?? context.deadline, context.deadline)
        var attemptContext = context
        var action = session.begin()
        var lastError = TransportError(.unreachable, "no allowed region has a usable endpoint", requestMayHaveBeenSent: false)
        var lastResponse: HTTPResponse?
        var mayHaveBeenSent = false
        var previousRegion: String?
        while true {
            let region: RegionRouter.Region
            switch action {
            case .tryRegion(let next, let failover):
                region = next
                if failover { c.failedOver(from: previousRegion, to: next.name, reason: lastError.description) }
            case .exhausted(let outcome):
                let reason: String
                switch outcome {
                case .cannotAttest(let r): reason = r.description
                case .unavailable(_, let r): reason = r.description
                }
                c.exhausted(reason: reason)
                throw TransportError(lastError.code, "\(reason); last error: \(lastError.reason)",
                                     requestMayHaveBeenSent: mayHaveBeenSent)
            case .none:
                if let lastResponse { return lastResponse }
                throw lastError
            }
            previousRegion = region.name
            var tried: Set<String> = []
            var attempt = 1
            attempts: while true {
                let allowRepeat = !session.hasNextRegion
                guard let pick = c.choose(region: region.name, avoid: tried, allowRepeat: allowRepeat) else {
                    if tried.isEmpty {
                        lastError = TransportError(.unreachable, "no endpoint of region \(region.name) is eligible (breaker open, ejected or marked down)",
                                                   requestMayHaveBeenSent: false)
                    }
                    break attempts
                }
                tried.insert(pick.key)
                attemptContext.deadline = min(ContinuousClock.now + attemptBudget, budgetDeadline)
                let result = await attemptOnce(request, pick: pick, connectivity: c, session: session, context: attemptContext)
                switch result {
                case .answered(let response, let endpoint) where response.status < 500:
                    session.answered(endpoint: endpoint)
                    return response
                case .answered(let response, _):
                    lastResponse = response
                    lastError = TransportError(.badResponse, "status \(response.status) from \(pick.key)")
                    mayHaveBeenSent = true
                case .failed(let error):
                    lastResponse = nil
                    lastError = error
                    mayHaveBeenSent = mayHaveBeenSent || error.requestMayHaveBeenSent
                case .poolExhausted(let error):
                    throw error
                }
                // Nothing else to try here and another region waits: fail over now, not after a backoff.
                if !allowRepeat, !c.hasEligible(region: region.name, avoiding: tried) { break attempts }
                let remaining = ConnectivityClock.remainingMs(until: budgetDeadline)
                guard remaining > 0 else {
                    if let lastResponse { return lastResponse }
                    throw TransportError(.timeout, "the request's deadline passed: \(lastError.reason)")
                }
                switch c.retryDecision(afterAttempt: attempt, idempotent: request.idempotent, remainingMs: remaining) {
                case .retry(let delayMs):
                    c.record("retry", ["region": .string(region.name), "endpoint": .string(pick.key),
                                       "attempt": .int(Int64(attempt + 1)), "delay_ms": .int(delayMs)])
                    if delayMs > 0 { try? await Task.sleep(for: .milliseconds(delayMs)) }
                    attempt += 1
                case .refuse:
                    break attempts
                }
            }
            // The region could not answer. Move on only when that cannot
            // duplicate a non-idempotent request the DP may have processed.
            guard session.canFailOver, request.idempotent || !mayHaveBeenSent,
                  ConnectivityClock.remainingMs(until: budgetDeadline) > 0 else {
                if let lastResponse { return lastResponse }
                throw lastError
            }
            action = session.regionFailed()
        }
    }

    private enum AttemptResult {
        /// A response, and the endpoint (base URL) that gave it.
        case answered(HTTPResponse, endpoint: String)
        case failed(TransportError)
        case poolExhausted(TransportError)
    }

    /// One attempt to one endpoint: wait for a connection slot, send,
    /// record the outcome. Hedges when the manifest asks and the plan says so.
    private func attemptOnce(_ request: HTTPRequest, pick: ConnectorConnectivity.Pick, connectivity c: ConnectorConnectivity,
                             session: RoutingSession, context: TransportContext) async -> AttemptResult {
        if c.settings.hedge.enabled, request.idempotent,
           case .hedgeAfter(let delayMs) = c.hedgePlan(idempotent: true, alternatives: (c.regions[pick.region]?.endpoints.count ?? 1) - 1) {
            return await hedged(request, primary: pick, delayMs: delayMs, connectivity: c, session: session, context: context)
        }
        return await single(request, pick: pick, connectivity: c, session: session, context: context)
    }

    private func single(_ request: HTTPRequest, pick: ConnectorConnectivity.Pick, connectivity c: ConnectorConnectivity,
                        session: RoutingSession, context: TransportContext) async -> AttemptResult {
        guard let gate = c.gates[pick.key] else {
            c.finish(pick, outcome: .ignored, latencyMs: 0)
            return .failed(TransportError(.unreachable, "unknown endpoint \(pick.key)", requestMayHaveBeenSent: false))
        }
        let client: HTTPClient
        switch c.client {
        case .success(let made): client = made
        case .failure(let problem):
            c.finish(pick, outcome: .ignored, latencyMs: 0)
            return .failed(problem)
        }
        do throws(EndpointGate.Refusal) { try await gate.acquire(deadline: context.deadline) } catch {
            c.finish(pick, outcome: .ignored, latencyMs: 0)
            session.poolExhausted(pick.key)
            metrics?.increment("pavilion_dp_pool_exhausted_total", [c.name, pick.key])
            c.record("pool_exhausted", ["region": .string(pick.region), "endpoint": .string(pick.key),
                                        "limit": .int(Int64(gate.limit)),
                                        "cause": .string(error == .queueFull ? "queue_full" : "deadline")])
            return .poolExhausted(TransportError(.timeout, "no free connection to \(pick.key) before the deadline"))
        }
        defer { gate.release() }
        session.attempting(endpoint: pick.url.description)
        let started = ContinuousClock.now
        var routed = context
        routed.baseURL = pick.url
        routed.region.name = pick.region
        let result: AttemptResult
        do {
            result = .answered(try await HTTPExchangeTransport(client: client).send(request, context: routed),
                               endpoint: pick.url.description)
        } catch {
            result = .failed(error)
        }
        let ms = VerificationPipeline.seconds(ContinuousClock.now - started) * 1000
        switch result {
        case .answered(let response, _):
            let outcome: ConnectorConnectivity.AttemptOutcome =
                response.status >= 500 ? .serverError : response.status >= 400 ? .clientError : .success
            c.finish(pick, outcome: outcome, latencyMs: ms, error: response.status >= 500 ? "status \(response.status)" : nil)
        case .failed(let error):
            c.finish(pick, outcome: error.code == .shutdown ? .ignored : .failed, latencyMs: ms, error: error.description)
        case .poolExhausted:
            break
        }
        return result
    }

    /// Send to `primary`; if it has not answered after `delayMs`, send the
    /// same idempotent request to another endpoint of the region too and
    /// take the first answer (the slower one still finishes and is recorded).
    private func hedged(_ request: HTTPRequest, primary: ConnectorConnectivity.Pick, delayMs: Int64,
                        connectivity c: ConnectorConnectivity, session: RoutingSession,
                        context: TransportContext) async -> AttemptResult {
        let stream = AsyncStream<AttemptResult>.makeStream()
        // The primary cannot be called back once sent; it finishes and is recorded either way.
        Task {
            stream.continuation.yield(await self.single(request, pick: primary, connectivity: c, session: session, context: context))
        }
        let second = Task {
            try? await Task.sleep(for: .milliseconds(delayMs))
            guard !Task.isCancelled,
                  let other = c.choose(region: primary.region, avoid: [primary.key], allowRepeat: false), other.key != primary.key else {
                stream.continuation.yield(.failed(TransportError(.unreachable, "no hedge sent", requestMayHaveBeenSent: false)))
                return
            }
            c.record("hedge", ["region": .string(primary.region), "endpoint": .string(other.key), "after_ms": .int(delayMs)])
            stream.continuation.yield(await self.single(request, pick: other, connectivity: c, session: session, context: context))
        }
        var firstFailure: AttemptResult?
        var seen = 0
        for await result in stream.stream {
            seen += 1
            if case .answered(let response, _) = result, response.status < 500 {
                second.cancel()
                return result
            }
            if firstFailure == nil { firstFailure = result }
            if seen == 2 { break }
        }
        return firstFailure ?? .failed(TransportError(.unreachable, "hedged request got no answer"))
    }

    // MARK: Health checks

    /// Start active health checks: for every serving connector that offers
    /// a probe (`spec.health`), run the probe exchange against each endpoint
    /// every `interval_ms` (±10 % jitter) with `timeout_ms`; an endpoint
    /// that passes is readmitted, one that fails is marked down. Serving
    /// connectors get their state (and pre-warmed connections) here, before
    /// their first verification.
    /// - Parameters:
    ///   - catalog: where the connector instances come from.
    ///   - overrides: the current endpoint overrides (connector → region → base URL).
    public func startHealthChecks(catalog: any ConnectorCatalog,
                                  overrides: @escaping @Sendable () -> [String: [String: EndpointURL]] = { [:] }) {
        let task = Task { [weak self] in
            var due: [String: ContinuousClock.Instant] = [:]
            var rng = SystemRandomNumberGenerator()
            while !Task.isCancelled {
                guard let self else { return }
                let now = ContinuousClock.now
                var soonest = now + .milliseconds(250)
                let current = overrides()
                let serving = catalog.servingConnectors().map {
                    self.connectivity(for: $0.plugin.manifest, overrides: current[$0.name] ?? [:])
                }
                // Forget connectors that stopped serving (removed or failed on reload).
                let names = Set(serving.map(\.name))
                self.connectors.withLock { all in all = all.filter { names.contains($0.key.connector) } }
                for c in serving {
                    guard let health = c.settings.health, let instance = catalog.connector(named: c.name),
                          instance.plugin.hasHealthProbe, case .success(let client) = c.client else { continue }
                    if let when = due[c.name], when > now {
                        soonest = min(soonest, when)
                        continue
                    }
                    let jitter = Double.random(in: 0.9...1.1, using: &rng)
                    due[c.name] = now + .milliseconds(Int(Double(health.intervalMs) * jitter))
                    await withTaskGroup(of: Void.self) { group in
                        for (region, url) in c.allEndpoints {
                            group.addTask {
                                let (healthy, detail) = await self.probe(instance, url: url, client: client,
                                                                         timeoutMs: health.timeoutMs)
                                c.healthChecked(url.description, region: region, healthy: healthy, detail: detail)
                            }
                        }
                    }
                }
                try? await Task.sleep(until: soonest, clock: .continuous)
            }
        }
        healthTask.withLock { old in
            old?.cancel()
            old = task
        }
    }

    /// Stop the health checks.
    public func stopHealthChecks() { healthTask.withLock { $0?.cancel() } }

    private func probe(_ instance: ConnectorInstance, url: EndpointURL, client: HTTPClient, timeoutMs: Int) async -> (Bool, String) {
        let exchange = instance.makeExchange()
        defer { exchange.end() }
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        let requestID = "health_" + (RandomHex.make(bytes: 6) ?? "probe")
        let region = Manifest.Region(name: "", residency: .eu, priority: 0, endpoints: [])
        do {
            var step = try exchange.beginHealth(tenant: "pavilion-health", requestID: requestID)
            var rounds = 0
            while case .request(let outgoing) = step {
                rounds += 1
                guard rounds <= VerificationPipeline.maxRounds else { return (false, "probe asked for too many requests") }
                let context = TransportContext(connector: instance.name, region: region, baseURL: url, deadline: deadline,
                                               requestID: requestID, trace: TraceContext.continuing(nil))
                let response: HTTPResponse
                do { response = try await HTTPExchangeTransport(client: client).send(outgoing, context: context) } catch {
                    return (false, error.description)
                }
                step = try exchange.step(response)
            }
            guard case .result(let result) = step, let healthy = result["healthy"]?.boolValue else {
                return (false, "probe gave no result")
            }
            return (healthy, healthy ? "healthy" : "probe reported unhealthy")
        } catch {
            return (false, "\(error)")
        }
    }

    // MARK: Metrics and state

    private func registerMetrics(_ metrics: Metrics) {
        let labels = ["connector", "region", "endpoint"]
        metrics.counter("pavilion_dp_requests_total", help: "DP attempts by endpoint and outcome.", labels: labels + ["outcome"])
        metrics.counter("pavilion_dp_retries_total", help: "Retries granted by the retry budget.", labels: ["connector"])
        metrics.counter("pavilion_dp_failovers_total", help: "Failovers to the next allowed region.", labels: ["connector", "from", "to"])
        metrics.counter("pavilion_dp_regions_exhausted_total", help: "Verifications for which no allowed region answered.",
                        labels: ["connector"])
        metrics.counter("pavilion_dp_ejections_total", help: "Outlier ejections.", labels: labels)
        metrics.counter("pavilion_dp_breaker_transitions_total", help: "Circuit-breaker transitions by target phase.",
                        labels: labels + ["to"])
        metrics.counter("pavilion_dp_pool_exhausted_total", help: "Requests refused because no connection freed before the deadline.",
                        labels: ["connector", "endpoint"])
        metrics.gauge("pavilion_dp_breaker_state", help: "1 for each endpoint's breaker phase.", labels: labels + ["state"]) {
            [weak self] in
            guard let self else { return [] }
            return self.samples { c, e in [([c.name, e.region, e.key, e.breaker.rawValue], 1)] }
        }
        metrics.gauge("pavilion_dp_endpoint_ejected", help: "1 when the endpoint is ejected by outlier detection.", labels: labels) {
            [weak self] in
            guard let self else { return [] }
            return self.samples { c, e in [([c.name, e.region, e.key], e.ejected ? 1 : 0)] }
        }
        metrics.gauge("pavilion_dp_endpoint_healthy", help: "0 when the last active health check failed.", labels: labels) {
            [weak self] in
            guard let self else { return [] }
            return self.samples { c, e in [([c.name, e.region, e.key], e.healthy ? 1 : 0)] }
        }
        metrics.gauge("pavilion_dp_pool_connections", help: "DP connections per endpoint by state (in_use, idle, waiting).",
                      labels: labels + ["state"]) { [weak self] in
            guard let self else { return [] }
            return self.samples { c, e in
                let endpoint = c.regions[e.region]?.endpoints.first { $0.description == e.key }?.endpoint
                let idle = endpoint.flatMap { e in (try? c.client.get()).map { $0.idleConnections(to: e) } } ?? 0
                return [([c.name, e.region, e.key, "in_use"], Double(e.inFlight)), ([c.name, e.region, e.key, "idle"], Double(idle)),
                        ([c.name, e.region, e.key, "waiting"], Double(e.waiting))]
            }
        }
    }

    private func samples(_ make: (ConnectorConnectivity, ConnectorConnectivity.EndpointState) -> [([String], Double)])
        -> [([String], Double)] {
        connectorStates.flatMap { c in c.endpointStates().flatMap { make(c, $0) } }
    }

    /// The state of every connector in use, as `GET /v1/admin/connectivity` answers it:
    /// connectors → regions → endpoints.
    public var snapshot: JSONValue {
        let states = connectors.withLock { all in all.map { ($0.key.tenant, $0.value) } }
            .sorted { ($0.1.name, $0.0 ?? "") < ($1.1.name, $1.0 ?? "") }
        return .object(["connectors": .array(states.map { connectorJSON($0.1, tenant: $0.0) })])
    }

    private func connectorJSON(_ c: ConnectorConnectivity, tenant: String?) -> JSONValue {
        let states = c.endpointStates()
        let latency = c.regionLatencyMs
        let totals = c.totals
        var regions: [JSONValue] = []
        for name in c.regionOrder {
            guard let region = c.regions[name] else { continue }
            let endpoints = states.filter { $0.region == name }.map { endpointJSON($0, region: region, client: try? c.client.get()) }
            let latencyValue: JSONValue = latency[name].map { .double(($0 * 10).rounded() / 10) } ?? .null
            regions.append(.object(["name": .string(name), "residency": .string(region.residency.rawValue),
                                    "priority": .int(Int64(region.priority)), "latency_ms": latencyValue,
                                    "endpoints": .array(endpoints)]))
        }
        var members: [String: JSONValue] = [
            "name": .string(c.name), "load_balancing": .string(c.settings.selector.strategy.rawValue),
            "retries": .int(Int64(totals.retries)), "failovers": .int(Int64(totals.failovers)),
            "exhausted": .int(Int64(totals.exhausted)), "regions": .array(regions),
        ]
        // A tenant's own state (its client certificate): its own pools and breakers.
        if let tenant { members["tenant"] = .string(tenant) }
        return .object(members)
    }

    private func endpointJSON(_ e: ConnectorConnectivity.EndpointState, region: ConnectorConnectivity.Region,
                              client: HTTPClient?) -> JSONValue {
        let endpoint = region.endpoints.first { $0.description == e.key }?.endpoint
        let conns = endpoint.map { tracker.connections(to: $0.description) } ?? (open: 0, opened: 0)
        let idle = endpoint.flatMap { e in client.map { $0.idleConnections(to: e) } } ?? 0
        let state: String
        if e.ejected {
            state = "ejected"
        } else if !e.healthy {
            state = "down"
        } else {
            state = e.breaker == .closed ? "up" : "breaker_\(e.breaker.rawValue)"
        }
        var members: [String: JSONValue] = [
            "url": .string(e.key), "breaker": .string(e.breaker.rawValue), "ejected": .bool(e.ejected),
            "healthy": .bool(e.healthy), "state": .string(state),
        ]
        members["in_flight"] = .int(Int64(e.inFlight))
        members["waiting"] = .int(Int64(e.waiting))
        members["peak_in_flight"] = .int(Int64(e.peakInFlight))
        members["idle"] = .int(Int64(idle))
        members["open"] = .int(Int64(conns.open))
        members["opened"] = .int(Int64(conns.opened))
        members["requests"] = .int(Int64(e.counters.requests))
        members["failures"] = .int(Int64(e.counters.failures))
        members["ejections"] = .int(Int64(e.counters.ejections))
        members["pool_exhausted"] = .int(Int64(e.poolExhausted))
        members["last_error"] = e.counters.lastError.map(JSONValue.string) ?? .null
        return .object(members)
    }
}
