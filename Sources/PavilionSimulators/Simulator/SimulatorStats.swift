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
    /// The `traceparent` header of the last provider request that carried
    /// one: shows that a caller's trace reached the data provider.
    public var lastTraceparent: String?

    /// - Parameters: the fields above.
    public init(requests: [String: Int] = [:], faults: [String: Int] = [:], lastTraceparent: String? = nil) {
        self.requests = requests
        self.faults = faults
        self.lastTraceparent = lastTraceparent
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
        ])
    }
}

/// The lock box behind ``SimulatorStats``.
final class StatsRecorder: Sendable {
    static let maxPaths = 256
    private let stats = Mutex(SimulatorStats())

    func request(path: String, traceparent: String? = nil) {
        stats.withLock { s in
            if let traceparent { s.lastTraceparent = String(traceparent.prefix(128)) }
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
