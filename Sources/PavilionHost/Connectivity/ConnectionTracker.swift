import PavilionCore
import PavilionNet
import Synchronization

/// Receives the DP client's connection events: counts open connections per
/// endpoint and writes `connect` / `close` events to the connection audit log.
public final class ConnectionTracker: Sendable {
    private struct Counts: Sendable {
        var open: [String: Int] = [:]
        var opened: [String: Int] = [:]
        var labels: [String: (connector: String, region: String)] = [:]
    }

    private let events: ConnectivityEventLog
    private let counts = Mutex(Counts())
    /// Whether each connect and close is written to the audit log (on by
    /// default; benchmarks opening thousands turn it off).
    public let auditConnections: Bool

    /// - Parameters:
    ///   - events: the connection audit log.
    ///   - auditConnections: log every connect and close.
    public init(events: ConnectivityEventLog, auditConnections: Bool = true) {
        self.events = events
        self.auditConnections = auditConnections
    }

    /// The observer to put in `HTTPClientConfiguration.connectionEvents`.
    public var observer: @Sendable (ClientConnectionEvent) -> Void {
        { [self] event in self.observe(event) }
    }

    /// Connections open to `endpoint` (its URL without base path) now, and opened in all.
    public func connections(to endpoint: String) -> (open: Int, opened: Int) {
        counts.withLock { ($0.open[endpoint] ?? 0, $0.opened[endpoint] ?? 0) }
    }

    /// Name the connector and region of `endpoint` in its audit events.
    func label(endpoint: String, connector: String, region: String) {
        counts.withLock { $0.labels[endpoint] = (connector, region) }
    }

    func observe(_ event: ClientConnectionEvent) {
        let key = event.endpoint.description
        let label = counts.withLock { c in
            switch event.kind {
            case .connected:
                c.open[key, default: 0] += 1
                c.opened[key, default: 0] += 1
            case .closed:
                c.open[key] = max(0, (c.open[key] ?? 0) - 1)
            }
            return c.labels[key]
        }
        guard auditConnections else { return }
        var fields: [String: JSONValue] = ["endpoint": .string(key), "connection": .int(Int64(event.connectionID))]
        if let label {
            fields["connector"] = .string(label.connector)
            fields["region"] = .string(label.region)
        }
        switch event.kind {
        case .connected:
            if let version = event.tlsVersion { fields["tls_version"] = .string(version) }
            if let cipher = event.tlsCipher {
                fields["tls_cipher"] = .string(cipher)
                fields["tls_resumed"] = .bool(event.tlsResumed)
            }
            events.record("connect", fields)
        case .closed:
            fields["exchanges"] = .int(Int64(event.exchanges))
            fields["reused"] = .bool(event.exchanges > 1)
            fields["reason"] = .string(event.reason ?? "closed")
            events.record("close", fields)
        }
    }
}
