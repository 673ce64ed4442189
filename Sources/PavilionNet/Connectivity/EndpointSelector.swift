/// Chooses the endpoint of a region for the next exchange.
///
/// Both strategies pick two distinct eligible endpoints at random ("power of
/// two choices") and take the cheaper one, which spreads load nearly as well
/// as a full scan without herding every caller onto the same endpoint:
///
/// - ``Strategy/leastOutstanding`` (the default): cost is the number of
///   requests in flight to the endpoint.
/// - ``Strategy/latencyEWMA``: cost is the endpoint's latency EWMA times
///   (in-flight + 1); an endpoint with no sample yet costs 0 and is tried first.
///
/// The caller passes the endpoints to skip (open breaker, ejected by the
/// ``OutlierDetector``); an exchange started with ``select(excluding:using:)``
/// must be ended with ``completed(_:latencyMs:)``.
public struct EndpointSelector: Sendable {
    /// How the cheaper of the two candidates is judged.
    public enum Strategy: String, Sendable, Hashable {
        /// Fewest requests in flight.
        case leastOutstanding = "least_outstanding"
        /// Lowest latency EWMA weighted by requests in flight.
        case latencyEWMA = "latency_ewma"
    }

    /// Selection settings.
    public struct Configuration: Sendable, Hashable {
        /// The strategy (default ``Strategy/leastOutstanding``).
        public var strategy: Strategy
        /// Weight of a new latency sample in the EWMA, in (0, 1] (default 0.3).
        public var ewmaWeight: Double

        /// Settings, each with its documented default.
        public init(strategy: Strategy = .leastOutstanding, ewmaWeight: Double = 0.3) {
            self.strategy = strategy
            self.ewmaWeight = min(1, max(0.001, ewmaWeight))
        }
    }

    private struct Load: Sendable, Hashable {
        var outstanding = 0
        var ewmaMs: Double?
    }

    /// The settings in force.
    public let configuration: Configuration
    /// The endpoints, in the order given.
    public let endpoints: [String]
    private var loads: [String: Load]

    /// A selector over `endpoints`.
    /// - Parameters:
    ///   - endpoints: the endpoints of one region (duplicates are merged).
    ///   - configuration: selection settings.
    public init(endpoints: [String], configuration: Configuration = Configuration()) {
        var seen = Set<String>()
        self.endpoints = endpoints.filter { seen.insert($0).inserted }
        self.configuration = configuration
        self.loads = Dictionary(uniqueKeysWithValues: self.endpoints.map { ($0, Load()) })
    }

    /// Requests in flight to `endpoint`.
    public func outstanding(_ endpoint: String) -> Int { loads[endpoint]?.outstanding ?? 0 }

    /// The latency EWMA of `endpoint` in milliseconds, if it has a sample.
    public func latencyEWMA(_ endpoint: String) -> Double? { loads[endpoint]?.ewmaMs }

    /// Pick an endpoint and count a request in flight to it.
    /// - Parameters:
    ///   - excluded: endpoints not to use now (open breaker, ejected).
    ///   - generator: the random source for the two choices.
    /// - Returns: the endpoint, or `nil` when every endpoint is excluded.
    public mutating func select(excluding excluded: Set<String> = [],
                                using generator: inout some RandomNumberGenerator) -> String? {
        let eligible = endpoints.filter { !excluded.contains($0) }
        let chosen: String
        switch eligible.count {
        case 0:
            return nil
        case 1:
            chosen = eligible[0]
        default:
            let a = Int.random(in: 0..<eligible.count, using: &generator)
            var b = Int.random(in: 0..<(eligible.count - 1), using: &generator)
            if b >= a { b += 1 }
            chosen = cost(eligible[b]) < cost(eligible[a]) ? eligible[b] : eligible[a]
        }
        loads[chosen, default: Load()].outstanding += 1
        return chosen
    }

    /// End a request started by ``select(excluding:using:)``.
    /// - Parameters:
    ///   - endpoint: the endpoint it went to.
    ///   - latencyMs: the time to its answer, or `nil` when it failed or was
    ///     cancelled (no latency sample).
    public mutating func completed(_ endpoint: String, latencyMs: Double?) {
        guard var load = loads[endpoint] else { return }
        load.outstanding = max(0, load.outstanding - 1)
        if let sample = latencyMs, sample >= 0 {
            let w = configuration.ewmaWeight
            load.ewmaMs = load.ewmaMs.map { w * sample + (1 - w) * $0 } ?? sample
        }
        loads[endpoint] = load
    }

    private func cost(_ endpoint: String) -> Double {
        let load = loads[endpoint] ?? Load()
        switch configuration.strategy {
        case .leastOutstanding: return Double(load.outstanding)
        case .latencyEWMA: return (load.ewmaMs ?? 0) * Double(load.outstanding + 1)
        }
    }
}
