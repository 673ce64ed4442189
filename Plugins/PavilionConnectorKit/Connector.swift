/// A data-provider connector written in Swift.
///
/// Conform a type to this protocol and export it with one line; the kit
/// implements the C ABI of `connector.h` around it:
///
/// ```swift
/// @_cdecl("pv_connector_entry")
/// public func pv_connector_entry(_ abi: UInt32, _ host: OpaquePointer?) -> OpaquePointer? {
///     exportConnector(MyConnector.self, abi, host)
/// }
/// ```
///
/// The kit parses and checks every query before ``makeExchange(query:context:)``
/// sees it (unknown claims are refused as `unsupported`), refuses results
/// holding claims the query did not ask for, and turns every thrown
/// ``ConnectorError`` into a status code and message.
public protocol Connector: Sendable {
    /// The exchange state machine this connector runs per query.
    associatedtype Exchange: ConnectorExchange

    /// Name, version, claims and formats; must agree with the manifest.
    static var description: ConnectorDescription { get }

    /// Create an instance from the manifest's `spec.settings` (`pv_create_fn`).
    /// - Parameters:
    ///   - settings: the settings object (empty when the manifest has none).
    ///   - host: the host's services, valid for the instance's life.
    /// - Throws: ``ConnectorError`` `invalidInput` for unusable settings.
    init(settings: [String: ConnectorJSON], host: ConnectorHost) throws(ConnectorError)

    /// Build the state machine for one query (`pv_exchange_begin_fn`).
    /// - Parameters:
    ///   - query: the checked query.
    ///   - context: tenant-scoped services for this exchange (secrets).
    /// - Returns: the exchange, not yet started.
    /// - Throws: ``ConnectorError`` `invalidInput` for a missing subject attribute.
    func makeExchange(query: ConnectorQuery, context: ExchangeContext) throws(ConnectorError) -> Exchange

    /// Build a health probe (`pv_health_begin_fn`) whose result is
    /// `["healthy": .bool(…)]`. Only called when the description says
    /// `hasHealthProbe`; the default returns `nil` (refused as `unsupported`).
    /// - Parameter context: services for this exchange.
    /// - Returns: the probe or `nil`.
    func makeHealthProbe(context: ExchangeContext) throws(ConnectorError) -> Exchange?
}

extension Connector {
    /// No health probe.
    public func makeHealthProbe(context: ExchangeContext) throws(ConnectorError) -> Exchange? { nil }
}

/// One query's conversation with the DP, as a state machine: each event
/// returns the next action (a request to perform, a PSI query for the host
/// to run, or the result).
///
/// The kit calls ``start()`` once, then ``receive(_:)`` once per request or
/// PSI query it returned, never concurrently, until a result or a thrown error.
public protocol ConnectorExchange {
    /// The first action.
    /// - Returns: a request, or a result when no DP call is needed.
    /// - Throws: ``ConnectorError``.
    mutating func start() throws(ConnectorError) -> ConnectorStep

    /// The next action after the response to the last request (or the
    /// host's synthetic answer to the last PSI query; read it with ``PSIAnswer``).
    /// - Parameter response: the DP's answer.
    /// - Returns: another request or the result.
    /// - Throws: ``ConnectorError`` (`badResponse`, `upstream`, `notFound`, …).
    mutating func receive(_ response: HTTPResponse) throws(ConnectorError) -> ConnectorStep
}
