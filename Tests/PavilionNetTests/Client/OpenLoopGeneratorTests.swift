import Foundation
@testable import PavilionNet
import Synchronization
import XCTest

/// The benchmark's open-loop generator against real servers on loopback:
/// every request answered and timed from its due time, non-2xx answers
/// counted as answers that failed, and no answer (refused, silent server)
/// as a missing result.
final class OpenLoopGeneratorTests: XCTestCase {
    private let request = HTTPClientRequest(method: "POST", target: "/v1/verifications",
                                            headers: ["content-type": "application/json"], body: Array(#"{"a":1}"#.utf8))

    func testEveryRequestIsAnsweredOnceAndTimedFromItsDueTime() async throws {
        let served = Atomic<Int>(0)
        let bodies = Mutex<Set<String>>([])
        let server = try TestServer { request in
            served.add(1, ordering: .relaxed)
            bodies.withLock { _ = $0.insert(String(decoding: request.body, as: UTF8.self)) }
            return HTTPServerResponse(status: 200, body: Array("ok".utf8))
        }
        let count = 300, rate = 3_000.0
        let outcome = try OpenLoopGenerator.run(endpoint: Endpoint(scheme: .http, host: "127.0.0.1", port: server.port),
                                                request: request, rate: rate, count: count)
        await server.stop()
        XCTAssertEqual(outcome.results.count, count)
        XCTAssertTrue(outcome.results.allSatisfy { $0?.ok == true }, "every request answered 2xx")
        XCTAssertTrue(outcome.results.allSatisfy { ($0?.latency ?? 0) > 0 })
        XCTAssertEqual(served.load(ordering: .relaxed), count, "each request sent exactly once")
        XCTAssertEqual(bodies.withLock { $0 }, [#"{"a":1}"#])
        // The last answer cannot come before the last request was due.
        let lastDue = outcome.start + UInt64(Double(count - 1) * 1e9 / rate)
        XCTAssertGreaterThanOrEqual(outcome.lastAnswer, lastDue)
    }

    func testANon2xxAnswerIsAnAnswerThatFailed() async throws {
        let server = try TestServer { _ in HTTPServerResponse(status: 503, body: Array("busy".utf8)) }
        let outcome = try OpenLoopGenerator.run(endpoint: Endpoint(scheme: .http, host: "127.0.0.1", port: server.port),
                                                request: request, rate: 1_000, count: 20)
        await server.stop()
        XCTAssertEqual(outcome.results.count, 20)
        XCTAssertTrue(outcome.results.allSatisfy { $0 != nil && $0?.ok == false })
    }

    func testARefusedConnectionLeavesTheRequestUnanswered() throws {
        let port = try LoopbackPorts.free()  // nothing listens there
        let outcome = try OpenLoopGenerator.run(endpoint: Endpoint(scheme: .http, host: "127.0.0.1", port: port),
                                                request: request, rate: 1_000, count: 10)
        XCTAssertEqual(outcome.results.count, 10)
        XCTAssertTrue(outcome.results.allSatisfy { $0 == nil })
    }

    func testAServerThatNeverAnswersRunsIntoTheTimeout() async throws {
        let server = try TestServer { _ in
            try? await Task.sleep(for: .seconds(30))
            return HTTPServerResponse(status: 200)
        }
        let outcome = try OpenLoopGenerator.run(endpoint: Endpoint(scheme: .http, host: "127.0.0.1", port: server.port),
                                                request: request, rate: 100, count: 3, timeout: .milliseconds(300))
        XCTAssertEqual(outcome.results.count, 3)
        XCTAssertTrue(outcome.results.allSatisfy { $0 == nil })
        await server.stop()
    }

    func testHTTPSEmptyRunsAndANegativeTimeoutAreRefused() {
        XCTAssertThrowsError(try OpenLoopGenerator.run(endpoint: Endpoint(scheme: .https, host: "127.0.0.1", port: 443),
                                                       request: request, rate: 10, count: 1))
        XCTAssertThrowsError(try OpenLoopGenerator.run(endpoint: Endpoint(scheme: .http, host: "127.0.0.1", port: 80),
                                                       request: request, rate: 0, count: 1))
        XCTAssertThrowsError(try OpenLoopGenerator.run(endpoint: Endpoint(scheme: .http, host: "127.0.0.1", port: 80),
                                                       request: request, rate: 10, count: 0))
        XCTAssertThrowsError(try OpenLoopGenerator.run(endpoint: Endpoint(scheme: .http, host: "127.0.0.1", port: 80),
                                                       request: request, rate: 10, count: 1, timeout: .seconds(-1)))
    }
}
