import Foundation
import PavilionNet

/// The half-load phase of `bench http`: an open-loop, constant-rate run of
/// PavilionNet's ``OpenLoopGenerator`` (keep-alive connections, as many as
/// the requests in flight need), summarised after a warm-up.
///
/// Request `i` is due at `start + i / rate` and is sent then, whether or not
/// earlier ones have been answered; its latency runs from that scheduled
/// time, not from when it was actually sent, so a stalled server (or a late
/// sender) shows in the figures instead of silently lowering the load
/// (no coordinated omission).
struct OpenLoopLoad {
    /// Where and what to send.
    var endpoint: Endpoint
    var request: HTTPClientRequest
    /// Requests per second.
    var rate: Double
    /// Seconds measured, after `warmup` seconds not measured.
    var duration: Double
    var warmup: Double

    /// The latency distribution of one run.
    struct Summary {
        var samples: Int
        var errors: Int
        var p50: Double
        var p99: Double
        var p999: Double
        var max: Double
        /// Requests per second actually completed in the measured window.
        var achievedRate: Double
    }

    /// The nearest-rank percentile `p` (0...1) of `sorted` (ascending); NaN when empty.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// Send the load and wait for every answer (or its 10 s deadline).
    func run() throws -> Summary {
        let total = max(1, Int(rate * (warmup + duration)))
        let measuredFrom = Int(rate * warmup)
        let outcome = try OpenLoopGenerator.run(endpoint: endpoint, request: request, rate: rate, count: total)
        var latencies: [UInt64] = []
        latencies.reserveCapacity(total - measuredFrom)
        var errors = 0
        for result in outcome.results[measuredFrom...] {
            if let result, result.ok { latencies.append(result.latency) } else { errors += 1 }
        }
        latencies.sort()
        let milliseconds = latencies.map { Double($0) / 1e6 }
        func percentile(_ p: Double) -> Double { Self.percentile(milliseconds, p) }
        let measuredStart = outcome.start &+ UInt64(Double(measuredFrom) * 1e9 / rate)
        let window = Double(max(outcome.lastAnswer, measuredStart) &- measuredStart) / 1e9
        return Summary(samples: latencies.count, errors: errors, p50: percentile(0.50), p99: percentile(0.99),
                       p999: percentile(0.999), max: milliseconds.last ?? .nan,
                       achievedRate: window > 0 ? Double(latencies.count) / window : 0)
    }
}
