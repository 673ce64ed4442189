@testable import PavilionHost
import XCTest

final class EndpointGateTests: XCTestCase {
    func testSlotsUpToTheLimitAreGrantedAtOnce() async throws {
        let gate = EndpointGate(limit: 2, maxWaiters: 4)
        try await gate.acquire(deadline: .now + .seconds(5))
        try await gate.acquire(deadline: .now + .seconds(5))
        XCTAssertEqual(gate.counts.inUse, 2)
        XCTAssertEqual(gate.counts.peak, 2)
        gate.release()
        gate.release()
        XCTAssertEqual(gate.counts.inUse, 0)
    }

    func testAWaiterTakesTheSlotAReleaseFrees() async throws {
        let gate = EndpointGate(limit: 1, maxWaiters: 4)
        try await gate.acquire(deadline: .now + .seconds(5))
        let waiter = Task { try await gate.acquire(deadline: .now + .seconds(30)) }
        // Wait (bounded) until the waiter is queued, then free the slot.
        let queuedBy = ContinuousClock.now + .seconds(5)
        while gate.counts.waiting == 0, ContinuousClock.now < queuedBy { await Task.yield() }
        XCTAssertEqual(gate.counts.waiting, 1)
        gate.release()
        try await waiter.value
        XCTAssertEqual(gate.counts.inUse, 1, "the slot passed to the waiter")
        XCTAssertEqual(gate.counts.peak, 1, "never more than the limit")
    }

    func testAWaiterPastItsDeadlineIsRefusedAndCounted() async {
        let gate = EndpointGate(limit: 1, maxWaiters: 4)
        try? await gate.acquire(deadline: .now + .seconds(5))
        do {
            try await gate.acquire(deadline: .now + .milliseconds(20))
            XCTFail("granted past the limit")
        } catch {
            XCTAssertEqual(error, .deadline)
        }
        XCTAssertEqual(gate.counts.exhausted, 1)
        XCTAssertEqual(gate.counts.waiting, 0)
        XCTAssertEqual(gate.counts.inUse, 1)
    }

    func testAFullQueueAndAPassedDeadlineAreRefusedAtOnce() async {
        let gate = EndpointGate(limit: 1, maxWaiters: 0)
        try? await gate.acquire(deadline: .now + .seconds(5))
        do {
            try await gate.acquire(deadline: .now + .seconds(30))
            XCTFail("queued past maxWaiters")
        } catch {
            XCTAssertEqual(error, .queueFull)
        }
        let roomy = EndpointGate(limit: 1, maxWaiters: 4)
        try? await roomy.acquire(deadline: .now + .seconds(5))
        do {
            try await roomy.acquire(deadline: .now - .seconds(1))
            XCTFail("queued with a passed deadline")
        } catch {
            XCTAssertEqual(error, .queueFull)
        }
    }

    func testALimitBelowOneIsOne() {
        XCTAssertEqual(EndpointGate(limit: 0, maxWaiters: -3).limit, 1)
        XCTAssertEqual(EndpointGate(limit: 0, maxWaiters: -3).maxWaiters, 0)
    }
}
