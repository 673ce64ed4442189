import Foundation
import PavilionCore
import PavilionHost
import PavilionNet
import PavilionSimulators
import PavilionStore
import PavilionTestSupport
import XCTest

/// The shipped CAMARA and FHIR connectors through the host against the DP
/// simulators on loopback, with tenant secrets from a secrets file.
final class SimulatorVerificationTests: XCTestCase {
    private struct Setup {
        let root: URL
        let store: SQLiteStore
        let service: HostService
        let simulators: [DPSimulator]
        let group: EventLoopGroup
        let client: HTTPClient
        let token: String
        var endpoint: Endpoint { Endpoint(scheme: .http, host: "127.0.0.1", port: service.port) }

        func post(_ body: String) async throws -> (status: Int, json: JSONValue?, text: String) {
            let response = try await client.send(
                HTTPClientRequest(method: "POST", target: "/v1/verifications",
                                  headers: ["authorization": "Bearer \(token)", "content-type": "application/json"],
                                  body: Array(body.utf8)), to: endpoint, deadline: .now + .seconds(10))
            let text = String(decoding: response.body, as: UTF8.self)
            return (response.status, try? JSONParser().parse(text), text)
        }

        func stop() async {
            await service.shutdown(gracePeriod: .seconds(2))
            for simulator in simulators { await simulator.shutdown() }
            client.shutdown()
            group.shutdown()
            try? FileManager.default.removeItem(at: root)
        }
    }

    private func makeSetup() async throws -> Setup {
        let root = try TestEnvironment.makeTemporaryDirectory("pavilion-host-sim")
        let connectors = root.appendingPathComponent("connectors.d")
        for name in ["camara-kyc-match", "fhir-patient"] { try HostHarness.installConnector(name, into: connectors) }
        let camara = try DPSimulator(configuration: SimulatorConfiguration(kind: .camara))
        let fhir = try DPSimulator(configuration: SimulatorConfiguration(kind: .fhir))
        try camara.start()
        try fhir.start()
        let secrets = root.appendingPathComponent("secrets.yaml")
        try """
            acme:
              camara-kyc-match: { client_id: test-client, client_secret: s3cr3t }
              fhir-patient: { client_id: test-client, client_secret: s3cr3t }
            """.write(to: secrets, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secrets.path)

        let store = try SQLiteStore(dataDirectory: root.appendingPathComponent("data").path)
        let acme = try TenantID("acme")
        _ = try await store.createTenant(id: acme, name: "Acme")
        try await store.setConnector("camara-kyc-match", enabled: true, for: acme)
        try await store.setConnector("fhir-patient", enabled: true, for: acme)
        let token = try await store.createAPIKey(kind: .tenant, tenant: acme, label: "ci").token

        let camaraURL = try XCTUnwrap(EndpointURL(camara.url))
        let fhirURL = try XCTUnwrap(EndpointURL(fhir.url))
        let config = HostConfiguration(
            file: root.appendingPathComponent("pavilion.yaml").path, listen: .init(host: "127.0.0.1", port: 0), tls: nil,
            dataDirectory: root.appendingPathComponent("data").path, connectorsDirectory: connectors.path,
            secretsFile: secrets.path,
            endpointOverrides: ["camara-kyc-match": ["eu-west": camaraURL], "fhir-patient": ["us-east": fhirURL]])
        let service = try HostService.start(configuration: config, store: store, logger: Logger(sink: MemoryLogSink()), threads: 1)
        let group = try EventLoopGroup(threads: 1)
        return Setup(root: root, store: store, service: service, simulators: [camara, fhir], group: group,
                     client: try HTTPClient(group: group), token: token)
    }

    func testCamaraKYCMatchThroughTheSimulator() async throws {
        let setup = try await makeSetup()
        let r = try await setup.post(#"""
            {"connector":"camara-kyc-match","claims":["given_name_match","birthdate_match","email_match"],
             "subject":{"phone_number":"+34600000001","given_name":"Ana","birthdate":"1990-05-01","email":"ana@example.com"},
             "purpose":"kyc","lawful_basis":"consent","jurisdiction":"eu"}
            """#)
        XCTAssertEqual(r.status, 200, r.text)
        XCTAssertEqual(r.json?["status"], "completed")
        XCTAssertEqual(r.json?["region"], "eu-west")
        XCTAssertEqual(r.json?["claims"], ["given_name_match": "true", "birthdate_match": "true", "email_match": "true"])
        XCTAssertEqual(setup.simulators[0].stats.requests["/kyc-match/v0.3/match"], 1)

        // An unknown subscriber is a stored, audited not_found answer.
        let unknown = try await setup.post(#"""
            {"connector":"camara-kyc-match","claims":["given_name_match"],"subject":{"phone_number":"+34699999999","given_name":"Ana"},
             "purpose":"kyc","lawful_basis":"consent","jurisdiction":"eu"}
            """#)
        XCTAssertEqual(unknown.status, 200, unknown.text)
        XCTAssertEqual(unknown.json?["status"], "not_found")
        XCTAssertEqual(unknown.json?["claims"], .object([:]))
        let chain = try await setup.store.verifyAuditChain()
        XCTAssertTrue(chain.problems.isEmpty, "\(chain.problems)")
        await setup.stop()
    }

    func testFHIRPatientThroughTheSimulatorAndResidencyRefusal() async throws {
        let setup = try await makeSetup()
        let r = try await setup.post(#"""
            {"claims":["patient_exists","age_over_18","is_deceased"],
             "subject":{"identifier":"urn:oid:2.16.840.1.113883.4.1|123-45-6789"},
             "purpose":"treatment","jurisdiction":"us"}
            """#)
        XCTAssertEqual(r.status, 200, r.text)
        XCTAssertEqual(r.json?["connector"], "fhir-patient")
        XCTAssertEqual(r.json?["claims"], ["patient_exists": true, "age_over_18": true, "is_deceased": false])
        // An EU subject's data may not go to the US-only FHIR connector (no transfer basis).
        let eu = try await setup.post(#"""
            {"connector":"fhir-patient","claims":["patient_exists"],"subject":{"identifier":"urn:oid:2.16.840.1.113883.4.1|123-45-6789"},
             "purpose":"treatment","jurisdiction":"eu"}
            """#)
        XCTAssertEqual(eu.status, 400, eu.text)
        XCTAssertEqual(eu.json?["code"], "residency_not_allowed")
        await setup.stop()
    }
}
