import PavilionNet
import XCTest

final class ConnectivityEndpointSelectorTests: XCTestCase {
    private var rng = SeededGenerator(seed: 7)

    func testLeastOutstandingSpreadsConcurrentRequestsEvenly() throws {
        var s = EndpointSelector(endpoints: ["a", "b", "c", "d"])
        var counts: [String: Int] = [:]
        for _ in 0..<400 {  // none completes: outstanding only grows
            counts[try XCTUnwrap(s.select(using: &rng)), default: 0] += 1
        }
        for e in s.endpoints {
            XCTAssertEqual(Double(counts[e] ?? 0), 100, accuracy: 5, "endpoint \(e): \(counts)")
        }
    }

    func testTwoEndpointsAlwaysGoToTheLessLoaded() throws {
        var s = EndpointSelector(endpoints: ["a", "b"])
        XCTAssertEqual(s.select(using: &rng).map { [$0] }?.count, 1)
        let first = s.endpoints.first { s.outstanding($0) == 1 } ?? ""
        let second = try XCTUnwrap(s.select(using: &rng))
        XCTAssertNotEqual(second, first)
        s.completed(first, latencyMs: 3)
        XCTAssertEqual(s.select(using: &rng), first)
    }

    func testExcludedEndpointsAreSkipped() {
        var s = EndpointSelector(endpoints: ["a", "b", "c"])
        for _ in 0..<50 {
            XCTAssertEqual(s.select(excluding: ["a", "c"], using: &rng), "b")
        }
        XCTAssertNil(s.select(excluding: ["a", "b", "c"], using: &rng))
    }

    func testLatencyEWMAPrefersTheFasterEndpoint() {
        var s = EndpointSelector(endpoints: ["fast", "slow"], configuration: .init(strategy: .latencyEWMA, ewmaWeight: 0.5))
        // Teach it: fast answers in 5 ms, slow in 80 ms.
        for (e, ms) in [("fast", 5.0), ("slow", 80.0), ("fast", 5.0), ("slow", 80.0)] {
            _ = s.select(excluding: [e == "fast" ? "slow" : "fast"], using: &rng)
            s.completed(e, latencyMs: ms)
        }
        XCTAssertEqual(s.latencyEWMA("fast"), 5)
        XCTAssertEqual(s.latencyEWMA("slow"), 80)
        var picks: [String: Int] = [:]
        for _ in 0..<20 {
            let e = s.select(using: &rng) ?? ""
            picks[e, default: 0] += 1
            s.completed(e, latencyMs: e == "fast" ? 5 : 80)
        }
        XCTAssertEqual(picks["fast"], 20)
    }

    func testLatencyEWMAWeighsInFlightRequests() {
        var s = EndpointSelector(endpoints: ["fast", "slow"], configuration: .init(strategy: .latencyEWMA, ewmaWeight: 1))
        _ = s.select(excluding: ["slow"], using: &rng); s.completed("fast", latencyMs: 10)
        _ = s.select(excluding: ["fast"], using: &rng); s.completed("slow", latencyMs: 30)
        // fast costs 10·(n+1): after three in flight (cost 40) slow (30) wins.
        XCTAssertEqual((0..<3).map { _ in s.select(using: &rng) }, ["fast", "fast", "fast"])
        XCTAssertEqual(s.select(using: &rng), "slow")
    }

    func testTheEWMAFollowsNewSamples() {
        var s = EndpointSelector(endpoints: ["a"], configuration: .init(strategy: .latencyEWMA, ewmaWeight: 0.5))
        for ms in [100.0, 0, 0] {
            _ = s.select(using: &rng)
            s.completed("a", latencyMs: ms)
        }
        XCTAssertEqual(s.latencyEWMA("a"), 25)
        _ = s.select(using: &rng)
        s.completed("a", latencyMs: nil)
        XCTAssertEqual(s.latencyEWMA("a"), 25, "a failure gives no latency sample")
        XCTAssertEqual(s.outstanding("a"), 0)
    }
}
