import Foundation
import PavilionCore
import PavilionPlugins
import PavilionTestSupport
import XCTest

final class ExchangeTests: XCTestCase {
    private var sink = CapturingLogSink()

    private func instance(_ fixture: String = "good", clock: any PluginClock = FixedPluginClock(milliseconds: 1_767_225_600_000),
                          secrets: any SecretProvider = NoSecrets(), secretNames: [String] = [],
                          flags: [String] = []) throws -> ConnectorInstance {
        sink = CapturingLogSink()
        let loader = try makeLoader(PluginServices(logSink: sink, secrets: secrets, clock: clock))
        let health = fixture == "good"
        let plugin = try loader.load(makeManifest(library: try Fixture.library(fixture, flags: flags), health: health,
                                                  secrets: secretNames))
        return try ConnectorInstance(plugin: plugin)
    }

    func testGoodExchangeAsksForARequestThenReturnsTheResult() throws {
        let exchange = try instance().makeExchange()
        let first = try exchange.begin(query: query(["age_over_18", "name_match"]), tenant: "acme", requestID: "req-1")
        guard case .request(let request) = first else { return XCTFail("expected a request, got \(first)") }
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.path, "/v1/subject")
        XCTAssertEqual(request.header("accept"), "application/json")
        XCTAssertEqual(request.header("x-time"), "1767225600000", "the plugin reads the host's fixed clock")
        XCTAssertTrue(request.idempotent)
        XCTAssertEqual(request.timeoutMs, 1500)
        let result = try exchange.step(HTTPResponse(status: 200, json: ["age_over_18": true, "name_match": "not_available"]))
        XCTAssertEqual(result, .result(["age_over_18": true, "name_match": "not_available"]))
    }

    func testEveryBegunExchangeIsEndedExactlyOnce() throws {
        let connector = try instance()
        do {
            let exchange = connector.makeExchange()
            _ = try exchange.begin(query: query(), tenant: "t", requestID: "r")
            exchange.end()
            exchange.end()
            XCTAssertTrue(exchange.isEnded)
        }
        do {
            // Ended by deinit, after a result.
            let exchange = connector.makeExchange()
            _ = try exchange.begin(query: query(), tenant: "t", requestID: "r")
            _ = try exchange.step(HTTPResponse(status: 200, json: ["age_over_18": false]))
        }
        do {
            // Never begun: nothing to end.
            _ = connector.makeExchange()
        }
        XCTAssertEqual(sink.count("end"), 2)
        XCTAssertEqual(connector.activeExchanges, 0)
    }

    func testStepBeforeBeginIsAStateError() throws {
        let exchange = try instance().makeExchange()
        assertFails(.state) { try exchange.step(HTTPResponse(status: 200)) }
    }

    func testBeginTwiceAndStepAfterResultAreStateErrors() throws {
        let exchange = try instance().makeExchange()
        _ = try exchange.begin(query: query(), tenant: "t", requestID: "r")
        assertFails(.state) { try exchange.begin(query: query(), tenant: "t", requestID: "r") }
        _ = try exchange.step(HTTPResponse(status: 200, json: ["age_over_18": true]))
        assertFails(.state) { try exchange.step(HTTPResponse(status: 200)) }
        exchange.end()
        assertFails(.state) { try exchange.step(HTTPResponse(status: 200)) }
    }

    func testQueryWithoutClaimsIsInvalidInput() throws {
        let exchange = try instance().makeExchange()
        assertFails(.invalidInput) { try exchange.begin(query: ["subject": [:]], tenant: "t", requestID: "r") }
        assertFails(.invalidInput) { try exchange.begin(query: "not an object", tenant: "t", requestID: "r") }
    }

    func testConcurrentStepOnOneExchangeIsRefused() throws {
        let clock = GateClock()
        let exchange = try instance(clock: clock).makeExchange()
        _ = try exchange.begin(query: query(), tenant: "t", requestID: "r")
        clock.arm()  // the plugin's step reads the clock and is held there
        let done = DispatchSemaphore(value: 0)
        let outcome = LockedResult()
        Thread {
            do throws(ConnectorFailure) {
                outcome.set(.success(try exchange.step(HTTPResponse(status: 200, json: ["age_over_18": true]))))
            } catch {
                outcome.set(.failure(error))
            }
            done.signal()
        }.start()
        XCTAssertTrue(clock.waitUntilEntered())
        assertFails(.state) { try exchange.step(HTTPResponse(status: 200, json: ["age_over_18": true])) }
        exchange.end()  // deferred until the running step returns
        XCTAssertFalse(exchange.isEnded)
        clock.release()
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(outcome.get(), .success(.result(["age_over_18": true])))
        XCTAssertTrue(exchange.isEnded)
        XCTAssertEqual(sink.count("end"), 1)
    }

    func testExchangesRunConcurrentlyOnOneInstance() throws {
        let connector = try instance()
        let failures = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for round in 0..<40 {
                let exchange = connector.makeExchange()
                let claim: JSONValue = round % 2 == 0 ? true : false
                do throws(ConnectorFailure) {
                    guard case .request = try exchange.begin(query: query(), tenant: "t\(worker)", requestID: "\(worker)-\(round)")
                    else { failures.increment(); continue }
                    let result = try exchange.step(HTTPResponse(status: 200, json: ["age_over_18": claim]))
                    if result != .result(["age_over_18": claim]) { failures.increment() }
                } catch {
                    failures.increment()
                }
            }
        }
        XCTAssertEqual(failures.value, 0)
        XCTAssertEqual(sink.count("end"), 8 * 40)
        XCTAssertEqual(connector.activeExchanges, 0)
    }

    func testResultThatIsNotJSONIsRefused() throws {
        let exchange = try instance("result_invalid_json").makeExchange()
        let failure = assertFails(.invalidResult) { try exchange.begin(query: query(), tenant: "t", requestID: "r") }
        XCTAssertEqual(failure?.message.contains("not valid JSON"), true)
        exchange.end()
        XCTAssertEqual(sink.count("end"), 1)
    }

    func testResultWithUnrequestedClaimIsRefused() throws {
        let exchange = try instance("result_unrequested").makeExchange()
        let failure = assertFails(.invalidResult) {
            try exchange.begin(query: query(["age_over_18", "name_match"]), tenant: "t", requestID: "r")
        }
        XCTAssertEqual(failure?.message.contains("credit_score"), true)
    }

    func testResultThatIsNotAnObjectOrHasNestedValuesIsRefused() throws {
        let connector = try instance()
        for body: JSONValue in [[true], ["age_over_18": ["nested": true]], ["age_over_18": nil]] {
            let exchange = connector.makeExchange()
            _ = try exchange.begin(query: query(), tenant: "t", requestID: "r")
            assertFails(.invalidResult) { try exchange.step(HTTPResponse(status: 200, json: body)) }
        }
    }

    func testUnsafeRequestsAreRefused() throws {
        let connector = try instance("bad_request")
        let cases: [(String, String)] = [
            ("dotdot", ".."), ("encoded_dotdot", ".."), ("absolute", "absolute"),
            ("host_header", "'Host'"), ("control", "control"), ("method", "CONNECT"),
        ]
        for (mode, expected) in cases {
            let exchange = connector.makeExchange()
            let failure = assertFails(.invalidRequest) { try exchange.begin(query: query(mode: mode), tenant: "t", requestID: mode) }
            XCTAssertEqual(failure?.message.contains(expected), true, "\(mode): \(String(describing: failure))")
            XCTAssertTrue(exchange.isEnded == false)
            exchange.end()
        }
        XCTAssertEqual(sink.count("end"), cases.count)
        // The same plugin's well-formed request passes.
        guard case .request(let request) = try connector.makeExchange().begin(query: query(), tenant: "t", requestID: "ok")
        else { return XCTFail("expected a request") }
        XCTAssertEqual(request.path, "/v1/subject")
    }

    func testPluginErrorCarriesCodeAndMessageAndTheExchangeIsStillEnded() throws {
        let exchange = try instance("error_status").makeExchange()
        let failure = assertFails(.notFound) { try exchange.begin(query: query(), tenant: "t", requestID: "r") }
        XCTAssertEqual(failure?.message, "subject unknown to the DP")
        XCTAssertEqual(failure?.pluginStatus, 4)
        XCTAssertEqual(failure?.code.rawValue, "not_found")
        exchange.end()
        XCTAssertEqual(sink.count("end"), 1)
    }

    func testUpstreamErrorFromStep() throws {
        let exchange = try instance().makeExchange()
        _ = try exchange.begin(query: query(), tenant: "t", requestID: "r")
        let failure = assertFails(.upstream) { try exchange.step(HTTPResponse(status: 503)) }
        XCTAssertEqual(failure?.message, "DP answered 503")
    }

    func testUnknownStatusCodeIsReported() throws {
        let exchange = try instance("unknown_status").makeExchange()
        let failure = assertFails(.unknownStatus) { try exchange.begin(query: query(), tenant: "t", requestID: "r") }
        XCTAssertEqual(failure?.pluginStatus, 42)
        XCTAssertEqual(failure?.message.contains("forty-two"), true)
    }

    func testInvalidUTF8MessageIsSanitised() throws {
        let exchange = try instance("invalid_utf8").makeExchange()
        let failure = try XCTUnwrap(assertFails(.badResponse) { try exchange.begin(query: query(), tenant: "t", requestID: "r") })
        XCTAssertFalse(failure.message.contains("\n"))
        XCTAssertTrue(failure.message.contains("\u{FFFD}"))
        XCTAssertTrue(failure.message.hasPrefix("bad "))
        XCTAssertTrue(failure.message.hasSuffix("INJECTED log line"))
    }

    func testHealthProbe() throws {
        let exchange = try instance().makeExchange()
        guard case .request(let request) = try exchange.beginHealth(tenant: "ops", requestID: "h1") else {
            return XCTFail("expected a request")
        }
        XCTAssertEqual(request.path, "/health")
        XCTAssertEqual(try exchange.step(HTTPResponse(status: 200, json: ["healthy": true])), .result(["healthy": true]))
        let bad = try instance().makeExchange()
        _ = try bad.beginHealth(tenant: "ops", requestID: "h2")
        assertFails(.invalidResult) { try bad.step(HTTPResponse(status: 200, json: ["healthy": "yes"])) }
    }

    func testHealthProbeIsUnsupportedWithoutHealthBegin() throws {
        let exchange = try instance("result_unrequested").makeExchange()
        assertFails(.unsupported) { try exchange.beginHealth(tenant: "ops", requestID: "h") }
    }

    func testClosedInstanceIsDestroyedAfterItsLastExchange() throws {
        let connector = try instance()
        let exchange = connector.makeExchange()
        _ = try exchange.begin(query: query(), tenant: "t", requestID: "r")
        connector.close()
        XCTAssertTrue(connector.isAlive)
        XCTAssertEqual(sink.count("destroy"), 0)
        assertFails(.state) { try connector.makeExchange().begin(query: query(), tenant: "t", requestID: "r2") }
        XCTAssertEqual(try exchange.step(HTTPResponse(status: 200, json: ["age_over_18": true])), .result(["age_over_18": true]))
        exchange.end()
        XCTAssertFalse(connector.isAlive)
        XCTAssertEqual(sink.messages.suffix(2), ["end", "destroy"])
    }

    func testInstanceIsDestroyedOnlyAfterExchangesHoldingItEnd() throws {
        var connector: ConnectorInstance? = try instance()
        let exchange = try XCTUnwrap(connector).makeExchange()
        _ = try exchange.begin(query: query(), tenant: "t", requestID: "r")
        connector = nil
        XCTAssertEqual(sink.count("destroy"), 0)
        exchange.end()
        XCTAssertEqual(sink.count("destroy"), 0, "the exchange object still holds the instance")
        _ = exchange  // keep alive to here
    }
}

final class LockedCounter: Sendable {
    private let box = NSLockedValue(0)
    func increment() { box.update { $0 += 1 } }
    var value: Int { box.read() }
}

final class LockedResult: Sendable {
    private let box = NSLockedValue<Result<ExchangeStep, ConnectorFailure>?>(nil)
    func set(_ value: Result<ExchangeStep, ConnectorFailure>) { box.update { $0 = value } }
    func get() -> Result<ExchangeStep, ConnectorFailure>? { box.read() }
}

final class NSLockedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&value) } }
    func read() -> Value { lock.withLock { value } }
}
