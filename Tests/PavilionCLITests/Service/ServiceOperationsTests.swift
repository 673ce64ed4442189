import Foundation
import PavilionCore
import XCTest

/// What an operator watches: health, readiness, metrics and the JSON log.
final class ServiceOperationsTests: ServiceTestCase {
    func testHealthzAndReadyzAnswer200() throws {
        let health = try harness.curl.get("/healthz")
        XCTAssertEqual(health.status, 200, health.summary)
        XCTAssertEqual(health.json?["status"], "ok")
        let ready = try harness.curl.get("/readyz")
        XCTAssertEqual(ready.status, 200, ready.summary)
        XCTAssertEqual(ready.json?["status"], "ready")
    }

    func testMetricsHoldRequestCountersAndALatencyHistogram() throws {
        XCTAssertEqual(try verify(Self.echoBody).status, 200)
        let metrics = try harness.curl.get("/metrics")
        XCTAssertEqual(metrics.status, 200, metrics.summary)
        XCTAssertTrue(metrics.contentType.hasPrefix("text/plain"), metrics.contentType)
        let lines = metrics.body.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("pavilion_http_requests_total{") && $0.contains(#"route="/v1/verifications""#)
                          && $0.contains(#"status="200""#) }, metrics.body)
        XCTAssertTrue(lines.contains("# TYPE pavilion_http_request_duration_seconds histogram"), metrics.body)
        XCTAssertTrue(lines.contains { $0.hasPrefix("pavilion_http_request_duration_seconds_bucket{") && $0.contains(#"le="+Inf""#) },
                      metrics.body)
        XCTAssertTrue(lines.contains { $0.hasPrefix("pavilion_verifications_total{") && $0.contains(#"connector="echo""#) },
                      metrics.body)
    }

    func testEveryLogLineIsJSONAndHoldsNoKeyOrSubjectValue() throws {
        // Requests whose keys and subject values could leak into the log.
        let marked = [("log-camara", Self.camaraBody, harness.acmeKey), ("log-fhir", Self.fhirBody, harness.acmeKey),
                      ("log-wrong-key", Self.echoBody, harness.acmeKey + "x"), ("log-other", Self.camaraBody, harness.otherKey)]
        for (requestID, body, key) in marked {
            _ = try verify(body, key: key, headers: ["x-request-id: \(requestID)"])
        }
        let server = try XCTUnwrap(harness.server)
        for (requestID, _, _) in marked {
            XCTAssertNotNil(server.stderr.wait(for: { $0.contains(#""request_id":"\#(requestID)""#) && $0.contains(#""msg":"request""#) }),
                            "no access log line for \(requestID)")
        }
        let lines = server.stderr.lines.filter { !$0.isEmpty }
        XCTAssertFalse(lines.isEmpty)
        let secrets = [harness.acmeKey, harness.otherKey, "s3cr3t"] + Self.subjectValues
        for line in lines {
            let json = try? JSONParser().parse(line)
            XCTAssertNotNil(json?["ts"]?.stringValue, "not a JSON log line with ts: \(line)")
            XCTAssertNotNil(json?["level"]?.stringValue, line)
            XCTAssertNotNil(json?["msg"]?.stringValue, line)
            for secret in secrets where line.contains(secret) {
                XCTFail("a log line holds a key, secret or subject value (\(secret.prefix(6))…): \(line)")
            }
        }
    }

    func testTraceparentIsContinuedToTheDataProvider() throws {
        let trace = "4bf92f3577b34da6a3ce929d0e0e4736"
        let parent = "00-\(trace)-00f067aa0ba902b7-01"
        let answer = try verify(Self.echoBody, headers: ["traceparent: \(parent)"])
        XCTAssertEqual(answer.status, 200, answer.summary)
        let stats = try harness.simulatorControl("echo").get("/_sim/stats")
        // Among the recent ones: the host's own requests (health probes) may come after it.
        let recent = try XCTUnwrap(stats.json?["recent_traceparents"]?.arrayValue, stats.body).compactMap(\.stringValue)
        let seen = try XCTUnwrap(recent.last { $0.split(separator: "-").dropFirst().first.map(String.init) == trace },
                                 "the caller's trace id never reached the DP: \(recent)")
        let fields = seen.split(separator: "-").map(String.init)
        XCTAssertEqual(fields.count, 4, seen)
        XCTAssertEqual(fields[0], "00", seen)
        XCTAssertNotEqual(fields[2], "00f067aa0ba902b7", "with Pavilion's own span id as the parent")
        XCTAssertEqual(fields[2].count, 16, seen)
    }
}
