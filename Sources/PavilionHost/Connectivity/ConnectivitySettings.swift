import PavilionManifest
import PavilionNet

/// One connector's connectivity settings: `spec.connection` (and
/// `spec.health`) mapped onto the PavilionNet state machines'
/// configurations. Defaults are documented in docs/connectivity.md.
public struct ConnectivitySettings: Sendable, Hashable {
    /// Per-endpoint circuit breaker.
    public var breaker: CircuitBreaker.Configuration
    /// Per-region passive outlier ejection.
    public var outlier: OutlierDetector.Configuration
    /// Per-region endpoint choice (P2C least outstanding by default).
    public var selector: EndpointSelector.Configuration
    /// Per-connector retry budget and backoff.
    public var retry: RetryBudget.Configuration
    /// Hedging (off by default).
    public var hedge: HedgePolicy.Configuration
    /// Region failover and the exhausted outcome.
    public var router: RegionRouter.Configuration
    /// Most connections (exchanges in flight) per endpoint; more wait in a queue.
    public var maxConnections: Int
    /// Idle keep-alive connections kept per endpoint.
    public var maxIdle: Int
    /// Connections opened ahead of traffic per endpoint.
    public var minIdle: Int
    /// Idle keep-alive timeout.
    public var idleTimeoutMs: Int
    /// Connection lifetime.
    public var maxLifetimeMs: Int
    /// TCP connect plus TLS handshake (`timeouts.connect_ms`).
    public var connectTimeoutMs: Int
    /// `spec.health`, when the connector offers a probe.
    public var health: Manifest.Health?

    /// The settings for `manifest`.
    /// - Parameter manifest: the connector's manifest.
    public init(manifest: Manifest) {
        let c = manifest.connection
        breaker = CircuitBreaker.Configuration(consecutiveFailures: c.breakerConsecutiveFailures, failureRate: c.breakerFailureRate,
                                               window: c.breakerWindow, minimumCalls: c.breakerMinimumCalls,
                                               openMs: Int64(c.breakerOpenMs), halfOpenProbes: c.breakerHalfOpenProbes)
        outlier = OutlierDetector.Configuration(consecutiveErrors: c.outlierConsecutiveErrors,
                                                baseEjectionMs: Int64(c.outlierBaseEjectionMs),
                                                maxEjectionMs: Int64(c.outlierMaxEjectionMs),
                                                maxEjectedPercent: c.outlierMaxEjectedPercent)
        selector = EndpointSelector.Configuration(strategy: c.loadBalancing == "latency_ewma" ? .latencyEWMA : .leastOutstanding)
        retry = RetryBudget.Configuration(ratio: c.retryBudgetRatio, maxAttempts: c.maxAttempts, backoffMs: Int64(c.backoffMs))
        hedge = HedgePolicy.Configuration(enabled: c.hedging)
        router = RegionRouter.Configuration(whenExhausted: c.onUnavailable == "cannot_attest"
                                                ? .cannotAttest : .unavailable(retryAfterSeconds: c.retryAfterSeconds))
        maxConnections = c.maxConnections
        maxIdle = c.maxIdle
        minIdle = c.minIdle
        idleTimeoutMs = c.idleTimeoutMs
        maxLifetimeMs = c.maxLifetimeMs
        connectTimeoutMs = c.connectTimeoutMs
        health = manifest.health
    }
}
