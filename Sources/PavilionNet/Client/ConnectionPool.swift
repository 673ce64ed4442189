import Foundation

/// The seam between the client and connection reuse. The keep-alive idle
/// list below is the first implementation; pooling with limits, circuit
/// breakers and region failover (the connectivity issue) replaces it here.
protocol ConnectionPool: Sendable {
    /// An idle connection to `endpoint`, removed from the pool, or nil. With
    /// `loop`, only a connection on that loop (so the exchange stays on the
    /// caller's thread); without, one on any loop.
    func checkout(_ endpoint: Endpoint, on loop: EventLoop?) -> ClientConnection?
    /// Offer an idle connection back; false when the pool does not keep it (close it).
    func checkin(_ connection: ClientConnection) -> Bool
    /// Forget a connection (it closed while idle).
    func remove(_ connection: ClientConnection)
    /// Take every idle connection out (to close them).
    func drainAll() -> [ClientConnection]
    /// Set `endpoint`'s own limits (idle count on each loop, idle timeout, lifetime).
    func setLimits(_ limits: EndpointPoolLimits, for endpoint: Endpoint)
    /// `endpoint`'s own limits, if set.
    func limits(for endpoint: Endpoint) -> EndpointPoolLimits?
    /// Idle connections to `endpoint` over all loops.
    func idleCount(_ endpoint: Endpoint) -> Int
}

/// Lists of idle keep-alive connections per endpoint and event loop, most
/// recent last. Each list keeps at most `maxIdlePerEndpoint` connections.
final class IdleConnectionPool: ConnectionPool, @unchecked Sendable {
    // @unchecked: `idle` and `closed` are only touched under `lock`.
    private struct Key: Hashable {
        var endpoint: Endpoint
        var loop: ObjectIdentifier
    }

    private let lock = NSLock()
    private var idle: [Key: [ClientConnection]] = [:]
    private let maxIdlePerEndpoint: Int
    private var closed = false
    private var endpointLimits: [Endpoint: EndpointPoolLimits] = [:]
    private var idlePerEndpoint: [Endpoint: Int] = [:]

    init(maxIdlePerEndpoint: Int) { self.maxIdlePerEndpoint = maxIdlePerEndpoint }

    func checkout(_ endpoint: Endpoint, on loop: EventLoop?) -> ClientConnection? {
        lock.withLock {
            let connection: ClientConnection?
            if let loop {
                connection = idle[Key(endpoint: endpoint, loop: ObjectIdentifier(loop))]?.popLast()
            } else if let key = idle.first(where: { $0.key.endpoint == endpoint && !$0.value.isEmpty })?.key {
                connection = idle[key]?.popLast()
            } else {
                connection = nil
            }
            if connection != nil { idlePerEndpoint[endpoint, default: 1] -= 1 }
            return connection
        }
    }

    func checkin(_ connection: ClientConnection) -> Bool {
        let key = Key(endpoint: connection.endpoint, loop: ObjectIdentifier(connection.loop))
        return lock.withLock {
            guard !closed else { return false }
            var list = idle.removeValue(forKey: key) ?? []
            // The endpoint's idle limit holds per event loop: a loop can use
            // only its own connections, so a global cap let one loop's idle
            // connections crowd out another's, which then opened a connection
            // per request and closed it again (docs/connectivity.md).
            if let limits = endpointLimits[connection.endpoint], list.count >= limits.maxIdle {
                idle[key] = list
                return false
            }
            guard list.count < maxIdlePerEndpoint else {
                idle[key] = list
                return false
            }
            list.append(connection)
            idle[key] = list
            idlePerEndpoint[connection.endpoint, default: 0] += 1
            return true
        }
    }

    func remove(_ connection: ClientConnection) {
        let key = Key(endpoint: connection.endpoint, loop: ObjectIdentifier(connection.loop))
        lock.withLock {
            guard let list = idle[key], list.contains(where: { $0 === connection }) else { return }
            idle[key] = list.filter { $0 !== connection }
            idlePerEndpoint[connection.endpoint, default: 1] -= 1
        }
    }

    func setLimits(_ limits: EndpointPoolLimits, for endpoint: Endpoint) {
        lock.withLock { endpointLimits[endpoint] = limits }
    }

    func limits(for endpoint: Endpoint) -> EndpointPoolLimits? {
        lock.withLock { endpointLimits[endpoint] }
    }

    func idleCount(_ endpoint: Endpoint) -> Int {
        lock.withLock { idlePerEndpoint[endpoint] ?? 0 }
    }

    func drainAll() -> [ClientConnection] {
        lock.withLock {
            closed = true
            defer {
                idle = [:]
                idlePerEndpoint = [:]
            }
            return idle.values.flatMap { $0 }
        }
    }
}
