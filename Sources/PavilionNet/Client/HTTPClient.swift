import Foundation
import PavilionCrypto
import Synchronization

/// An HTTP/1.1 client on an `EventLoopGroup`: the transport that carries
/// connector exchanges to data providers.
///
/// Keeps idle keep-alive connections per endpoint and reuses them; a request
/// that fails on a reused connection before any response byte arrived is
/// retried once on a fresh connection when its method is idempotent.
public final class HTTPClient: Sendable {
    let core: ClientCore
    private let group: EventLoopGroup

    /// - Parameters:
    ///   - group: the loops connections run on.
    ///   - configuration: TLS, timeouts and limits.
    /// - Throws: `HTTPClientError` with code `.tls` when the TLS configuration cannot be loaded.
    public init(group: EventLoopGroup, configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws(HTTPClientError) {
        var tlsConfiguration = configuration.tls
        tlsConfiguration.role = .client
        let context: TLSContext
        do { context = try TLSContext(configuration: tlsConfiguration) } catch {
            throw HTTPClientError(.tls, error.description)
        }
        core = ClientCore(configuration: configuration, tlsContext: context)
        self.group = group
    }

    /// The client's counters (connections opened and reused, exchanges, bytes).
    public var counters: NetCountersSnapshot { core.counters.snapshot }

    /// Send `request` to `endpoint` and wait for the whole response.
    /// - Parameters:
    ///   - request: method, target, headers, body.
    ///   - endpoint: scheme, host, port.
    ///   - deadline: when the whole exchange (connect, TLS, request, response) must be done.
    /// - Returns: the response.
    /// - Throws: `HTTPClientError`: `.connectRefused`, `.timeout`, `.tls`, `.protocolError`,
    ///   `.responseTooLarge`, `.connectionReset`, `.system`, `.invalidRequest`, `.shutdown`.
    public func send(_ request: HTTPClientRequest, to endpoint: Endpoint,
                     deadline: ContinuousClock.Instant) async throws(HTTPClientError) -> HTTPClientResponse {
        let bytes = try HTTPClient.serialize(request, endpoint: endpoint)
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { throw HTTPClientError(.timeout, "deadline already passed") }
        let due = Sys.now() &+ remaining.nanoseconds
        let isHead = request.method == "HEAD"
        let idempotent = HTTPClient.idempotentMethods.contains(request.method)
        // On one of this client's loops (a server handler, say) the exchange
        // runs on that loop: a pooled connection of its own or a new one,
        // started inline, its completion resuming the caller in the same
        // loop iteration. Elsewhere any pooled connection will do, reached
        // through its loop's queue.
        let current = EventLoop.current.flatMap { loop in group.loops.contains { $0 === loop } ? loop : nil }
        for _ in 0..<3 {
            let result: Result<HTTPClientResponse, HTTPClientError>
            if let pooled = core.pool.checkout(endpoint, on: current) {
                result = await withCheckedContinuation { continuation in
                    let start = { @Sendable in
                        pooled.reuse(request: bytes, isHead: isHead, idempotent: idempotent, deadline: due) {
                            continuation.resume(returning: $0)
                        }
                    }
                    if pooled.loop.inLoop { start() } else { pooled.loop.execute(start) }
                }
            } else {
                let addresses: [SocketAddress]
                let host = core.addressOverrides[endpoint.host] ?? endpoint.host
                do { addresses = try Sys.resolve(host: host, port: endpoint.port) } catch {
                    throw HTTPClientError(.system, error.description)
                }
                guard let address = addresses.first else { throw HTTPClientError(.system, "\(endpoint.host) has no address") }
                let connection = ClientConnection(endpoint: endpoint, loop: current ?? group.next(), core: core)
                result = await withCheckedContinuation { continuation in
                    let start = { @Sendable in
                        connection.connect(to: address, request: bytes, isHead: isHead, idempotent: idempotent,
                                           deadline: due) { continuation.resume(returning: $0) }
                    }
                    if connection.loop.inLoop { start() } else { connection.loop.execute(start) }
                }
            }
            switch result {
            case .success(let response): return response
            case .failure(let error) where error.retryable: continue
            case .failure(let error): throw error
            }
        }
        throw HTTPClientError(.connectionReset, "pooled connections to \(endpoint) kept failing")
    }

    /// Set pool limits for one endpoint (idle count on each loop, idle
    /// timeout, lifetime); others keep the configuration's.
    /// - Parameters:
    ///   - limits: the limits.
    ///   - endpoint: the endpoint they apply to.
    public func setLimits(_ limits: EndpointPoolLimits, for endpoint: Endpoint) {
        core.pool.setLimits(limits, for: endpoint)
    }

    /// Idle keep-alive connections to `endpoint`, over all loops.
    /// - Parameter endpoint: the endpoint.
    /// - Returns: the count.
    public func idleConnections(to endpoint: Endpoint) -> Int { core.pool.idleCount(endpoint) }

    /// Open up to `count` connections to `endpoint` that go straight into
    /// the idle pool (connect and TLS handshake only), spread over the loops.
    /// - Parameters:
    ///   - endpoint: where to connect.
    ///   - count: how many to open.
    ///   - deadline: when connecting must be done.
    /// - Returns: how many connections reached the pool's idle list.
    public func prewarm(_ endpoint: Endpoint, count: Int, deadline: ContinuousClock.Instant) async -> Int {
        guard count > 0 else { return 0 }
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return 0 }
        let due = Sys.now() &+ remaining.nanoseconds
        let address: SocketAddress
        do {
            let host = core.addressOverrides[endpoint.host] ?? endpoint.host
            guard let first = try Sys.resolve(host: host, port: endpoint.port).first else { return 0 }
            address = first
        } catch {
            return 0
        }
        return await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<count {
                group.addTask { [core, self] in
                    let connection = ClientConnection(endpoint: endpoint, loop: self.group.next(), core: core)
                    let result: Result<HTTPClientResponse, HTTPClientError> = await withCheckedContinuation { continuation in
                        connection.loop.execute {
                            connection.connect(to: address, request: [], isHead: false, idempotent: true, deadline: due,
                                               warm: true) { continuation.resume(returning: $0) }
                        }
                    }
                    if case .success = result { return true }
                    return false
                }
            }
            var opened = 0
            for await ok in group where ok { opened += 1 }
            return opened
        }
    }

    /// Close every idle connection; exchanges in flight finish.
    public func shutdown() {
        for connection in core.pool.drainAll() {
            connection.loop.execute { connection.close(reason: "shutdown") }
        }
    }

    private static let idempotentMethods: Set<String> = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"]

    static func serialize(_ request: HTTPClientRequest, endpoint: Endpoint) throws(HTTPClientError) -> [UInt8] {
        guard !request.method.isEmpty, request.method.utf8.allSatisfy(HTTPSyntax.isTokenChar) else {
            throw HTTPClientError(.invalidRequest, "method is not a token")
        }
        guard request.target.hasPrefix("/") || request.target == "*",
              request.target.utf8.allSatisfy(HTTPSyntax.isVisible) else {
            throw HTTPClientError(.invalidRequest, "target must be origin-form without spaces or controls")
        }
        let defaultPort = endpoint.scheme == .https ? 443 : 80
        var bytes: [UInt8] = []
        bytes.reserveCapacity(96 + request.target.utf8.count + request.headers.count * 64 + request.body.count)
        bytes.append(contentsOf: request.method.utf8)
        bytes.append(HTTPSyntax.sp)
        bytes.append(contentsOf: request.target.utf8)
        bytes.append(contentsOf: " HTTP/1.1\r\nhost: ".utf8)
        if endpoint.host.utf8.contains(UInt8(ascii: ":")) {
            bytes.append(UInt8(ascii: "["))
            bytes.append(contentsOf: endpoint.host.utf8)
            bytes.append(UInt8(ascii: "]"))
        } else {
            bytes.append(contentsOf: endpoint.host.utf8)
        }
        if endpoint.port != defaultPort {
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: String(endpoint.port).utf8)
        }
        bytes.append(contentsOf: HTTPSyntax.crlfBytes)
        for field in request.headers {
            if HTTPSyntax.isFramingField(field.name) || HTTPHeaders.equalsIgnoringCase(field.name, "host") { continue }
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(HTTPSyntax.isTokenChar),
                  field.value.utf8.allSatisfy(HTTPSyntax.isFieldValueChar) else {
                throw HTTPClientError(.invalidRequest, "invalid header field `\(field.name)`")
            }
            HTTPSyntax.appendField(field.name, field.value, to: &bytes)
        }
        if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" || request.method == "PATCH" {
            HTTPSyntax.appendField("content-length", String(request.body.count), to: &bytes)
        }
        bytes.append(contentsOf: HTTPSyntax.crlfBytes)
        bytes.append(contentsOf: request.body)
        return bytes
    }
}

/// What every connection of a client shares.
final class ClientCore: Sendable {
    let tlsContext: TLSContext?
    let pool: any ConnectionPool
    let counters = NetCounters()
    let connectTimeout: UInt64
    let idleTimeout: UInt64
    let maxResponseBytes: Int
    let addressOverrides: [String: String]
    let connectionEvents: (@Sendable (ClientConnectionEvent) -> Void)?
    let spkiPins: Set<String>
    private let connectionIDs = Atomic<UInt64>(0)

    private let sessions = Mutex<[Endpoint: TLSResumableSession]>([:])

    func nextConnectionID() -> UInt64 { connectionIDs.add(1, ordering: .relaxed).newValue }

    /// The latest resumable TLS session with `endpoint`, offered by its next new connection.
    func resumableSession(for endpoint: Endpoint) -> TLSResumableSession? { sessions.withLock { $0[endpoint] } }

    /// Keep `session` for `endpoint`'s next connections.
    func save(_ session: TLSResumableSession, for endpoint: Endpoint) { sessions.withLock { $0[endpoint] = session } }

    init(configuration: HTTPClientConfiguration, tlsContext: TLSContext?) {
        connectionEvents = configuration.connectionEvents
        spkiPins = configuration.spkiPins
        self.tlsContext = tlsContext
        addressOverrides = configuration.addressOverrides
        pool = IdleConnectionPool(maxIdlePerEndpoint: configuration.maxIdlePerEndpoint)
        connectTimeout = configuration.connectTimeout.nanoseconds
        idleTimeout = configuration.idleTimeout.nanoseconds
        maxResponseBytes = configuration.maxResponseBytes
    }
}
