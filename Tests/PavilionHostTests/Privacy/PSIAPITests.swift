import Dispatch
import Foundation
import PavilionCore
import PavilionNet
@testable import PavilionHost
import PavilionPrivacy
import PavilionTestSupport
import XCTest

/// PSI through the host: a data provider's published set is configured in
/// `privacy.psi_sets`, and a relying party's backend runs the real
/// `pavilion psi query --key` (PSIClient over HTTP) against
/// `/v1/privacy/psi/{set}` with its tenant key.
final class PSIAPITests: XCTestCase {
    /// The provider's set: 300 numbers and an e-mail address.
    private static let provider = (0..<300).map { String(format: "+4477009%05d", $0) } + ["fraud@example.com"]
    /// The relying party's set: 200 numbers (50 of them listed), the e-mail address, one more.
    private static let relyingParty = (250..<450).map { String(format: "+4477009%05d", $0) } + ["fraud@example.com", "ok@example.com"]

    private func files() throws -> (dir: URL, provider: String, relyingParty: String) {
        let dir = try TestEnvironment.makeTemporaryDirectory("pavilion-psi-api")
        let provider = dir.appendingPathComponent("provider.txt"), relyingParty = dir.appendingPathComponent("rp.txt")
        try (Self.provider.joined(separator: "\n") + "\n").write(to: provider, atomically: true, encoding: .utf8)
        try (Self.relyingParty.joined(separator: "\n") + "\n").write(to: relyingParty, atomically: true, encoding: .utf8)
        return (dir, provider.path, relyingParty.path)
    }

    private func host(_ setFile: String, elementsPerMinute: Int = 1_000_000) async throws -> HostHarness {
        var privacy = PrivacyConfiguration()
        privacy.psiElementsPerMinute = elementsPerMinute
        privacy.psiSets = [
            "fraud-list": .init(file: setFile, tenants: ["acme"]),
            "fraud-count": .init(file: setFile, cardinalityOnly: true, tenants: ["acme", "other"]),
        ]
        return try await HostHarness(privacy: privacy)
    }

    /// The real binary, run off the cooperative pool (the host answers on it meanwhile).
    private func query(_ host: HostHarness, set: String, rpFile: String, key: String?, cardinality: Bool = false) async throws
        -> TestEnvironment.ProcessResult {
        var arguments = ["psi", "query", "--server", "http://127.0.0.1:\(host.service.port)/v1/privacy/psi/\(set)/", "--set", rpFile]
        if let key { arguments += ["--key", key] }
        if cardinality { arguments.append("--cardinality") }
        let words = arguments
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try TestEnvironment.pavilion(words) }) }
        }
    }

    func testARelyingPartyGetsTheExactIntersectionOrOnlyItsSizeThroughTheHost() async throws {
        let sets = try files()
        defer { try? FileManager.default.removeItem(at: sets.dir) }
        let host = try await host(sets.provider)
        do {
            // Intersection: the listed elements of the relying party's set, in its file order (two batches of 126).
            let expected = Array(Self.relyingParty[0..<50]) + ["fraud@example.com"]
            let found = try await query(host, set: "fraud-list", rpFile: sets.relyingParty, key: host.acmeKey)
            XCTAssertEqual(found.status, 0, found.stderr)
            let json = try JSONParser().parse(found.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            XCTAssertEqual(json["intersection"]?.arrayValue?.compactMap(\.stringValue), expected)

            let info = try await host.send("GET", "/v1/privacy/psi/fraud-list", key: host.acmeKey)
            XCTAssertEqual(info.status, 200, info.text)
            XCTAssertEqual(info.json?["setSize"], .int(Int64(Self.provider.count)))
            XCTAssertEqual(info.json?["mode"], "intersection")
            XCTAssertEqual(info.json?["maxBatch"], .int(Int64(8 * 1024 / 65)), "what fits the host's body limit")

            // Cardinality only: the size, and no per-element evaluation.
            let counted = try await query(host, set: "fraud-count", rpFile: sets.relyingParty, key: host.acmeKey, cardinality: true)
            XCTAssertEqual(counted.status, 0, counted.stderr)
            XCTAssertEqual(counted.stdout.trimmingCharacters(in: .whitespacesAndNewlines), #"{"cardinality":51}"#)
            let refused = try await query(host, set: "fraud-count", rpFile: sets.relyingParty, key: host.acmeKey)
            XCTAssertEqual(refused.status, 1)
            XCTAssertTrue(refused.stderr.contains("cardinality"), refused.stderr)
            let evaluate = try await host.send("POST", "/v1/privacy/psi/fraud-count/evaluate", key: host.acmeKey,
                                               body: String(repeating: "A", count: 65))
            XCTAssertEqual(evaluate.status, 403, evaluate.text)
            XCTAssertEqual(evaluate.json?["code"], "psi_refused")
            // An intersection set opens no sessions.
            let session = try await host.send("POST", "/v1/privacy/psi/fraud-list/sessions", key: host.acmeKey)
            XCTAssertEqual(session.status, 403, session.text)

            // The audit trail has each step, purpose privacy.psi; the log has counts, never an element.
            let audit = try await host.send("GET", "/v1/audit?limit=1000", key: host.acmeKey)
            let records = (audit.json?["records"]?.arrayValue ?? []).filter { $0["purpose"] == "privacy.psi" }
            let outcomes = Set(records.compactMap { $0["outcome"]?.stringValue })
            XCTAssertTrue(outcomes.isSuperset(of: ["psi.info", "psi.evaluate", "psi.set", "psi.sessions", "psi.session_points",
                                                   "psi.session_finish", "psi_refused"]), "\(outcomes)")
            let logs = host.logs.lines.joined(separator: "\n")
            XCTAssertTrue(logs.contains(#""points":126"#), "the log counts the points")
            XCTAssertFalse(logs.contains("447700900"), "no element in the log")
            XCTAssertFalse(logs.contains("fraud@example.com"), "no element in the log")
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }

    func testOtherTenantsMissingKeysAndMalformedRequestsAreRefused() async throws {
        let sets = try files()
        defer { try? FileManager.default.removeItem(at: sets.dir) }
        let host = try await host(sets.provider)
        do {
            let unauthenticated = try await query(host, set: "fraud-list", rpFile: sets.relyingParty, key: nil)
            XCTAssertEqual(unauthenticated.status, 1)
            XCTAssertTrue(unauthenticated.stderr.contains("401"), unauthenticated.stderr)
            let noKey = try await host.send("GET", "/v1/privacy/psi/fraud-list")
            XCTAssertEqual(noKey.status, 401, noKey.text)

            // The set is not listed for tenant other: as if it did not exist.
            let other = try await query(host, set: "fraud-list", rpFile: sets.relyingParty, key: host.otherKey)
            XCTAssertEqual(other.status, 1)
            XCTAssertTrue(other.stderr.contains("404"), other.stderr)
            for (method, path) in [("GET", "/v1/privacy/psi/fraud-list"), ("POST", "/v1/privacy/psi/fraud-list/evaluate"),
                                   ("GET", "/v1/privacy/psi/nothing")] {
                let r = try await host.send(method, path, key: host.otherKey, body: method == "POST" ? String(repeating: "A", count: 65) : nil)
                XCTAssertEqual(r.status, 404, "\(method) \(path): \(r.text)")
                XCTAssertEqual(r.json?["code"], "psi_set_not_found")
            }
            let admin = try await host.send("GET", "/v1/privacy/psi/fraud-list", key: host.adminKey)
            XCTAssertEqual(admin.status, 403, admin.text)
            let method = try await host.send("DELETE", "/v1/privacy/psi/fraud-list", key: host.acmeKey)
            XCTAssertEqual(method.status, 405, method.text)

            // Malformed bodies and pages: 400, as from pavilion psi serve.
            let off = String(repeating: "A", count: 65)
            for (path, body) in [("evaluate", ""), ("evaluate", "abc"), ("evaluate", off), ("evaluate", off + "A")] {
                let r = try await host.send("POST", "/v1/privacy/psi/fraud-list/\(path)", key: host.acmeKey, body: body)
                XCTAssertEqual(r.status, 400, "\(body.count) bytes: \(r.text)")
                XCTAssertEqual(r.json?["code"], "psi_malformed_message")
            }
            for query in ["offset=x&count=1", "offset=0", "offset=-1&count=1", "offset=0&count=70000", "offset=0&count=1&page=2"] {
                let r = try await host.send("GET", "/v1/privacy/psi/fraud-list/set?\(query)", key: host.acmeKey)
                XCTAssertEqual(r.status, 400, "\(query): \(r.text)")
            }
            let page = try await host.send("GET", "/v1/privacy/psi/fraud-list/set?offset=0&count=2", key: host.acmeKey)
            XCTAssertEqual(page.status, 200, page.text)

            // A session belongs to the tenant that opened it.
            let opened = try await host.send("POST", "/v1/privacy/psi/fraud-count/sessions", key: host.acmeKey)
            XCTAssertEqual(opened.status, 201, opened.text)
            let id = try XCTUnwrap(opened.json?["session"]?.stringValue)
            for step in ["points", "finish"] {
                let r = try await host.send("POST", "/v1/privacy/psi/fraud-count/sessions/\(id)/\(step)", key: host.otherKey, body: off)
                XCTAssertEqual(r.status, 400, r.text)
                XCTAssertEqual(r.json?["code"], "psi_malformed_message")
            }
            let bad = try await host.send("POST", "/v1/privacy/psi/fraud-count/sessions/\(id)/points", key: host.acmeKey, body: off)
            XCTAssertEqual(bad.status, 400, "a point off the curve: \(bad.text)")
            let finished = try await host.send("POST", "/v1/privacy/psi/fraud-count/sessions/\(id)/finish", key: host.acmeKey)
            XCTAssertEqual(finished.status, 200, finished.text)
            let again = try await host.send("POST", "/v1/privacy/psi/fraud-count/sessions/\(id)/finish", key: host.acmeKey)
            XCTAssertEqual(again.status, 400, again.text)
            // One tenant's open sessions do not use up another's.
            for _ in 0..<PSIHostSet.sessionsPerTenant {
                let r = try await host.send("POST", "/v1/privacy/psi/fraud-count/sessions", key: host.acmeKey)
                XCTAssertEqual(r.status, 201, r.text)
            }
            let full = try await host.send("POST", "/v1/privacy/psi/fraud-count/sessions", key: host.acmeKey)
            XCTAssertEqual(full.status, 403, full.text)
            XCTAssertEqual(full.json?["code"], "psi_refused")
            let others = try await host.send("POST", "/v1/privacy/psi/fraud-count/sessions", key: host.otherKey)
            XCTAssertEqual(others.status, 201, others.text)
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }

    func testEvaluatedElementsAreChargedToTheTenantsRateLimit() async throws {
        let sets = try files()
        defer { try? FileManager.default.removeItem(at: sets.dir) }
        // 100 elements a minute: one batch of 126 is over the limit whenever it is sent.
        let host = try await host(sets.provider, elementsPerMinute: 100)
        do {
            let limited = try await query(host, set: "fraud-list", rpFile: sets.relyingParty, key: host.acmeKey)
            XCTAssertEqual(limited.status, 1)
            XCTAssertTrue(limited.stderr.contains("429"), limited.stderr)
            let points = String(repeating: "A", count: 65 * 101)
            let r = try await host.send("POST", "/v1/privacy/psi/fraud-list/evaluate", key: host.acmeKey, body: points)
            XCTAssertEqual(r.status, 429, r.text)
            XCTAssertEqual(r.json?["code"], "rate_limited")
            XCTAssertNotNil(r.headers["retry-after"].flatMap { Int($0) })
            // Cardinality sessions are charged the same way.
            let opened = try await host.send("POST", "/v1/privacy/psi/fraud-count/sessions", key: host.acmeKey)
            let id = try XCTUnwrap(opened.json?["session"]?.stringValue, opened.text)
            let s = try await host.send("POST", "/v1/privacy/psi/fraud-count/sessions/\(id)/points", key: host.acmeKey, body: points)
            XCTAssertEqual(s.status, 429, s.text)
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }

    func testAMissingSetFileStopsTheStartWithItsKeyPath() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("pavilion-psi-missing")
        defer { try? FileManager.default.removeItem(at: dir) }
        var privacy = PrivacyConfiguration()
        privacy.psiSets = ["fraud-list": .init(file: dir.appendingPathComponent("absent.txt").path, tenants: ["acme"])]
        do {
            let host = try await HostHarness(privacy: privacy)
            await host.stop()
            XCTFail("the host started without its PSI set")
        } catch let error as HostServiceError {
            XCTAssertTrue(error.description.contains("privacy.psi_sets.fraud-list.file"), error.description)
        }
    }
}
