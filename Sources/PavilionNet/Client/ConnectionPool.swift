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

    init(maxIdlePerEndpoint: Int) { self.maxIdlePerEndpoint = maxIdlePerEndpoint }

    func checkout(_ endpoint: Endpoint, on loop: EventLoop?) -> ClientConnection? {
        lock.withLock {
            if let loop { return idle[Key(endpoint: endpoint, loop: ObjectIdentifier(loop))]?.popLast() }
            guard let key = idle.first(where: { $0.key.endpoint == endpoint && !$0.value.isEmpty })?.key else { return nil }
            return idle[key]?.popLast()
        }
    }

    func checkin(_ connection: ClientConnection) -> Bool {
        let key = Key(endpoint: connection.endpoint, loop: ObjectIdentifier(connection.loop))
        return lock.withLock {
            guard !closed else { return false }
            var list = idle.removeValue(forKey: key) ?? []
            guard list.count < maxIdlePerEndpoint else {
                idle[key] = list
                return false
            }
            list.append(connection)
            idle[key] = list
            return true
        }
    }

    func remove(_ connection: ClientConnection) {
        let key = Key(endpoint: connection.endpoint, loop: ObjectIdentifier(connection.loop))
        lock.withLock { idle[key]?.removeAll { $0 === connection } }
    }

    func drainAll() -> [ClientConnection] {
        lock.withLock {
            closed = true
            defer { idle = [:] }
            return idle.values.flatMap { $0 }
        }
    }
}
