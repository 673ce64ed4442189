import Foundation
import PavilionCore
import PavilionData
import PavilionHost
import PavilionNet
import PavilionSimulators
import PavilionStore
import PavilionTestSupport
import XCTest

/// The data stages in the running host: lineage stored and served,
/// quality scored, transforms run, minimisation end to end, signed DP
/// responses verified — through the shipped connectors and the simulators.
final class DataPipelineTests: XCTestCase {
    /// A quality policy every FHIR answer passes.
    static let acceptingQuality = """
          quality:
            completeness: { required: [patient_exists], expected: [age_over_18] }
            consistency:
              - { name: deceased_exists, rule: "if is_deceased == true then patient_exists == true" }
            weights: { completeness: 2 }
            thresholds: { accept: 0.9, flag: 0.5 }

        """

    static func integrity(_ signer: SimulatorResponseSigner) -> String {
        """
          integrity:
            response_signature: \(signer.scheme.rawValue)
            keys: \(signer.publicJWKS.serialized)

        """
    }

    /// Strings that occur only in the DP's raw record of patient p1.
    static let rawValues = ["1990-05-01", "García", "Garc\\u00eda", "María", "Mar\\u00eda"]

    func assertNoRawValue(_ text: String, _ place: String, file: StaticString = #filePath, line: UInt = #line) {
        for raw in Self.rawValues {
            XCTAssertFalse(text.contains(raw), "\(place) holds the raw DP value \(raw)", file: file, line: line)
        }
    }

    // MARK: - Minimisation and lineage, end to end

    func testFHIRVerificationReleasesOnlyTheRequestedClaimsAndRecordsItsLineage() async throws {
        let signer = try SimulatorResponseSigner.generate(keyID: "fhir-sim-1")
        try await DataHost.with(
            simulators: [SimulatorConfiguration(kind: .fhir, responseSigner: signer)],
            connectors: [.init(shipped: "fhir-patient",
                               extraSpec: Self.acceptingQuality + Self.integrity(signer), simulator: 0)]
        ) { host in
            let r = try await host.verify(DataHost.fhirBody("fhir-patient", claims: ["patient_exists", "age_over_18"], credential: "vc+jwt"))
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual(r.json?["claims"], ["patient_exists": true, "age_over_18": true])
            XCTAssertEqual(r.json?["quality"]?["decision"], "accept")
            let id = try XCTUnwrap(r.json?["id"]?.stringValue)
            let verificationID = try VerificationID(id)

            // The raw birth date and name never leave the DP exchange.
            assertNoRawValue(r.text, "the response")
            assertNoRawValue(host.logs.lines.joined(separator: "\n"), "the log")
            let audit = try await host.send("GET", "/v1/audit", key: host.adminKey)
            XCTAssertEqual(audit.status, 200, audit.text)
            assertNoRawValue(audit.text, "the audit records")
            let records = try await host.store.auditRecords(tenant: nil, afterSequence: 0, limit: 100)
            XCTAssertEqual(records.last?.entry.artifactDigests.keys.sorted(), ["credential", "lineage", "privacy_receipt", "quality"])
            let stored = try await host.store.verification(id: verificationID)
            assertNoRawValue(stored?.result?.serialized ?? "", "the stored verification")
            XCTAssertEqual(stored?.result, ["patient_exists": true, "age_over_18": true])
            let acme = try TenantID("acme")
            for kind in ["lineage", "quality", "credential"] {
                let artifact = try await host.store.artifact(kind, of: verificationID, tenant: acme)
                XCTAssertNotNil(artifact, kind)
                assertNoRawValue(String(decoding: artifact?.body ?? [], as: UTF8.self), "the \(kind) artifact")
            }

            // Lineage: every stage, each DP round with its digest and verified signature.
            let lineage = try await host.send("GET", "/v1/verifications/\(id)/lineage", key: host.acmeKey)
            XCTAssertEqual(lineage.status, 200, lineage.text)
            assertNoRawValue(lineage.text, "the lineage events")
            let events = try XCTUnwrap(lineage.json?["events"]?.arrayValue)
            let stages = Set(events.compactMap { $0["run"]?["facets"]?["pavilion_stage"]?["kind"]?.stringValue })
            XCTAssertEqual(stages, ["policy_decision", "dp_exchange", "validation", "quality", "minimisation", "claims", "credential"])
            XCTAssertEqual(events.first?["eventType"], "START")
            XCTAssertEqual(events.last?["eventType"], "COMPLETE")
            let exchanges = events.filter { $0["run"]?["facets"]?["pavilion_stage"]?["kind"] == "dp_exchange" && $0["eventType"] == "COMPLETE" }
            XCTAssertEqual(exchanges.count, 2, "token and Patient search")
            for exchange in exchanges {
                let detail = exchange["run"]?["facets"]?["pavilion_stage"]?["detail"]
                XCTAssertEqual(detail?["response_digest"]?["hex"]?.stringValue?.count, 64, "\(String(describing: detail))")
                XCTAssertEqual(detail?["signature"]?["key_id"], "fhir-sim-1")
                XCTAssertEqual(detail?["region"], "us-east")
                XCTAssertEqual(detail?["connector_version"], "1.0.0")
            }
            let credentialNode = events.first { $0["run"]?["facets"]?["pavilion_stage"]?["kind"] == "credential" }
            XCTAssertNotNil(credentialNode?["run"]?["facets"]?["pavilion_stage"]?["detail"]?["digest"])
            let minimisation = events.first { $0["run"]?["facets"]?["pavilion_stage"]?["kind"] == "minimisation" }
            XCTAssertEqual(minimisation?["run"]?["facets"]?["pavilion_stage"]?["detail"]?["released"], ["age_over_18", "patient_exists"])

            // Tenant-scoped: another tenant's is 403, an unknown id 404, an admin may read it.
            let other = try await host.send("GET", "/v1/verifications/\(id)/lineage", key: host.otherKey)
            XCTAssertEqual(other.status, 403, other.text)
            let unknown = try await host.send("GET", "/v1/verifications/vrf_00000000000000000000000000/lineage", key: host.acmeKey)
            XCTAssertEqual(unknown.status, 404, unknown.text)
            let malformed = try await host.send("GET", "/v1/verifications/not-an-id/lineage", key: host.acmeKey)
            XCTAssertEqual(malformed.status, 404, malformed.text)
            let admin = try await host.send("GET", "/v1/verifications/\(id)/lineage", key: host.adminKey)
            XCTAssertEqual(admin.status, 200, admin.text)
            let anonymous = try await host.send("GET", "/v1/verifications/\(id)/lineage", key: nil)
            XCTAssertEqual(anonymous.status, 401, anonymous.text)
            let post = try await host.send("POST", "/v1/verifications/\(id)/lineage", key: host.acmeKey, body: "{}")
            XCTAssertEqual(post.status, 405, post.text)

            // The page: Bearer or Basic (key as password); a browser without a key is asked for one.
            let page = try await host.send("GET", "/ui/lineage/\(id)", key: host.acmeKey)
            XCTAssertEqual(page.status, 200, page.text)
            XCTAssertEqual(page.headers["content-type"], "text/html; charset=utf-8")
            XCTAssertEqual(page.headers["content-security-policy"]?.hasPrefix("default-src 'none'"), true)
            XCTAssertTrue(page.text.contains("<svg"), "an SVG drawing")
            XCTAssertFalse(page.text.contains("<script"), "no script")
            assertNoRawValue(page.text, "the lineage page")
            let basic = "Basic " + Data("anyone:\(host.acmeKey)".utf8).base64EncodedString()
            let viaBasic = try await host.send("GET", "/ui/lineage/\(id)", key: nil, headers: [("authorization", basic)])
            XCTAssertEqual(viaBasic.status, 200, viaBasic.text)
            let noKey = try await host.send("GET", "/ui/lineage/\(id)", key: nil)
            XCTAssertEqual(noKey.status, 401)
            XCTAssertTrue(noKey.headers.values(for: "www-authenticate").contains { $0.hasPrefix("Basic realm=") })
            let otherPage = try await host.send("GET", "/ui/lineage/\(id)", key: host.otherKey)
            XCTAssertEqual(otherPage.status, 403, otherPage.text)

            // Quality per connector: API, page and metrics.
            let quality = try await host.send("GET", "/v1/connectors/fhir-patient/quality", key: host.acmeKey)
            XCTAssertEqual(quality.status, 200, quality.text)
            XCTAssertEqual(quality.json?["days"]?.arrayValue?.first?["quality"]?["count"], 1)
            XCTAssertEqual(quality.json?["days"]?.arrayValue?.first?["outcomes"]?["completed"], 1)
            let otherQuality = try await host.send("GET", "/v1/connectors/fhir-patient/quality", key: host.otherKey)
            XCTAssertEqual(otherQuality.json?["days"], [], "another tenant sees only its own verifications")
            let missing = try await host.send("GET", "/v1/connectors/nope/quality", key: host.acmeKey)
            XCTAssertEqual(missing.status, 404, missing.text)
            let overview = try await host.send("GET", "/ui/connectors/fhir-patient", key: host.adminKey)
            XCTAssertEqual(overview.status, 200, overview.text)
            XCTAssertTrue(overview.text.contains("fhir-patient"))
            let metrics = try await host.send("GET", "/metrics", key: nil)
            XCTAssertTrue(metrics.text.contains(#"pavilion_quality_score_count{connector="fhir-patient"} 1"#), metrics.text)
            XCTAssertTrue(metrics.text.contains(#"pavilion_quality_decisions_total{connector="fhir-patient",decision="accept"} 1"#))

            let chain = try await host.store.verifyAuditChain()
            XCTAssertTrue(chain.problems.isEmpty, "\(chain.problems)")
        }
    }

    // MARK: - Quality decisions and transforms

    /// A CAMARA KYC match request for connector `name` about the built-in subscriber p1.
    static func camaraBody(_ name: String, claims: [String] = ["given_name_match", "birthdate_match"]) -> String {
        let list = claims.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"connector":"\#(name)","claims":[\#(list)],"subject":{"phone_number":"+34600000001","given_name":"Ana","birthdate":"1990-05-01","email":"ana@example.com"},"purpose":"kyc","lawful_basis":"consent","jurisdiction":"eu"}"#
    }

    /// One host serving camara-kyc-match with `extraSpec`, against `simulator`.
    func withCamara(_ extraSpec: String, simulator: SimulatorConfiguration = SimulatorConfiguration(kind: .camara),
                    _ body: (DataHost) async throws -> Void) async throws {
        try await DataHost.with(simulators: [simulator],
                                connectors: [.init(shipped: "camara-kyc-match", extraSpec: extraSpec, simulator: 0)],
                                body)
    }

    func testQualityPolicyFlagsAndTransformsRunBeforeMinimisation() async throws {
        let flagging = """
              quality:
                completeness: { expected: [given_name_match, birthdate_match, family_name_match, address_match] }
                consistency: ["if birthdate_match == 'true' then given_name_match present"]
                thresholds: { accept: 0.9, flag: 0.4 }
              transforms:
                - rename: { from: email_match, to: contact_match }
                - redact: { field: contact_match }

            """
        try await withCamara(flagging) { host in
            let flagged = try await host.verify(Self.camaraBody("camara-kyc-match", claims: ["given_name_match", "birthdate_match", "email_match"]))
            XCTAssertEqual(flagged.status, 200, flagged.text)
            XCTAssertEqual(flagged.json?["quality"]?["decision"], "flag", "answered, flagged for review")
            XCTAssertEqual(flagged.json?["claims"], ["given_name_match": "true", "birthdate_match": "true"],
                           "email_match was renamed and redacted by the manifest's transforms")
            let id = try XCTUnwrap(flagged.json?["id"]?.stringValue)
            let readBack = try await host.send("GET", "/v1/verifications/\(id)", key: host.acmeKey)
            XCTAssertEqual(readBack.json?["quality"], flagged.json?["quality"], "the flag is kept with the verification")
            let lineage = try await host.send("GET", "/v1/verifications/\(id)/lineage", key: host.acmeKey)
            let events = try XCTUnwrap(lineage.json?["events"]?.arrayValue)
            let transforms = events.filter { $0["run"]?["facets"]?["pavilion_stage"]?["kind"] == "transform" }
            XCTAssertEqual(transforms.count, 2)
            let quality = events.first { $0["run"]?["facets"]?["pavilion_stage"]?["kind"] == "quality" }
            XCTAssertEqual(quality?["run"]?["facets"]?["pavilion_stage"]?["status"], "flagged")
            let minimisation = events.first { $0["run"]?["facets"]?["pavilion_stage"]?["kind"] == "minimisation" }
            XCTAssertEqual(minimisation?["run"]?["facets"]?["pavilion_stage"]?["detail"]?["unavailable"], ["email_match"])
            let metrics = try await host.send("GET", "/metrics", key: nil)
            XCTAssertTrue(metrics.text.contains(#"pavilion_quality_decisions_total{connector="camara-kyc-match",decision="flag"} 1"#), metrics.text)
        }
    }

    func testQualityPolicyRejectsARecordMissingARequiredField() async throws {
        let rejecting = """
              quality:
                completeness: { required: [given_name_match, national_insurance_number] }

            """
        try await withCamara(rejecting) { host in
            let rejected = try await host.verify(Self.camaraBody("camara-kyc-match"))
            XCTAssertEqual(rejected.status, 502, rejected.text)
            XCTAssertEqual(rejected.json?["code"], "quality_rejected")
            XCTAssertEqual(rejected.json?["quality"]?["decision"], "reject")
            let records = try await host.store.auditRecords(tenant: nil, afterSequence: 0, limit: 100)
            XCTAssertEqual(records.last?.entry.errorCode, "quality_rejected")
            let metrics = try await host.send("GET", "/metrics", key: nil)
            XCTAssertTrue(metrics.text.contains(#"pavilion_quality_decisions_total{connector="camara-kyc-match",decision="reject"} 1"#), metrics.text)
            let summary = try await host.send("GET", "/v1/connectors/camara-kyc-match/quality", key: host.acmeKey)
            XCTAssertEqual(summary.json?["days"]?.arrayValue?.first?["outcomes"]?["quality_rejected"], 1)
            XCTAssertEqual(summary.json?["days"]?.arrayValue?.first?["quality"]?["decisions"]?["reject"], 1, summary.text)
        }
    }

    // MARK: - Signed DP responses

    func testSignedResponsesAreVerifiedAndUnsignedOrBadlySignedOnesRefused() async throws {
        let trusted = try SimulatorResponseSigner.generate(keyID: "dp-key-1")
        let impostor = try SimulatorResponseSigner.generate(keyID: "dp-key-1")
        let stranger = try SimulatorResponseSigner.generate(keyID: "dp-key-9")
        try await withCamara(Self.integrity(trusted), simulator: SimulatorConfiguration(kind: .camara, responseSigner: trusted)) { host in
            let good = try await host.verify(Self.camaraBody("camara-kyc-match"))
            XCTAssertEqual(good.status, 200, good.text)
            XCTAssertEqual(good.json?["claims"], ["given_name_match": "true", "birthdate_match": "true"])
        }
        let refused: [(String, SimulatorResponseSigner?)] = [("unsigned", nil), ("forged", impostor), ("untrusted key", stranger)]
        for (name, signer) in refused {
            try await withCamara(Self.integrity(trusted), simulator: SimulatorConfiguration(kind: .camara, responseSigner: signer)) { host in
                let r = try await host.verify(Self.camaraBody("camara-kyc-match"))
                XCTAssertEqual(r.status, 502, "\(name): \(r.text)")
                XCTAssertEqual(r.json?["code"], "upstream_signature_invalid", name)
                XCTAssertNil(host.simulators[0].stats.requests["/kyc-match/v0.3/match"],
                             "\(name): the token answer is refused before the connector reads it")
                let audit = try await host.store.auditRecords(tenant: nil, afterSequence: 0, limit: 100)
                XCTAssertEqual(audit.last?.entry.errorCode, "upstream_signature_invalid", name)
            }
        }
        // A connector whose manifest does not ask for signatures ignores them.
        try await withCamara("", simulator: SimulatorConfiguration(kind: .camara, responseSigner: impostor)) { host in
            let plain = try await host.verify(Self.camaraBody("camara-kyc-match"))
            XCTAssertEqual(plain.status, 200, plain.text)
        }
    }

    func testRFC9421SignedResponsesAreVerifiedWithTheirContentDigest() async throws {
        let trusted = try SimulatorResponseSigner.generate(keyID: "dp-9421", scheme: .httpMessageSignatures)
        let impostor = try SimulatorResponseSigner.generate(keyID: "dp-9421", scheme: .httpMessageSignatures)
        let jwsOnly = try SimulatorResponseSigner.generate(keyID: "dp-9421", scheme: .jws)
        try await withCamara(Self.integrity(trusted), simulator: SimulatorConfiguration(kind: .camara, responseSigner: trusted)) { host in
            let r = try await host.verify(Self.camaraBody("camara-kyc-match"))
            XCTAssertEqual(r.status, 200, r.text)
            let id = try XCTUnwrap(r.json?["id"]?.stringValue)
            let lineage = try await host.send("GET", "/v1/verifications/\(id)/lineage", key: host.acmeKey)
            let exchanges = try XCTUnwrap(lineage.json?["events"]?.arrayValue).filter {
                $0["run"]?["facets"]?["pavilion_stage"]?["kind"] == "dp_exchange"
            }
            XCTAssertEqual(exchanges.count, 2)
            for e in exchanges {
                let signature = e["run"]?["facets"]?["pavilion_stage"]?["detail"]?["signature"]
                XCTAssertEqual(signature?["scheme"], "http-message-signatures")
                XCTAssertEqual(signature?["algorithm"], "ecdsa-p256-sha256")
                XCTAssertEqual(signature?["key_id"], "dp-9421")
            }
        }
        for (name, signer) in [("other key", impostor), ("JWS instead", jwsOnly)] {
            try await withCamara(Self.integrity(trusted), simulator: SimulatorConfiguration(kind: .camara, responseSigner: signer)) { host in
                let r = try await host.verify(Self.camaraBody("camara-kyc-match"))
                XCTAssertEqual(r.status, 502, "\(name): \(r.text)")
                XCTAssertEqual(r.json?["code"], "upstream_signature_invalid", name)
            }
        }
    }

    func testANotFoundAnswerKeepsItsLineageWithoutClaims() async throws {
        try await withCamara(DataPipelineTests.acceptingQualityForCamara) { host in
            let r = try await host.verify(#"""
                {"connector":"camara-kyc-match","claims":["given_name_match"],"subject":{"phone_number":"+34699999999","given_name":"Ana"},
                 "purpose":"kyc","lawful_basis":"consent","jurisdiction":"eu"}
                """#)
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual(r.json?["status"], "not_found")
            XCTAssertNil(r.json?["quality"], "nothing to score")
            let id = try XCTUnwrap(r.json?["id"]?.stringValue)
            let artifact = try await host.store.artifact("lineage", of: try VerificationID(id), tenant: try TenantID("acme"))
            let graph = try LineageGraph(stored: try XCTUnwrap(artifact).body)
            XCTAssertEqual(graph.nodes.map(\.kind), [.request, .policyDecision, .dpExchange, .dpExchange])
            let quality = try await host.store.artifact("quality", of: try VerificationID(id), tenant: try TenantID("acme"))
            XCTAssertNil(quality)
        }
    }

    /// A verification stored before the compact form keeps its
    /// `pavilion.lineage/1` artifact: the API and the page still serve it, and
    /// the events are the same bytes as for the compact form of the same graph.
    func testAVersion1LineageArtifactIsStillServed() async throws {
        try await DataHost.with(simulators: [SimulatorConfiguration(kind: .echo)], connectors: [.init(shipped: "echo", simulator: 0)]) { host in
            let r = try await host.verify(#"{"connector":"echo","claims":["echo"],"subject":{},"purpose":"testing","jurisdiction":"eu"}"#)
            XCTAssertEqual(r.status, 200, r.text)
            let id = try XCTUnwrap(r.json?["id"]?.stringValue)
            let acme = try TenantID("acme")
            let stored = try await host.store.artifact("lineage", of: try VerificationID(id), tenant: acme)
            let compact = try XCTUnwrap(stored)
            let graph = try LineageGraph(stored: compact.body)

            let oldID = try VerificationID("vrf_stored_before_lineage_v2")
            let now = Date()
            let record = VerificationRecord(id: oldID, tenantID: acme, connector: "echo", connectorVersion: graph.connectorVersion,
                                            purpose: "testing", status: .succeeded, createdAt: now, finishedAt: now, result: ["echo": true])
            let entry = AuditEntry(requestID: "req-old", tenantID: acme, connector: "echo", decision: .permit, outcome: "succeeded",
                                   verificationID: oldID, startedAt: now, finishedAt: now)
            _ = try await host.store.recordVerification(record, audit: entry, artifacts: [
                VerificationArtifact(kind: "lineage", mediaType: compact.mediaType, body: graph.serializedBytes),
            ])
            let current = try await host.send("GET", "/v1/verifications/\(id)/lineage", key: host.acmeKey)
            let old = try await host.send("GET", "/v1/verifications/\(oldID.rawValue)/lineage", key: host.acmeKey)
            XCTAssertEqual(old.status, 200, old.text)
            XCTAssertEqual(old.text, current.text, "the stored graph names the same verification, so the answers are the same bytes")
            let page = try await host.send("GET", "/ui/lineage/\(oldID.rawValue)", key: host.acmeKey)
            XCTAssertEqual(page.status, 200, page.text)
            XCTAssertTrue(page.text.contains("DP exchange #0"), page.text)
        }
    }

    static let acceptingQualityForCamara = """
          quality:
            completeness: { required: [given_name_match] }

        """

    // MARK: - Every shipped connector

    func testLineageIsCompleteForEveryShippedConnector() async throws {
        try await DataHost.with(
            simulators: [SimulatorConfiguration(kind: .echo), SimulatorConfiguration(kind: .camara), SimulatorConfiguration(kind: .fhir)],
            connectors: [.init(shipped: "echo", simulator: 0),
                         .init(shipped: "camara-kyc-match", simulator: 1),
                         .init(shipped: "fhir-patient", simulator: 2)]
        ) { host in
            let bodies: [(String, String, Int)] = [
                ("echo", #"{"connector":"echo","claims":["echo"],"subject":{},"purpose":"testing","jurisdiction":"eu","credential_format":"vc+jwt"}"#, 1),
                ("camara-kyc-match", #"""
                    {"connector":"camara-kyc-match","claims":["given_name_match","birthdate_match"],
                     "subject":{"phone_number":"+34600000001","given_name":"Ana","birthdate":"1990-05-01"},
                     "purpose":"kyc","lawful_basis":"consent","jurisdiction":"eu","credential_format":"dc+sd-jwt"}
                    """#, 2),
                ("fhir-patient", DataHost.fhirBody("fhir-patient", claims: ["patient_exists", "is_deceased"], credential: "vc+jwt"), 2),
            ]
            for (name, body, rounds) in bodies {
                let r = try await host.verify(body)
                XCTAssertEqual(r.status, 200, "\(name): \(r.text)")
                let id = try XCTUnwrap(r.json?["id"]?.stringValue, name)
                let artifact = try await host.store.artifact("lineage", of: try VerificationID(id), tenant: try TenantID("acme"))
                let stored = try XCTUnwrap(artifact, name)
                XCTAssertTrue(String(decoding: stored.body, as: UTF8.self).hasPrefix(#"{"f":"pavilion.lineage/2","#), name)
                let graph = try LineageGraph(stored: stored.body)
                XCTAssertLessThanOrEqual(2 * stored.body.count, graph.serializedBytes.count, "\(name): the compact form is half the JSON or less")
                let nodes = graph.nodes
                let kinds = nodes.map(\.kind.rawValue)
                XCTAssertEqual(kinds.first, "request", name)
                for kind in ["policy_decision", "validation", "minimisation", "claims", "credential"] {
                    XCTAssertEqual(kinds.filter { $0 == kind }.count, 1, "\(name) has one \(kind) node: \(kinds)")
                }
                XCTAssertEqual(kinds.filter { $0 == "dp_exchange" }.count, rounds, "\(name): \(kinds)")
                XCTAssertEqual(kinds.last, "credential", name)
                XCTAssertTrue(nodes.allSatisfy { $0.status == .ok }, "\(name): \(nodes)")
                // Every node after the request is reached from the one before it.
                let reached = Set(graph.edges.map(\.to))
                for node in nodes.dropFirst() { XCTAssertTrue(reached.contains(node.id), "\(name): \(node)") }
                let events = try await host.send("GET", "/v1/verifications/\(id)/lineage", key: host.acmeKey)
                XCTAssertEqual(events.status, 200, events.text)
                XCTAssertEqual(events.json?["events"]?.arrayValue?.count, 2 * nodes.count, "START per node, end per stage: \(name)")
            }
        }
    }
}
