import Foundation

/// A point-in-time copy of a server's or client's counters.
public struct NetCountersSnapshot: Sendable, Hashable {
    /// Connections open now.
    public var openConnections: Int
    /// Connections accepted (server) or opened (client) since start.
    public var connectionsOpened: Int
    /// Requests completed since start (server: answered; client: exchanges).
    public var requests: Int
    /// Requests refused by the parser or a limit (server), or failed exchanges (client).
    public var failures: Int
    /// Exchanges carried on a reused keep-alive connection (client).
    public var reusedConnections: Int
    /// TLS handshakes that failed.
    public var tlsHandshakeFailures: Int
    /// Connections closed for a timeout (header, idle, body, request deadline).
    public var timeouts: Int
    /// Bytes read from sockets.
    public var bytesIn: Int
    /// Bytes written to sockets.
    public var bytesOut: Int
}

/// Counters shared by the event loops (a lock box; increments are cheap and rare
/// relative to syscalls).
final class NetCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var value = NetCountersSnapshot(openConnections: 0, connectionsOpened: 0, requests: 0, failures: 0,
                                            reusedConnections: 0, tlsHandshakeFailures: 0, timeouts: 0, bytesIn: 0, bytesOut: 0)

    func update(_ body: (inout NetCountersSnapshot) -> Void) { lock.withLock { body(&value) } }
    var snapshot: NetCountersSnapshot { lock.withLock { value } }
}
