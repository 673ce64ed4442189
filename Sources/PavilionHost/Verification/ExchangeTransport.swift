import PavilionManifest
import PavilionPlugins

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

    /// - Parameters: the fields above.
    public init(connector: String, region: Manifest.Region, baseURL: EndpointURL, deadline: ContinuousClock.Instant,
                requestID: String, trace: TraceContext) {
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

    /// - Parameters: the fields above.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
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
}
