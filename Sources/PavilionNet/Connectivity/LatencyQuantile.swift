/// A small streaming quantile estimator: the exact quantile over the last
/// `capacity` latency samples (a ring), so it follows changes in latency and
/// costs a fixed amount of memory.
public struct LatencyQuantile: Sendable {
    private var ring: [Double]
    private var next = 0

    /// Samples held at most.
    public let capacity: Int
    /// Samples held now.
    public private(set) var count = 0

    /// An empty estimator.
    /// - Parameter capacity: samples kept (default 256).
    public init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
        ring = []
        ring.reserveCapacity(self.capacity)
    }

    /// Add a latency sample; the oldest is dropped when full.
    /// - Parameter ms: the latency in milliseconds (negative and NaN samples are ignored).
    public mutating func record(_ ms: Double) {
        guard ms >= 0 else { return }
        if ring.count < capacity {
            ring.append(ms)
        } else {
            ring[next] = ms
        }
        next = (next + 1) % capacity
        count = ring.count
    }

    /// The `q`-quantile (nearest rank) of the samples held.
    /// - Parameter q: in [0, 1], e.g. 0.95.
    /// - Returns: the quantile, or `nil` with no samples.
    public func quantile(_ q: Double) -> Double? {
        guard !ring.isEmpty else { return nil }
        let sorted = ring.sorted()
        let rank = Int((min(1, max(0, q)) * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }
}
