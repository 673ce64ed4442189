import PavilionCore
import Synchronization

/// What a simulator has served since it started (or since its stats were reset).
public struct SimulatorStats: Sendable, Hashable {
    /// Provider requests received, by path (without the query). Control
    /// requests (`/_sim/…`) are not counted. Past 256 distinct paths the
    /// rest are counted under `"(other)"`.
    public var requests: [String: Int]
    /// Faults applied, by name: `latency`, `stall`, `reset`, `error`
    /// (from `errorRate`), `status`, `garbage`.
    public var faults: [String: Int]
    /// The `traceparent`s of the last ``recentLimit`` provider requests that
    /// carried one, oldest first: a caller's trace among the host's own
    /// (health probes) that arrive meanwhile.
    public var recentTraceparents: [String]
    public static let recentLimit = 16

    /// The `traceparent` header of the last provider request that carried
    /// one: shows that a caller's trace reached the data provider.
    public var lastTraceparent: String? { recentTraceparents.last }

    /// - Parameters: the fields above.
    public init(requests: [String: Int] = [:], faults: [String: Int] = [:], recentTraceparents: [String] = []) {
        self.requests = requests
        self.faults = faults
        self.recentTraceparents = recentTraceparents
    }

    /// All provider requests received.
    public var totalRequests: Int { requests.values.reduce(0, +) }

    /// The stats as the JSON object `GET /_sim/stats` answers.
    public var json: JSONValue {
        .object([
            "total": .int(Int64(totalRequests)),
            "requests": .object(requests.mapValues { .int(Int64($0)) }),
            "faults": .object(faults.mapValues { .int(Int64($0)) }),
            "last_traceparent": lastTraceparent.map(JSONValue.string) ?? .null,
            "recent_traceparents": .array(recentTraceparents.map(JSONValue.string)),
        ])
    }
}

/// The lock box behind ``SimulatorStats``.
final class StatsRecorder: Sendable {
    static let maxPaths = 256
    private let stats = Mutex(SimulatorStats())

    func request(path: String, traceparent: String? = nil) {
        stats.withLock { s in
            if let traceparent {
                s.recentTraceparents.append(String(traceparent.prefix(128)))
                if s.recentTraceparents.count > SimulatorStats.recentLimit { s.recentTraceparents.removeFirst() }
            }
            if s.requests[path] == nil, s.requests.count >= Self.maxPaths {
                s.requests["(other)", default: 0] += 1
            } else {
                s.requests[path, default: 0] += 1
            }
        }
    }

    func fault(_ name: String) {
        stats.withLock { $0.faults[name, default: 0] += 1 }
    }

    var snapshot: SimulatorStats { stats.withLock { $0 } }

    func reset() { stats.withLock { $0 = SimulatorStats() } }
}
