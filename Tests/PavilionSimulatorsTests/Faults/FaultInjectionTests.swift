import PavilionCore
import PavilionNet
import PavilionSimulators
import XCTest

/// Each fault as a client observes it, and runtime changes through `/_sim/faults`.
final class FaultInjectionTests: XCTestCase {
    func testLatencyDelaysTheAnswerByAtLeastTheConfiguredTime() async throws {
        let harness = try SimulatorHarness(.echo, faults: SimulatorFaults(latencyMs: 150))
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await harness.send("GET", "/echo")
        let elapsed = clock.now - start
        XCTAssertEqual(response.status, 200)
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(150))
        XCTAssertEqual(harness.simulator.stats.faults["latency"], 1)
        await harness.stop()
    }

    func testErrorRateOneAnswers503InTheProviderErrorShape() async throws {
        let harness = try SimulatorHarness(.camara, faults: SimulatorFaults(errorRate: 1))
        let response = try await harness.send("POST", "/kyc-match/v0.3/match", json: ["phoneNumber": "+34600000001"])
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(try response.json()["code"], "UNAVAILABLE")
        let query: JSONValue = ["subject": ["phone_number": "+34600000001", "given_name": "Ana"],
                                "claims": ["given_name_match"]]
        let outcome = try await ShippedConnector.run(try ShippedConnector.instance("camara-kyc-match"), query: query,
                                                     client: harness.client, endpoint: harness.endpoint)
        XCTAssertEqual(outcome, .failure(.upstream))
        await harness.stop()
    }

    func testSeededErrorRateIsRepeatableAndMixed() async throws {
        func statuses(seed: UInt64) async throws -> [Int] {
            let harness = try SimulatorHarness(.echo, faults: SimulatorFaults(errorRate: 0.5), seed: seed)
            var result: [Int] = []
            for _ in 0..<24 { result.append(try await harness.send("GET", "/echo").status) }
            await harness.stop()
            return result
        }
        let first = try await statuses(seed: 42)
        let second = try await statuses(seed: 42)
        XCTAssertEqual(first, second)
        XCTAssertTrue(first.contains(200) && first.contains(503), "\(first)")
        XCTAssertEqual(Set(first), [200, 503])
    }

    func testGarbageIsA200TheConnectorCannotRead() async throws {
        let harness = try SimulatorHarness(.fhir)
        let token = try await harness.token()
        try harness.simulator.setFaults(SimulatorFaults(garbage: true, paths: ["/fhir/"]))
        let response = try await harness.send("GET", "/fhir/R4/Patient?family=Garcia",
                                              headers: [("authorization", "Bearer \(token)")])
        XCTAssertEqual(response.status, 200)
        XCTAssertThrowsError(try response.json())
        let query: JSONValue = ["subject": ["identifier": "urn:oid:2.16.840.1.113883.4.1|123-45-6789"],
                                "claims": ["patient_exists"]]
        let outcome = try await ShippedConnector.run(try ShippedConnector.instance("fhir-patient"), query: query,
                                                     client: harness.client, endpoint: harness.endpoint)
        XCTAssertEqual(outcome, .failure(.badResponse), "the token path is outside the fault's paths")
        await harness.stop()
    }

    func testStallReadsTheRequestAndNeverAnswers() async throws {
        let harness = try SimulatorHarness(.echo, faults: SimulatorFaults(stall: true))
        do {
            _ = try await harness.send("GET", "/echo", timeout: .milliseconds(300))
            XCTFail("a stalled request must not be answered")
        } catch let error as HTTPClientError {
            XCTAssertEqual(error.code, .timeout)
        }
        XCTAssertTrue(waitUntil { harness.simulator.stats.faults["stall"] == 1 })
        XCTAssertEqual(harness.simulator.stats.requests["/echo"], 1)
        await harness.stop()  // closes the held connection within the grace period
    }

    func testResetClosesTheConnectionWithoutAnAnswer() async throws {
        let harness = try SimulatorHarness(.echo, faults: SimulatorFaults(reset: true))
        do {
            _ = try await harness.send("GET", "/echo")
            XCTFail("a reset request must not be answered")
        } catch let error as HTTPClientError {
            XCTAssertEqual(error.code, .connectionReset)
        }
        XCTAssertGreaterThanOrEqual(harness.simulator.stats.faults["reset"] ?? 0, 1)
        await harness.stop()
    }

    func testStatusOverrideAnswersThatStatus() async throws {
        let harness = try SimulatorHarness(.fhir, faults: SimulatorFaults(status: 429))
        let response = try await harness.send("GET", "/fhir/R4/metadata")
        XCTAssertEqual(response.status, 429)
        XCTAssertEqual(try response.json()["resourceType"], "OperationOutcome")
        try harness.simulator.setFaults(SimulatorFaults(status: 203))
        let success = try await harness.send("GET", "/fhir/R4/metadata")
        XCTAssertEqual(success.status, 203)
        XCTAssertEqual(try success.json()["resourceType"], "CapabilityStatement")
        await harness.stop()
    }

    func testFaultsChangeAtRuntimeThroughTheControlAPI() async throws {
        let harness = try SimulatorHarness(.echo)
        let status1 = try await harness.send("GET", "/echo").status
        XCTAssertEqual(status1, 200)

        let set = try await harness.send("POST", "/_sim/faults", json: ["status": 500, "paths": ["/echo"]])
        XCTAssertEqual(set.status, 200)
        XCTAssertEqual(try set.json()["status"], 500)
        XCTAssertEqual(harness.simulator.faults, SimulatorFaults(status: 500, paths: ["/echo"]))
        let status2 = try await harness.send("GET", "/echo").status
        XCTAssertEqual(status2, 500)
        let status3 = try await harness.send("GET", "/health").status
        XCTAssertEqual(status3, 200, "outside the fault's paths")

        let read = try await harness.send("GET", "/_sim/faults")
        XCTAssertEqual(try read.json()["paths"], ["/echo"])

        let cleared = try await harness.send("POST", "/_sim/faults", json: [:])
        XCTAssertEqual(cleared.status, 200)
        let status4 = try await harness.send("GET", "/echo").status
        XCTAssertEqual(status4, 200)

        let stats = try await harness.send("GET", "/_sim/stats").json()
        XCTAssertEqual(stats["simulator"], "echo")
        XCTAssertEqual(stats["requests"]?["/echo"], 3)
        XCTAssertEqual(stats["requests"]?["/health"], 1)
        XCTAssertEqual(stats["faults"]?["status"], 1)
        XCTAssertNil(stats["requests"]?["/_sim/faults"], "control requests are not counted")
        await harness.stop()
    }

    func testInvalidFaultsAreRefusedAndLeaveTheOldOnes() async throws {
        let harness = try SimulatorHarness(.echo, faults: SimulatorFaults(latencyMs: 1))
        for body in [#"{"errorRate":2}"#, #"{"latencyMs":600001}"#, #"{"latency":5}"#, #"{"status":99}"#,
                     #"{"stall":"yes"}"#, #"[1]"#, #"{"#] {
            let response = try await harness.send("POST", "/_sim/faults", headers: [("content-type", "application/json")],
                                                  body: Array(body.utf8))
            XCTAssertEqual(response.status, 400, body)
            XCTAssertEqual(response.headers["content-type"], "application/problem+json", body)
        }
        XCTAssertEqual(harness.simulator.faults, SimulatorFaults(latencyMs: 1))
        XCTAssertThrowsError(try harness.simulator.setFaults(SimulatorFaults(errorRate: -0.1)))
        XCTAssertThrowsError(try DPSimulator(configuration: SimulatorConfiguration(kind: .echo,
                                                                                   faults: SimulatorFaults(latencyMs: -1))))
        await harness.stop()
    }
}
