import PavilionCore
import PavilionManifest
import PavilionPlugins
import PavilionStore

/// Everything the transport needs to carry one connector request.
public struct TransportContext: Sendable {
    /// The connector's manifest name.
    public var connector: String
    /// The region chosen by policy.
    public var region: Manifest.Region
    /// The base URL to send to (the region's first endpoint or its override).
    public var baseURL: EndpointURL
    /// When this request must be answered: the manifest's `request_ms` (or
    /// the plugin's own timeout), bounded by the verification's deadline.
    public var deadline: ContinuousClock.Instant
    /// The host's request id, sent as `x-request-id`.
    public var requestID: String
    /// The trace context, sent as `traceparent`.
    public var trace: TraceContext
    /// The verification's routing across its allowed regions, when the
    /// transport made one (``ExchangeTransport/routingSession(for:allowed:jurisdiction:overrides:)``);
    /// then it, not `region`/`baseURL`, decides where each request goes.
    public var routing: RoutingSession?
    /// The verification's own deadline: retries and failovers may go on
    /// until it, each attempt bounded like the first (`deadline` − start).
    public var budgetDeadline: ContinuousClock.Instant?

    /// - Parameters: the fields above.
    public init(connector: String, region: Manifest.Region, baseURL: EndpointURL, deadline: ContinuousClock.Instant,
                requestID: String, trace: TraceContext, routing: RoutingSession? = nil,
                budgetDeadline: ContinuousClock.Instant? = nil) {
        self.routing = routing
        self.budgetDeadline = budgetDeadline
        self.connector = connector
        self.region = region
        self.baseURL = baseURL
        self.deadline = deadline
        self.requestID = requestID
        self.trace = trace
    }
}

/// Why the transport could not get a response. Equal by code.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes.
    public enum Code: String, Sendable, Hashable {
        /// The deadline passed (connect, TLS or response).
        case timeout
        /// Nothing answered: refused, reset, unresolvable.
        case unreachable
        /// Something answered, but not valid HTTP (or TLS failed).
        case badResponse = "bad_response"
        /// The response exceeded the size cap.
        case responseTooLarge = "response_too_large"
        /// The transport is shutting down.
        case shutdown
    }

    /// The code.
    public var code: Code
    /// Details for the log (never sent to the relying party).
    public var reason: String
    /// False when the request certainly never reached the data provider
    /// (connection refused, no route): safe to send elsewhere even when not idempotent.
    public var requestMayHaveBeenSent: Bool

    /// - Parameters: the fields above.
    public init(_ code: Code, _ reason: String, requestMayHaveBeenSent: Bool = true) {
        self.code = code
        self.reason = reason
        self.requestMayHaveBeenSent = requestMayHaveBeenSent
    }

    public var description: String { "\(code.rawValue): \(reason)" }
    public static func == (a: TransportError, b: TransportError) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

/// The seam between the pipeline and the network: carry one request a
/// connector asked for to its data provider. Pooling, breakers and region
/// failover (the connectivity work) live behind it.
public protocol ExchangeTransport: Sendable {
    /// Send `request` and wait for the whole response.
    /// - Parameters:
    ///   - request: what the plugin asked for (path relative to the base URL).
    ///   - context: where and by when.
    /// - Returns: the response.
    /// - Throws: ``TransportError``.
    func send(_ request: HTTPRequest, context: TransportContext) async throws(TransportError) -> HTTPResponse

    /// A routing session for one verification over the regions policy
    /// allowed (best first), or `nil` when the transport sends every request
    /// to `TransportContext.baseURL`.
    /// - Parameters:
    ///   - manifest: the connector's manifest.
    ///   - allowed: the regions residency allows, in policy order.
    ///   - jurisdiction: the subject's residency zone (named when every region fails).
    ///   - overrides: region → base URL replacing the manifest's endpoints.
    ///   - tenant: the verification's tenant (its client certificate for the
    ///     connector, if configured, is used); `nil` for none.
    /// - Returns: the session, or `nil`.
    func routingSession(for manifest: Manifest, allowed: [Manifest.Region], jurisdiction: ResidencyZone,
                        overrides: [String: EndpointURL], tenant: TenantID?) -> RoutingSession?
}

extension ExchangeTransport {
    /// No routing: every request goes to `TransportContext.baseURL`.
    public func routingSession(for manifest: Manifest, allowed: [Manifest.Region], jurisdiction: ResidencyZone,
                               overrides: [String: EndpointURL], tenant: TenantID?) -> RoutingSession? { nil }

    /// A routing session without a tenant (no per-tenant client certificate).
    public func routingSession(for manifest: Manifest, allowed: [Manifest.Region], jurisdiction: ResidencyZone,
                               overrides: [String: EndpointURL]) -> RoutingSession? {
        routingSession(for: manifest, allowed: allowed, jurisdiction: jurisdiction, overrides: overrides, tenant: nil)
    }
}
