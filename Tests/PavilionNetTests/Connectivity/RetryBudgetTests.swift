import PavilionNet
import XCTest

final class ConnectivityRetryBudgetTests: XCTestCase {
    private var clock = ManualClock()
    private var rng = SeededGenerator(seed: 42)

    func testANonIdempotentExchangeIsNeverRetried() {
        var budget = RetryBudget()
        budget.requestStarted(now: clock.now)
        XCTAssertEqual(budget.retry(afterAttempt: 1, idempotent: false, remainingMs: 5_000, now: clock.now, using: &rng),
                       .refuse(.notIdempotent))
    }

    func testAttemptsStopAtMaxAttempts() {
        var budget = RetryBudget(configuration: .init(maxAttempts: 3))
        budget.requestStarted(now: clock.now)
        guard case .retry = budget.retry(afterAttempt: 1, idempotent: true, remainingMs: 5_000, now: clock.now, using: &rng),
              case .retry = budget.retry(afterAttempt: 2, idempotent: true, remainingMs: 5_000, now: clock.now, using: &rng)
        else { return XCTFail("the first two retries are allowed") }
        XCTAssertEqual(budget.retry(afterAttempt: 3, idempotent: true, remainingMs: 5_000, now: clock.now, using: &rng),
                       .refuse(.attemptsExhausted))
    }

    func testRetriesStayWithinTenPercentPlusTheFloor() {
        var budget = RetryBudget(configuration: .init(ratio: 0.1, minimumRetries: 3))
        var granted = 0
        for _ in 0..<1_000 {  // an outage: every request fails and asks for a retry
            budget.requestStarted(now: clock.now)
            if case .retry = budget.retry(afterAttempt: 1, idempotent: true, remainingMs: 5_000, now: clock.now, using: &rng) {
                granted += 1
            }
            clock.advance(by: 5)  // 1 000 requests over 5 s, inside one window
        }
        XCTAssertLessThanOrEqual(granted, 3 + 100)
        XCTAssertGreaterThanOrEqual(granted, 100)
        XCTAssertEqual(budget.retry(afterAttempt: 1, idempotent: true, remainingMs: 5_000, now: clock.now, using: &rng),
                       .refuse(.budgetExhausted))
    }

    func testTheFloorAllowsRetriesOnAQuietEndpoint() {
        var budget = RetryBudget(configuration: .init(minimumRetries: 2))
        budget.requestStarted(now: clock.now)
        for _ in 0..<2 {
            guard case .retry = budget.retry(afterAttempt: 1, idempotent: true, remainingMs: 5_000, now: clock.now, using: &rng)
            else { return XCTFail("floor retry refused") }
        }
        XCTAssertEqual(budget.retry(afterAttempt: 1, idempotent: true, remainingMs: 5_000, now: clock.now, using: &rng),
                       .refuse(.budgetExhausted))
    }

    func testTheWindowSlidesAndOldRetriesExpire() {
        var budget = RetryBudget(configuration: .init(minimumRetries: 1, windowMs: 10_000))
        budget.requestStarted(now: clock.now)
        guard case .retry = budget.retry(afterAttempt: 1, idempotent: true, remainingMs: 5_000, now: clock.now, using: &rng)
        else { return XCTFail("floor retry refused") }
        XCTAssertEqual(budget.retriesInWindow(now: clock.now), 1)
        clock.advance(by: 9_000)
        XCTAssertEqual(budget.retry(afterAttempt: 1, idempotent: true, remainingMs: 5_000, now: clock.now, using: &rng),
                       .refuse(.budgetExhausted))
        clock.advance(by: 1_000)
        XCTAssertEqual(budget.retriesInWindow(now: clock.now), 0)
        guard case .retry = budget.retry(afterAttempt: 1, idempotent: true, remainingMs: 5_000, now: clock.now, using: &rng)
        else { return XCTFail("the old retry should have left the window") }
    }

    func testBackoffIsFullJitterUnderTheExponentialCeiling() {
        var budget = RetryBudget(configuration: .init(minimumRetries: 100_000, maxAttempts: 10, backoffMs: 50, maxBackoffMs: 300))
        for (attempt, ceiling) in [(1, Int64(50)), (2, 100), (3, 200), (4, 300), (8, 300)] {
            var seen: [Int64] = []
            for _ in 0..<500 {
                guard case .retry(let delay) = budget.retry(afterAttempt: attempt, idempotent: true, remainingMs: 10_000,
                                                             now: clock.now, using: &rng)
                else { return XCTFail("retry refused") }
                seen.append(delay)
            }
            XCTAssertEqual(seen.min() ?? -1, 0, accuracy: Int64(ceiling / 10), "attempt \(attempt)")
            XCTAssertLessThanOrEqual(seen.max() ?? .max, ceiling, "attempt \(attempt)")
            XCTAssertGreaterThan(seen.max() ?? 0, ceiling * 9 / 10, "attempt \(attempt): jitter spans the range")
        }
    }

    func testBackoffIsCappedByTheRemainingDeadline() {
        var budget = RetryBudget(configuration: .init(minimumRetries: 100_000, maxAttempts: 10, backoffMs: 1_000,
                                                      maxBackoffMs: 1_000, minimumAttemptMs: 10))
        for _ in 0..<200 {
            guard case .retry(let delay) = budget.retry(afterAttempt: 1, idempotent: true, remainingMs: 60, now: clock.now, using: &rng)
            else { return XCTFail("retry refused") }
            XCTAssertLessThanOrEqual(delay, 50)
        }
        XCTAssertEqual(budget.retry(afterAttempt: 1, idempotent: true, remainingMs: 10, now: clock.now, using: &rng),
                       .refuse(.deadlineExhausted))
    }
}
