import PavilionNet
import XCTest

final class ConnectivityCircuitBreakerTests: XCTestCase {
    private var clock = ManualClock()

    private func breaker(consecutive: Int = 5, rate: Double = 0.5, window: Int = 20, minimumCalls: Int = 10,
                         openMs: Int64 = 30_000, probes: Int = 3) -> CircuitBreaker {
        CircuitBreaker(configuration: .init(consecutiveFailures: consecutive, failureRate: rate, window: window,
                                            minimumCalls: minimumCalls, openMs: openMs, halfOpenProbes: probes))
    }

    /// Send one request and record `outcome`; returns the transition.
    @discardableResult
    private func exchange(_ b: inout CircuitBreaker, _ outcome: CircuitBreaker.Outcome) throws -> CircuitBreaker.Transition? {
        let decision = b.requestPermitted(now: clock.now)
        let permit = try XCTUnwrap(decision.permit, "request rejected in phase \(b.phase)")
        return b.recorded(outcome, permit: permit, now: clock.now)
    }

    func testDefaultsMatchTheManifestDefaults() {
        let c = CircuitBreaker.Configuration()
        XCTAssertEqual(c.consecutiveFailures, 5)
        XCTAssertEqual(c.failureRate, 0.5)
        XCTAssertEqual(c.window, 20)
        XCTAssertEqual(c.minimumCalls, 10)
        XCTAssertEqual(c.openMs, 30_000)
        XCTAssertEqual(c.halfOpenProbes, 3)
    }

    func testConsecutiveFailuresOpenTheBreaker() throws {
        var b = breaker(consecutive: 3, rate: 1.0)
        XCTAssertNil(try exchange(&b, .failure))
        XCTAssertNil(try exchange(&b, .failure))
        let t = try XCTUnwrap(try exchange(&b, .failure))
        XCTAssertEqual(t, CircuitBreaker.Transition(from: .closed, to: .open, reason: .consecutiveFailures(count: 3), at: clock.now))
        XCTAssertEqual(b.phase, .open)
    }

    func testASuccessResetsTheConsecutiveCount() throws {
        var b = breaker(consecutive: 3, rate: 1.0)
        for _ in 0..<10 {
            XCTAssertNil(try exchange(&b, .failure))
            XCTAssertNil(try exchange(&b, .failure))
            XCTAssertNil(try exchange(&b, .success))
        }
        XCTAssertEqual(b.phase, .closed)
    }

    func testFailureRateOverTheWindowOpensTheBreaker() throws {
        var b = breaker(consecutive: 100, rate: 0.5, window: 10, minimumCalls: 10)
        // Alternate: never two failures in a row; the 10th outcome makes 5/10.
        for i in 0..<9 {
            XCTAssertNil(try exchange(&b, i % 2 == 0 ? .success : .failure), "outcome \(i)")
        }
        let t = try XCTUnwrap(try exchange(&b, .failure))
        XCTAssertEqual(t.reason, .failureRate(failures: 5, calls: 10))
        XCTAssertEqual(t.to, .open)
    }

    func testFailureRateNeedsTheMinimumNumberOfCalls() throws {
        var b = breaker(consecutive: 100, rate: 0.5, window: 20, minimumCalls: 10)
        XCTAssertNil(try exchange(&b, .failure))
        XCTAssertNil(try exchange(&b, .failure))  // 100% of 2 calls, under the minimum
        XCTAssertEqual(b.phase, .closed)
    }

    func testAWindowSmallerThanTheMinimumStillTrips() throws {
        var b = breaker(consecutive: 100, rate: 0.5, window: 4, minimumCalls: 10)
        XCTAssertEqual(b.configuration.minimumCalls, 4)
        try exchange(&b, .failure)
        try exchange(&b, .success)
        try exchange(&b, .failure)
        XCTAssertEqual(try exchange(&b, .success)?.reason, .failureRate(failures: 2, calls: 4))
    }

    func testTheWindowForgetsOldOutcomes() throws {
        var b = breaker(consecutive: 100, rate: 0.5, window: 10, minimumCalls: 10)
        for _ in 0..<4 { try exchange(&b, .failure); try exchange(&b, .success) }  // 4/8
        for _ in 0..<10 { XCTAssertNil(try exchange(&b, .success)) }              // failures slide out
        for _ in 0..<4 { XCTAssertNil(try exchange(&b, .failure)); try exchange(&b, .success) }
        XCTAssertEqual(b.phase, .closed)  // 4/10 < 0.5
        let t = try XCTUnwrap(try exchange(&b, .failure))  // window: s f s f s f s f s f → 5/10
        XCTAssertEqual(t.reason, .failureRate(failures: 5, calls: 10))
    }

    func testAnOpenBreakerRejectsUntilTheOpenPeriodPasses() throws {
        var b = breaker(consecutive: 1, openMs: 1_000)
        try exchange(&b, .failure)
        clock.advance(by: 400)
        let rejected = b.requestPermitted(now: clock.now)
        XCTAssertFalse(rejected.isPermitted)
        XCTAssertEqual(rejected.retryAfterMs, 600)
        XCTAssertFalse(b.wouldPermit(now: clock.now))
        clock.advance(by: 600)
        XCTAssertTrue(b.wouldPermit(now: clock.now))
        let probe = b.requestPermitted(now: clock.now)
        XCTAssertEqual(probe.permit?.isProbe, true)
        XCTAssertEqual(probe.transition, .init(from: .open, to: .halfOpen, reason: .openPeriodElapsed, at: clock.now))
    }

    func testHalfOpenAdmitsAtMostTheProbeCount() throws {
        var b = breaker(consecutive: 1, openMs: 10, probes: 2)
        try exchange(&b, .failure)
        clock.advance(by: 10)
        let p1 = try XCTUnwrap(b.requestPermitted(now: clock.now).permit)
        let p2 = try XCTUnwrap(b.requestPermitted(now: clock.now).permit)
        XCTAssertNil(b.requestPermitted(now: clock.now).permit)
        XCTAssertNil(b.recorded(.success, permit: p1, now: clock.now))
        XCTAssertNil(b.requestPermitted(now: clock.now).permit, "slots are not reused before closing")
        let t = try XCTUnwrap(b.recorded(.success, permit: p2, now: clock.now))
        XCTAssertEqual(t, .init(from: .halfOpen, to: .closed, reason: .probesSucceeded(probes: 2), at: clock.now))
        XCTAssertTrue(b.requestPermitted(now: clock.now).isPermitted)
    }

    func testAFailedProbeReopensTheBreakerForAnotherPeriod() throws {
        var b = breaker(consecutive: 1, openMs: 100, probes: 3)
        try exchange(&b, .failure)
        clock.advance(by: 100)
        let p1 = try XCTUnwrap(b.requestPermitted(now: clock.now).permit)
        let p2 = try XCTUnwrap(b.requestPermitted(now: clock.now).permit)
        XCTAssertNil(b.recorded(.success, permit: p1, now: clock.now))
        let t = try XCTUnwrap(b.recorded(.failure, permit: p2, now: clock.now))
        XCTAssertEqual(t, .init(from: .halfOpen, to: .open, reason: .probeFailed, at: clock.now))
        XCTAssertEqual(b.requestPermitted(now: clock.now).retryAfterMs, 100)
    }

    func testAnIgnoredProbeFreesItsSlot() throws {
        var b = breaker(consecutive: 1, openMs: 10, probes: 1)
        try exchange(&b, .failure)
        clock.advance(by: 10)
        let p = try XCTUnwrap(b.requestPermitted(now: clock.now).permit)
        XCTAssertNil(b.requestPermitted(now: clock.now).permit)
        XCTAssertNil(b.recorded(.ignored, permit: p, now: clock.now))
        let again = try XCTUnwrap(b.requestPermitted(now: clock.now).permit)
        XCTAssertEqual(b.recorded(.success, permit: again, now: clock.now)?.to, .closed)
    }

    func testALateOutcomeFromAnEarlierPhaseIsIgnored() throws {
        var b = breaker(consecutive: 1, openMs: 10, probes: 1)
        let slow = try XCTUnwrap(b.requestPermitted(now: clock.now).permit)  // sent while closed
        try exchange(&b, .failure)                                          // opens
        XCTAssertNil(b.recorded(.success, permit: slow, now: clock.now))
        XCTAssertEqual(b.phase, .open)
        clock.advance(by: 10)
        let probe = try XCTUnwrap(b.requestPermitted(now: clock.now).permit)
        XCTAssertNil(b.recorded(.failure, permit: slow, now: clock.now), "stale failure must not reopen")
        XCTAssertEqual(b.phase, .halfOpen)
        XCTAssertEqual(b.recorded(.success, permit: probe, now: clock.now)?.to, .closed)
    }

    func testClosingStartsWithAnEmptyWindow() throws {
        var b = breaker(consecutive: 100, rate: 0.5, window: 4, minimumCalls: 4, openMs: 10, probes: 1)
        for _ in 0..<4 { try exchange(&b, .failure) }
        XCTAssertEqual(b.phase, .open)
        clock.advance(by: 10)
        try exchange(&b, .success)
        XCTAssertEqual(b.phase, .closed)
        XCTAssertNil(try exchange(&b, .failure))
        XCTAssertNil(try exchange(&b, .failure))
        XCTAssertNil(try exchange(&b, .failure), "old failures must not count after closing")
    }
}
