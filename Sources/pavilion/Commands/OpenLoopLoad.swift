import Foundation
import Glibc
import PavilionNet
import Synchronization

/// An open-loop, constant-rate load generator on PavilionNet's `HTTPClient`
/// (keep-alive connections, as many as the requests in flight need).
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
    func run(client: HTTPClient) -> Summary {
        let total = max(1, Int(rate * (warmup + duration)))
        let measuredFrom = Int(rate * warmup)
        let interval = 1e9 / rate
        let recorder = LatencyRecorder(count: total)
        let finished = DispatchSemaphore(value: 0)
        let start = Self.now() &+ 20_000_000
        let (endpoint, request) = (endpoint, request)
        for i in 0..<total {
            let due = start &+ UInt64(Double(i) * interval)
            Self.sleep(until: due)
            Task {
                var ok = false
                do {
                    let response = try await client.send(request, to: endpoint, deadline: .now + .seconds(10))
                    ok = (200..<300).contains(response.status)
                } catch {}
                if recorder.record(i, nanoseconds: Self.now() &- due, ok: ok) { finished.signal() }
            }
        }
        _ = finished.wait(timeout: .now() + 15)
        let end = recorder.lastCompletion
        var latencies: [UInt64] = []
        latencies.reserveCapacity(total - measuredFrom)
        var errors = 0
        for i in measuredFrom..<total {
            guard let (ns, ok) = recorder.sample(i) else {
                errors += 1
                continue
            }
            if ok { latencies.append(ns) } else { errors += 1 }
        }
        latencies.sort()
        let milliseconds = latencies.map { Double($0) / 1e6 }
        func percentile(_ p: Double) -> Double { Self.percentile(milliseconds, p) }
        let measuredStart = start &+ UInt64(Double(measuredFrom) * interval)
        let window = Double(max(end, measuredStart) &- measuredStart) / 1e9
        return Summary(samples: latencies.count, errors: errors, p50: percentile(0.50), p99: percentile(0.99),
                       p999: percentile(0.999), max: latencies.last.map { Double($0) / 1e6 } ?? .nan,
                       achievedRate: window > 0 ? Double(latencies.count) / window : 0)
    }

    /// CLOCK_MONOTONIC in nanoseconds.
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Sleep until `deadline` (monotonic ns); return at once when it has passed.
    static func sleep(until deadline: UInt64) {
        var target = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nil) == EINTR {}
    }
}

/// One slot per request: latency and success, written once each by the
/// request's task.
private final class LatencyRecorder: Sendable {
    private struct Slots {
        var latency: [UInt64]
        var ok: [Bool]
        var done: [Bool]
        var last: UInt64 = 0
        var remaining: Int
    }

    private let slots: Mutex<Slots>

    init(count: Int) {
        slots = Mutex(Slots(latency: Array(repeating: 0, count: count), ok: Array(repeating: false, count: count),
                            done: Array(repeating: false, count: count), remaining: count))
    }

    /// Store request `index`'s outcome; true when it was the last one outstanding.
    func record(_ index: Int, nanoseconds: UInt64, ok: Bool) -> Bool {
        let now = OpenLoopLoad.now()
        return slots.withLock {
            $0.latency[index] = nanoseconds
            $0.ok[index] = ok
            $0.done[index] = true
            $0.last = max($0.last, now)
            $0.remaining -= 1
            return $0.remaining == 0
        }
    }

    func sample(_ index: Int) -> (UInt64, Bool)? {
        slots.withLock { $0.done[index] ? ($0.latency[index], $0.ok[index]) : nil }
    }

    var lastCompletion: UInt64 { slots.withLock { $0.last } }
}
