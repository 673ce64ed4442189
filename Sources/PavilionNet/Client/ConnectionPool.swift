import Foundation

/// The seam between the client and connection reuse. The keep-alive idle
/// list below is the first implementation; pooling with limits, circuit
/// breakers and region failover (the connectivity issue) replaces it here.
protocol ConnectionPool: Sendable {
    /// An idle connection to `endpoint`, removed from the pool, or nil.
    func checkout(_ endpoint: Endpoint) -> ClientConnection?
    /// Offer an idle connection back; false when the pool does not keep it (close it).
    func checkin(_ connection: ClientConnection) -> Bool
    /// Forget a connection (it closed while idle).
    func remove(_ connection: ClientConnection)
    /// Take every idle connection out (to close them).
    func drainAll() -> [ClientConnection]
}

/// A per-endpoint list of idle keep-alive connections, most recent first.
final class IdleConnectionPool: ConnectionPool, @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [Endpoint: [ClientConnection]] = [:]
    private let maxIdlePerEndpoint: Int
    private var closed = false

    init(maxIdlePerEndpoint: Int) { self.maxIdlePerEndpoint = maxIdlePerEndpoint }

    func checkout(_ endpoint: Endpoint) -> ClientConnection? {
        lock.withLock { idle[endpoint]?.popLast() }
    }

    func checkin(_ connection: ClientConnection) -> Bool {
        lock.withLock {
            guard !closed else { return false }
            var list = idle[connection.endpoint] ?? []
            guard list.count < maxIdlePerEndpoint else { return false }
            list.append(connection)
            idle[connection.endpoint] = list
            return true
        }
    }

    func remove(_ connection: ClientConnection) {
        lock.withLock { idle[connection.endpoint]?.removeAll { $0 === connection } }
    }

    func drainAll() -> [ClientConnection] {
        lock.withLock {
            closed = true
            defer { idle = [:] }
            return idle.values.flatMap { $0 }
        }
    }
}
