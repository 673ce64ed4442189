import PavilionNet
import XCTest

final class ConnectivityHedgePolicyTests: XCTestCase {
    private var clock = ManualClock()

    private func trained(_ samples: ClosedRange<Int> = 1...100) -> HedgePolicy {
        var policy = HedgePolicy(configuration: .init(enabled: true))
        for ms in samples { policy.recordLatency(Double(ms)) }
        return policy
    }

    func testTheQuantileEstimatorIsExactOverItsWindow() {
        var q = LatencyQuantile(capacity: 100)
        XCTAssertNil(q.quantile(0.95))
        for ms in (1...100).reversed() { q.record(Double(ms)) }
        XCTAssertEqual(q.quantile(0.95), 95)
        XCTAssertEqual(q.quantile(0.5), 50)
        XCTAssertEqual(q.quantile(1), 100)
        XCTAssertEqual(q.quantile(0), 1)
        for _ in 0..<100 { q.record(7) }  // the old samples slide out
        XCTAssertEqual(q.quantile(0.95), 7)
        q.record(-1)
        q.record(.nan)
        XCTAssertEqual(q.count, 100)
    }

    func testAHedgeIsPlannedAfterTheP95() {
        XCTAssertEqual(trained().plan(idempotent: true, alternatives: 1), .hedgeAfter(delayMs: 95))
    }

    func testNoHedgeWhenDisabledNotIdempotentAloneOrUntrained() {
        XCTAssertEqual(HedgePolicy().plan(idempotent: true, alternatives: 1), .noHedge(.disabled))
        XCTAssertEqual(trained().plan(idempotent: false, alternatives: 1), .noHedge(.notIdempotent))
        XCTAssertEqual(trained().plan(idempotent: true, alternatives: 0), .noHedge(.noAlternative))
        XCTAssertEqual(trained(1...19).plan(idempotent: true, alternatives: 1), .noHedge(.tooFewSamples))
    }

    func testTheHedgeIsSentOnceAfterTheDelay() {
        var exchange = HedgePolicy.Exchange(plan: .hedgeAfter(delayMs: 95), start: clock.now)
        XCTAssertEqual(exchange.hedgeDeadline, clock.now + 95)
        clock.advance(by: 94)
        XCTAssertEqual(exchange.tick(now: clock.now), .wait)
        clock.advance(by: 1)
        XCTAssertEqual(exchange.tick(now: clock.now), .sendHedge)
        clock.advance(by: 1_000)
        XCTAssertEqual(exchange.tick(now: clock.now), .wait, "at most one hedge")
        XCTAssertNil(exchange.hedgeDeadline)
    }

    func testTheFirstAnswerWinsAndTheOtherIsCancelled() {
        var exchange = HedgePolicy.Exchange(plan: .hedgeAfter(delayMs: 10), start: clock.now)
        clock.advance(by: 10)
        _ = exchange.tick(now: clock.now)
        XCTAssertEqual(exchange.answered(.hedge), .complete(winner: .hedge, cancel: .primary))
        XCTAssertEqual(exchange.answered(.primary), .none)
        XCTAssertEqual(exchange.tick(now: clock.now), .none)
    }

    func testAPrimaryAnswerBeforeTheDelayMeansNoHedge() {
        var exchange = HedgePolicy.Exchange(plan: .hedgeAfter(delayMs: 10), start: clock.now)
        XCTAssertEqual(exchange.answered(.primary), .complete(winner: .primary, cancel: nil))
        clock.advance(by: 10)
        XCTAssertEqual(exchange.tick(now: clock.now), .none)
    }

    func testOneFailureWaitsForTheOtherAttempt() {
        var exchange = HedgePolicy.Exchange(plan: .hedgeAfter(delayMs: 10), start: clock.now)
        clock.advance(by: 10)
        _ = exchange.tick(now: clock.now)
        XCTAssertEqual(exchange.failed(.primary), .wait)
        XCTAssertEqual(exchange.answered(.hedge), .complete(winner: .hedge, cancel: nil))

        var both = HedgePolicy.Exchange(plan: .hedgeAfter(delayMs: 10), start: clock.now)
        clock.advance(by: 10)
        _ = both.tick(now: clock.now)
        XCTAssertEqual(both.failed(.hedge), .wait)
        XCTAssertEqual(both.failed(.primary), .fail)
    }

    func testWithoutAPlanThePrimaryAloneDecides() {
        var exchange = HedgePolicy.Exchange(plan: .noHedge(.notIdempotent), start: clock.now)
        XCTAssertNil(exchange.hedgeDeadline)
        clock.advance(by: 100_000)
        XCTAssertEqual(exchange.tick(now: clock.now), .wait)
        XCTAssertEqual(exchange.failed(.primary), .fail)
    }
}
