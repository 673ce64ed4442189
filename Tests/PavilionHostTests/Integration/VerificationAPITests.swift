import Foundation
import PavilionCore
import PavilionHost
import PavilionNet
import PavilionStore
import PavilionTestSupport
import XCTest

/// The host in-process: real server, real SQLite store, the real echo
/// connector library, and a DP stand-in on loopback.
final class VerificationAPITests: XCTestCase {
    func testHappyPathAnswersStoresAndAuditsTheVerification() async throws {
        let host = try await HostHarness()
        do {
            let caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody(),
                                        headers: [("x-request-id", "req-happy-1"), ("traceparent", caller)])
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual(r.headers["x-request-id"], "req-happy-1")
            let json = try XCTUnwrap(r.json)
            XCTAssertEqual(json["status"], "completed")
            XCTAssertEqual(json["claims"], ["echo": true])
            XCTAssertEqual(json["connector"], "echo")
            XCTAssertEqual(json["connector_version"], "1.0.0")
            XCTAssertEqual(json["region"], "local")
            XCTAssertEqual(json["request_id"], "req-happy-1")
            let id = try XCTUnwrap(json["id"]?.stringValue)
            XCTAssertTrue(id.hasPrefix("vrf_"))

            // The DP saw the trace continued (same trace id, new span) and the request id.
            let seen = try XCTUnwrap(host.dp.state.seen.withLock { $0.last })
            let trace = try XCTUnwrap(seen["traceparent"])
            XCTAssertTrue(trace.hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736-"), trace)
            XCTAssertFalse(trace.contains("00f067aa0ba902b7"), trace)
            XCTAssertEqual(seen["x-request-id"], "req-happy-1")

            // Read back.
            let back = try await host.send("GET", "/v1/verifications/\(id)", key: host.acmeKey)
            XCTAssertEqual(back.status, 200, back.text)
            XCTAssertEqual(back.json?["status"], "completed")
            XCTAssertEqual(back.json?["claims"], ["echo": true])

            // One audit record, written with the verification; the chain verifies.
            let chain = try await host.store.verifyAuditChain()
            XCTAssertTrue(chain.problems.isEmpty, "\(chain.problems)")
            let records = try await host.store.auditRecords(tenant: TenantID("acme"), afterSequence: 0, limit: 10)
            XCTAssertEqual(records.count, 1)
            let entry = try XCTUnwrap(records.first?.entry)
            XCTAssertEqual(entry.verificationID?.rawValue, id)
            XCTAssertEqual(entry.decision, .permit)
            XCTAssertEqual(entry.outcome, "completed")
            XCTAssertEqual(entry.purpose, "testing")
            XCTAssertEqual(entry.lawfulBasis, "legitimate_interests")
            XCTAssertEqual(entry.connector, "echo")
            XCTAssertEqual(entry.requestID, "req-happy-1")
            XCTAssertNotNil(entry.connectorMilliseconds)

            // The tenant sees its audit record through the API.
            let audit = try await host.send("GET", "/v1/audit", key: host.acmeKey)
            XCTAssertEqual(audit.status, 200, audit.text)
            XCTAssertEqual(audit.json?["records"]?.arrayValue?.count, 1)
            XCTAssertEqual(audit.json?["records"]?.arrayValue?.first?["verification_id"]?.stringValue, id)
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }

    func testWithoutConnectorTheHostChoosesTheOneOfferingTheClaims() async throws {
        let host = try await HostHarness()
        let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody(connector: nil))
        XCTAssertEqual(r.status, 200, r.text)
        XCTAssertEqual(r.json?["connector"], "echo")
        await host.stop()
    }

    func testMissingOrInvalidKeyIs401() async throws {
        let host = try await HostHarness()
        let none = try await host.send("POST", "/v1/verifications", body: HostHarness.echoBody())
        XCTAssertEqual(none.status, 401)
        XCTAssertEqual(none.json?["code"], "unauthenticated")
        XCTAssertEqual(none.headers["www-authenticate"], "Bearer")
        XCTAssertEqual(none.headers["content-type"], "application/problem+json")
        XCTAssertNotNil(none.headers["x-request-id"])
        let bad = try await host.send("GET", "/v1/connectors", key: "pvk_0000000000000000_" + String(repeating: "0", count: 64))
        XCTAssertEqual(bad.status, 401)
        XCTAssertEqual(bad.json?["code"], "unauthenticated")
        let garbage = try await host.send("GET", "/v1/connectors", key: "not-a-key")
        XCTAssertEqual(garbage.status, 401)
        await host.stop()
    }

    func testAnotherTenantsVerificationIs403AndAnUnknownOneIs404() async throws {
        let host = try await HostHarness()
        let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
        let id = try XCTUnwrap(r.json?["id"]?.stringValue)
        let foreign = try await host.send("GET", "/v1/verifications/\(id)", key: host.otherKey)
        XCTAssertEqual(foreign.status, 403, foreign.text)
        XCTAssertEqual(foreign.json?["code"], "forbidden")
        XCTAssertNil(foreign.json?["claims"])
        let unknown = try await host.send("GET", "/v1/verifications/vrf_00000000000000000000000000000000", key: host.otherKey)
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.json?["code"], "verification_not_found")
        let admin = try await host.send("GET", "/v1/verifications/\(id)", key: host.adminKey)
        XCTAssertEqual(admin.status, 200)
        XCTAssertEqual(admin.json?["tenant"], "acme")
        await host.stop()
    }

    func testDisabledTenantIs403() async throws {
        let host = try await HostHarness()
        try await host.store.setTenantStatus(.disabled, for: TenantID("other"))
        let r = try await host.send("GET", "/v1/connectors", key: host.otherKey)
        XCTAssertEqual(r.status, 403)
        XCTAssertEqual(r.json?["code"], "tenant_disabled")
        await host.stop()
    }

    func testBadRequestsAreProblemsWithStableCodes() async throws {
        let host = try await HostHarness()
        let cases: [(body: String, status: Int, code: String)] = [
            ("{not json", 400, "invalid_json"),
            (#"{"claims":["echo"]}"#, 400, "invalid_request"),
            (HostHarness.echoBody(connector: "nope"), 400, "unknown_connector"),
            (#"{"connector":"echo","claims":["age_over_18"],"subject":{},"purpose":"testing","jurisdiction":"eu"}"#, 400, "claim_not_offered"),
            (HostHarness.echoBody(subject: #"{"name":"Ada Lovelace"}"#), 400, "invalid_subject"),
            (HostHarness.echoBody(purpose: "marketing"), 400, "purpose_not_allowed"),
            (HostHarness.echoBody(jurisdiction: "us"), 400, "residency_not_allowed"),
        ]
        for c in cases {
            let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: c.body)
            XCTAssertEqual(r.status, c.status, "\(c.body): \(r.text)")
            XCTAssertEqual(r.json?["code"]?.stringValue, c.code, c.body)
            XCTAssertEqual(r.headers["content-type"], "application/problem+json")
            XCTAssertFalse(r.text.contains("Ada Lovelace"), "a subject value leaked into the problem: \(r.text)")
            XCTAssertEqual(r.json?["status"]?.intValue, Int64(c.status))
        }
        // Every refused request left an audit record; none holds the subject's name.
        let chain = try await host.store.verifyAuditChain()
        XCTAssertTrue(chain.problems.isEmpty)
        let records = try await host.store.auditRecords(tenant: nil, afterSequence: 0, limit: 100)
        XCTAssertEqual(records.count, cases.count)
        XCTAssertTrue(records.allSatisfy { $0.entry.decision == .deny })
        XCTAssertFalse(host.logs.lines.joined().contains("Ada Lovelace"))
        await host.stop()
    }

    func testOversizedBodyIs413AndOversizedHeadersAre431() async throws {
        let host = try await HostHarness()
        let big = try await host.send("POST", "/v1/verifications", key: host.acmeKey,
                                      body: #"{"pad":""# + String(repeating: "x", count: 10_000) + #""}"#)
        XCTAssertEqual(big.status, 413, big.text)
        XCTAssertEqual(big.headers["content-type"], "application/problem+json")
        let headers = try await host.send("GET", "/v1/connectors", key: host.acmeKey,
                                          headers: [("x-padding", String(repeating: "y", count: 6_000))])
        XCTAssertEqual(headers.status, 431, headers.text)
        await host.stop()
    }

    func testGarbageFromTheDataProviderIs502AndRefusalToo() async throws {
        let garbage = try GarbageDP()
        let host = try await HostHarness(overrides: { _ in
            ["echo": ["local": EndpointURL("http://127.0.0.1:\(garbage.port)")].compactMapValues { $0 }]
        })
        let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
        XCTAssertEqual(r.status, 502, r.text)
        XCTAssertEqual(r.json?["code"], "upstream_error")
        garbage.stop()

        // Point the region at a closed port through a reload: connection refused is a 502 too.
        var config = host.service.configuration
        config.endpointOverrides = ["echo": ["local": try XCTUnwrap(EndpointURL("http://127.0.0.1:\(garbage.port)"))]]
        try await host.service.reload(configuration: config)
        let refused = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
        XCTAssertEqual(refused.status, 502, refused.text)
        let records = try await host.store.auditRecords(tenant: nil, afterSequence: 0, limit: 10)
        XCTAssertEqual(records.map(\.entry.outcome), ["upstream_error", "upstream_error"])
        XCTAssertEqual(records.map(\.entry.decision), [.permit, .permit])
        await host.stop()
    }

    func testStallingDataProviderIs504AtTheBudget() async throws {
        let host = try await HostHarness()
        host.dp.state.behaviour.withLock { $0 = .stall }
        let started = ContinuousClock.now
        let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
        let elapsed = ContinuousClock.now - started
        XCTAssertEqual(r.status, 504, r.text)
        XCTAssertEqual(r.json?["code"], "upstream_timeout")
        XCTAssertLessThan(elapsed, .seconds(5))
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(1_400))
        await host.stop()
    }

    func testMetricsCountRequestsAndVerifications() async throws {
        let host = try await HostHarness()
        _ = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
        _ = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
        _ = try await host.send("POST", "/v1/verifications", body: HostHarness.echoBody())
        let r = try await host.send("GET", "/metrics")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        XCTAssertTrue(r.text.contains(#"pavilion_http_requests_total{route="/v1/verifications",method="POST",status="200"} 2"#), r.text)
        XCTAssertTrue(r.text.contains(#"pavilion_http_requests_total{route="/v1/verifications",method="POST",status="401"} 1"#), r.text)
        XCTAssertTrue(r.text.contains(#"pavilion_verifications_total{connector="echo",outcome="completed"} 2"#), r.text)
        XCTAssertTrue(r.text.contains(#"pavilion_exchange_duration_seconds_count{connector="echo"} 2"#), r.text)
        XCTAssertTrue(r.text.contains(#"pavilion_connector_state{connector="echo",state="loaded"} 1"#), r.text)
        XCTAssertTrue(r.text.contains("pavilion_open_connections "), r.text)
        XCTAssertTrue(r.text.contains(#"pavilion_http_request_duration_seconds_bucket{route="/v1/verifications",le="+Inf"} 3"#), r.text)
        // Every stored verification went through a timed group commit.
        XCTAssertTrue(r.text.contains("pavilion_store_commit_verifications_sum 2"), r.text)
        XCTAssertTrue(r.text.contains("# TYPE pavilion_store_commit_seconds histogram"), r.text)
        let commits = r.text.split(separator: "\n").first { $0.hasPrefix("pavilion_store_commit_seconds_count ") }
        XCTAssertTrue((1...2).contains(Int(commits?.split(separator: " ").last ?? "") ?? 0), r.text)
        await host.stop()
    }

    func testConnectorsHealthAndReadiness() async throws {
        let host = try await HostHarness()
        let list = try await host.send("GET", "/v1/connectors", key: host.acmeKey)
        XCTAssertEqual(list.status, 200, list.text)
        let first = try XCTUnwrap(list.json?["connectors"]?.arrayValue?.first)
        XCTAssertEqual(first["name"], "echo")
        XCTAssertEqual(first["purposes"], ["testing"])
        XCTAssertEqual(first["regions"]?.arrayValue?.first?["residency"], "eu")
        let health = try await host.send("GET", "/healthz")
        XCTAssertEqual(health.status, 200)
        let ready = try await host.send("GET", "/readyz")
        XCTAssertEqual(ready.status, 200, ready.text)
        host.service.api.setDraining(true)
        let draining = try await host.send("GET", "/readyz")
        XCTAssertEqual(draining.status, 503)
        let unknown = try await host.send("GET", "/nope")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.json?["code"], "not_found")
        let wrongMethod = try await host.send("DELETE", "/v1/verifications", key: host.acmeKey)
        XCTAssertEqual(wrongMethod.status, 405)
        await host.stop()
    }

    func testAccessLogIsJSONWithRequestIDAndNoSubjectData() async throws {
        let host = try await HostHarness()
        _ = try await host.send("POST", "/v1/verifications", key: host.acmeKey,
                                body: HostHarness.echoBody(subject: #"{"secret_name":"Grace Hopper"}"#),
                                headers: [("x-request-id", "req-log-1")])
        await host.stop()
        let lines = host.logs.lines
        XCTAssertTrue(lines.contains { $0.contains(#""msg":"ready""#) })
        let access = try lines.map { try JSONParser().parse($0) }.filter { $0["msg"] == "request" && $0["request_id"] == "req-log-1" }
        XCTAssertEqual(access.count, 1)
        XCTAssertEqual(access.first?["tenant"], "acme")
        XCTAssertEqual(access.first?["status"], 400)
        XCTAssertEqual(access.first?["route"], "/v1/verifications")
        XCTAssertNotNil(access.first?["duration_ms"])
        XCTAssertNotNil(access.first?["ts"])
        XCTAssertFalse(lines.joined().contains("Grace Hopper"))
        XCTAssertFalse(lines.joined().contains(host.acmeKey))
    }

    func testTLSHappyPath() async throws {
        let certificates = try TestCertificates.make()
        let host = try await HostHarness(tls: certificates)
        XCTAssertTrue(host.service.baseURL.hasPrefix("https://127.0.0.1:"))
        let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
        XCTAssertEqual(r.status, 200, r.text)
        XCTAssertEqual(r.json?["claims"], ["echo": true])
        await host.stop()
        try? FileManager.default.removeItem(at: certificates.directory)
    }
}
