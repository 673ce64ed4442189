import Foundation
import PavilionCore
import PavilionManifest
@testable import PavilionHost
import PavilionPrivacy
import PavilionStore
import PavilionTestSupport
import XCTest

/// Repeated yes/no questions about one subject by one relying party spend
/// a per-RP, per-subject budget; over it the host answers 429
/// `privacy_budget_exhausted` with Retry-After, and the spending survives
/// a restart (it is in the store's ledger).
final class ProbingLimitTests: XCTestCase {
    func testRepeatedYesNoQuestionsAboutOneSubjectAreRefusedOverTheLimit() async throws {
        let privacy = PrivacyConfiguration(probing: .init(answersPerPeriod: 3, resetPeriodSeconds: 86_400,
                                                          tenants: ["other": ProbingPolicy(answersPerPeriod: 1, resetPeriodSeconds: 3600)]))
        let host = try await HostHarness(privacy: privacy)
        do {
            for i in 0..<3 {
                let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
                XCTAssertEqual(r.status, 200, "answer \(i): \(r.text)")
            }
            let refused = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody(),
                                              headers: [("x-request-id", "probe-4")])
            XCTAssertEqual(refused.status, 429, refused.text)
            XCTAssertEqual(refused.json?["code"], "privacy_budget_exhausted")
            XCTAssertEqual(refused.json?["budget"], "relying party acme, one subject")
            XCTAssertEqual(refused.json?["scope"], "probing")
            let retry = try XCTUnwrap(refused.headers["retry-after"].flatMap { Int($0) })
            XCTAssertTrue((1...86_400).contains(retry), "\(retry)")
            XCTAssertFalse(refused.text.contains("subject_digest"))

            // Another relying party is not affected; its own (stricter) limit applies to it.
            let other = try await host.send("POST", "/v1/verifications", key: host.otherKey, body: HostHarness.echoBody())
            XCTAssertEqual(other.status, 200, other.text)
            let otherAgain = try await host.send("POST", "/v1/verifications", key: host.otherKey, body: HostHarness.echoBody())
            XCTAssertEqual(otherAgain.status, 429, otherAgain.text)
            XCTAssertLessThanOrEqual(try XCTUnwrap(otherAgain.headers["retry-after"].flatMap { Int($0) }), 3600)

            // The refusal is audited, and the ledger holds digests, never the subject.
            let records = try await host.store.auditRecords(tenant: TenantID("acme"), afterSequence: 0, limit: 10)
            XCTAssertEqual(records.last?.entry.requestID, "probe-4")
            XCTAssertEqual(records.last?.entry.outcome, "privacy_budget_exhausted")
            let ledger = try host.store.privacyLedgerRecords()
            XCTAssertEqual(ledger.count, 4, "three answers to acme, one to other; refusals spend nothing")
            XCTAssertTrue(ledger.allSatisfy { if case .probing = $0.account { return true } else { return false } })

            // A restarted engine over the same store remembers the answers.
            let restarted = try PrivacyEngine(configuration: privacy, dataDirectory: host.root.appendingPathComponent("data").path,
                                              store: host.store)
            let echo = try XCTUnwrap(host.service.registry.connector(named: "echo")).plugin.manifest
            let subject = VerificationPipeline.subjectFingerprint(.object([:]), manifest: echo, fields: nil)
            do {
                _ = try await restarted.chargeAnswer(relyingParty: "acme", subject: subject, question: "verify:echo")
                XCTFail("the restarted guard must remember the spent answers")
            } catch {
                XCTAssertEqual(error.code, "privacy_budget_exhausted")
                XCTAssertEqual(error.status, 429)
            }
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }

    func testTheFingerprintUsesTheIdentifyingFieldsOnly() throws {
        let manifestSchema: JSONValue = ["type": "object", "required": ["phone_number"]]
        let manifest = Manifest(file: "t.yaml", metadata: .init(name: "kyc", provider: "p", version: "1.0.0"),
                                library: .init(path: "l.so", declaredPath: "l.so", sha256: String(repeating: "0", count: 64), abi: 1),
                                formats: .init(input: ["json"], output: ["json"], credentials: []),
                                claims: [.init(name: "birthdate_match", type: "match", dataCategories: [])], inputSchema: manifestSchema,
                                regions: [.init(name: "r", residency: .eu, priority: 1, endpoints: ["https://dp.example"])],
                                compliance: .init(jurisdictions: ["gdpr"], dataCategories: [], lawfulBases: ["consent"], purposes: ["kyc"],
                                                  retention: "P1D"))
        let a = VerificationPipeline.subjectFingerprint(["phone_number": "+15550100", "birthdate": "1990-01-01"], manifest: manifest, fields: nil)
        let b = VerificationPipeline.subjectFingerprint(["phone_number": "+15550100", "birthdate": "1991-02-02"], manifest: manifest, fields: nil)
        let c = VerificationPipeline.subjectFingerprint(["phone_number": "+15550199", "birthdate": "1990-01-01"], manifest: manifest, fields: nil)
        XCTAssertEqual(a, b, "probing different birthdates of one phone number is one subject")
        XCTAssertNotEqual(a, c)
        let configured = VerificationPipeline.subjectFingerprint(["email": "a@example.com", "phone_number": "+1"], manifest: manifest,
                                                                 fields: ["email"])
        XCTAssertFalse(configured.contains("+1"))
    }
}
