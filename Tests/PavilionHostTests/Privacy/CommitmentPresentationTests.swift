import Foundation
import PavilionCore
import PavilionCrypto
import PavilionHSM
@testable import PavilionHost
import PavilionNet
import PavilionPrivacy
import PavilionSimulators
import PavilionStore
import PavilionTestSupport
import XCTest

/// The credential-carried commitment: the CAMARA provider confirms a
/// subscriber's birth date, the host issues a vc+jwt carrying a Pedersen
/// commitment to it (never the date), the holder proves "at least 18" with
/// a range proof bound to the verifier's nonce, and
/// `POST /v1/privacy/proofs/verify` checks it. Tampered proofs, wrong
/// statements, other credentials and replays are refused.
final class CommitmentPresentationTests: XCTestCase {
    private struct Setup {
        let root: URL
        let service: HostService
        let simulator: DPSimulator
        let group: EventLoopGroup
        let client: HTTPClient
        let token: String
        let otherToken: String

        func send(_ method: String, _ path: String, body: String? = nil, token: String? = nil) async throws -> (status: Int, json: JSONValue?, text: String) {
            var headers: HTTPHeaders = ["authorization": "Bearer \(token ?? self.token)"]
            if body != nil { headers.add(name: "content-type", value: "application/json") }
            let response = try await client.send(HTTPClientRequest(method: method, target: path, headers: headers, body: Array((body ?? "").utf8)),
                                                 to: Endpoint(scheme: .http, host: "127.0.0.1", port: service.port),
                                                 deadline: .now + .seconds(10))
            let text = String(decoding: response.body, as: UTF8.self)
            return (response.status, try? JSONParser().parse(text), text)
        }

        func stop() async {
            await service.shutdown(gracePeriod: .seconds(2))
            await simulator.shutdown()
            client.shutdown()
            group.shutdown()
            try? FileManager.default.removeItem(at: root)
        }
    }

    private func makeSetup() async throws -> Setup {
        let root = try TestEnvironment.makeTemporaryDirectory("pavilion-host-zk")
        let connectors = root.appendingPathComponent("connectors.d")
        try HostHarness.installConnector("camara-kyc-match", into: connectors)
        let camara = try DPSimulator(configuration: SimulatorConfiguration(kind: .camara))
        try camara.start()
        let secrets = root.appendingPathComponent("secrets.yaml")
        try "acme:\n  camara-kyc-match: { client_id: test-client, client_secret: s3cr3t }\n"
            .write(to: secrets, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secrets.path)
        let master = root.appendingPathComponent("master.key").path
        try SoftwareKeyStore.createMasterKeyFile(at: master)
        let keys = root.appendingPathComponent("keys").path
        let keyStore = try SoftwareKeyStore(directory: keys, masterKey: .file(master))
        _ = try keyStore.generate(label: "eu-es256", algorithm: .es256)

        let store = try SQLiteStore(dataDirectory: root.appendingPathComponent("data").path)
        for id in ["acme", "other"] {
            _ = try await store.createTenant(id: TenantID(id), name: id)
            try await store.setConnector("camara-kyc-match", enabled: true, for: TenantID(id))
        }
        let token = try await store.createAPIKey(kind: .tenant, tenant: TenantID("acme"), label: "ci").token
        let otherToken = try await store.createAPIKey(kind: .tenant, tenant: TenantID("other"), label: "ci").token
        var config = HostConfiguration(
            file: root.appendingPathComponent("pavilion.yaml").path, listen: .init(host: "127.0.0.1", port: 0), tls: nil,
            dataDirectory: root.appendingPathComponent("data").path, connectorsDirectory: connectors.path,
            secretsFile: secrets.path, endpointOverrides: ["camara-kyc-match": ["eu-west": try XCTUnwrap(EndpointURL(camara.url))]])
        config.credentials = CredentialsConfiguration(issuer: "https://issuer.example", keys: .software(directory: keys, masterKeyFile: master),
                                                      regions: ["eu-west": .init(es256: "eu-es256", edDSA: nil)])
        let service = try HostService.start(configuration: config, store: store, logger: Logger(sink: MemoryLogSink()), threads: 1)
        let group = try EventLoopGroup(threads: 1)
        return Setup(root: root, service: service, simulator: camara, group: group, client: try HTTPClient(group: group), token: token,
                     otherToken: otherToken)
    }

    private static func verification(birthdate: String, extra: String = #","credential_format":"vc+jwt","commit_attributes":["birthdate"]"#) -> String {
        #"{"connector":"camara-kyc-match","claims":["birthdate_match"],"subject":{"phone_number":"+34600000001","birthdate":"\#(birthdate)"},"purpose":"kyc","lawful_basis":"consent","jurisdiction":"eu"\#(extra)}"#
    }

    func testTheHolderProvesAgeOver18FromACommittedBirthDate() async throws {
        let setup = try await makeSetup()
        do {
            // Issuance: the provider confirms the birth date, the credential carries only its commitment.
            let issued = try await setup.send("POST", "/v1/verifications", body: Self.verification(birthdate: "1990-05-01"))
            XCTAssertEqual(issued.status, 200, issued.text)
            XCTAssertEqual(issued.json?["claims"], ["birthdate_match": "true"])
            let credential = try XCTUnwrap(issued.json?["credential"]?.stringValue)
            let opening = try XCTUnwrap(issued.json?["commitments"]?["birthdate"])
            let payload = try XCTUnwrap(credential.split(separator: ".").dropFirst().first)
            let payloadText = String(decoding: try XCTUnwrap(Base64URLTestDecoder.decode(String(payload))), as: UTF8.self)
            XCTAssertTrue(payloadText.contains("birthdate_commitment"), payloadText)
            XCTAssertFalse(payloadText.contains("1990"), "the credential must not carry the date")
            let stored = try await setup.send("GET", "/v1/verifications/\(try XCTUnwrap(issued.json?["id"]?.stringValue))")
            XCTAssertNil(stored.json?["commitments"], "the opening is returned once, never stored")

            // The holder's side: the opening from the answer, the verifier's nonce, PavilionPrivacy's prover.
            let parameters = try ZKParameters.p256()
            let commitment = try PedersenCommitment(serialized: try XCTUnwrap(opening["commitment"]?.stringValue.flatMap(Hex.decode)),
                                                    parameters: parameters)
            let value = UInt64(try XCTUnwrap(opening["value"]?.intValue))
            let blinding = try ECScalar(bigEndian: try XCTUnwrap(opening["blinding"]?.stringValue.flatMap(Hex.decode)), in: parameters.group)
            let today = HostAPI.utcDay(Date())
            func present(years: Int = 18, on: String? = nil, nonce: String? = nil, proofYears: Int = 18,
                         tamper: Bool = false, token: String? = nil, cred: String? = nil) async throws -> (status: Int, json: JSONValue?, text: String) {
                let n: String
                if let nonce { n = nonce } else {
                    let fresh = try await setup.send("POST", "/v1/privacy/proofs/nonce", body: "{}", token: token)
                    XCTAssertEqual(fresh.status, 200, fresh.text)
                    n = try XCTUnwrap(fresh.json?["nonce"]?.stringValue)
                }
                let context = CommittedDatePredicate.context(nonce: try XCTUnwrap(Hex.decode(n)), audience: "acme")
                var proof = try CommittedDatePredicate.prove(value: value, blinding: blinding, commitment: commitment, years: proofYears,
                                                             on: today, context: context, parameters: parameters).serialized()
                if tamper { proof[40] ^= 0x01 }
                let body = JSONValue.object([
                    "credential": .string(cred ?? credential), "attribute": "birthdate", "nonce": .string(n),
                    "predicate": .object(["type": "age_at_least", "years": .int(Int64(years)), "on": .string(on ?? today)]),
                    "proof": .string(Hex.encode(proof)),
                ]).serialized
                return try await setup.send("POST", "/v1/privacy/proofs/verify", body: body, token: token)
            }

            let ok = try await present()
            XCTAssertEqual(ok.status, 200, ok.text)
            XCTAssertEqual(ok.json?["verified"], true)
            XCTAssertFalse(ok.text.contains("1990"))

            // Refused: a tampered proof, a stronger statement than proved, a replayed nonce,
            // another tenant's nonce, a date that is not today, and a credential not issued here.
            let tampered = try await present(tamper: true)
            XCTAssertEqual(tampered.status, 422, tampered.text)
            XCTAssertEqual(tampered.json?["code"], "proof_invalid")
            let stronger = try await present(years: 65)
            XCTAssertEqual(stronger.status, 422, stronger.text)
            let nonce = try await setup.send("POST", "/v1/privacy/proofs/nonce", body: "{}")
            let n = try XCTUnwrap(nonce.json?["nonce"]?.stringValue)
            let first = try await present(nonce: n)
            XCTAssertEqual(first.status, 200, first.text)
            let replay = try await present(nonce: n)
            XCTAssertEqual(replay.status, 400, replay.text)
            XCTAssertEqual(replay.json?["code"], "proof_nonce_invalid")
            let othersNonce = try await setup.send("POST", "/v1/privacy/proofs/nonce", body: "{}", token: setup.otherToken)
            let crossTenant = try await present(nonce: try XCTUnwrap(othersNonce.json?["nonce"]?.stringValue))
            XCTAssertEqual(crossTenant.status, 400, crossTenant.text)
            let stale = try await present(on: "2020-01-01")
            XCTAssertEqual(stale.status, 400, stale.text)
            XCTAssertEqual(stale.json?["code"], "invalid_predicate")
            var forged = Array(credential.utf8)
            forged[forged.count - 5] = forged[forged.count - 5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let forgedCredential = try await present(cred: String(decoding: forged, as: UTF8.self))
            XCTAssertEqual(forgedCredential.status, 400, forgedCredential.text)
            XCTAssertEqual(forgedCredential.json?["code"], "credential_invalid")

            // A holder born today cannot produce a proof at all.
            XCTAssertThrowsError(try CommittedDatePredicate.prove(value: try CommittedDatePredicate.dayNumber(today), blinding: blinding,
                                                                  commitment: commitment, years: 18, on: today,
                                                                  context: [1], parameters: parameters))
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }

    func testAnSDJWTVCCarriesTheCommitmentAsADisclosureAndPresentsToo() async throws {
        let setup = try await makeSetup()
        do {
            let issued = try await setup.send("POST", "/v1/verifications", body: Self.verification(
                birthdate: "1990-05-01", extra: #","credential_format":"dc+sd-jwt","commit_attributes":["birthdate"]"#))
            XCTAssertEqual(issued.status, 200, issued.text)
            let credential = try XCTUnwrap(issued.json?["credential"]?.stringValue)
            XCTAssertTrue(credential.contains("~"), credential)
            let opening = try XCTUnwrap(issued.json?["commitments"]?["birthdate"])
            let parameters = try ZKParameters.p256()
            let commitment = try PedersenCommitment(serialized: try XCTUnwrap(opening["commitment"]?.stringValue.flatMap(Hex.decode)),
                                                    parameters: parameters)
            let blinding = try ECScalar(bigEndian: try XCTUnwrap(opening["blinding"]?.stringValue.flatMap(Hex.decode)), in: parameters.group)
            let nonce = try await setup.send("POST", "/v1/privacy/proofs/nonce", body: "{}")
            let n = try XCTUnwrap(nonce.json?["nonce"]?.stringValue)
            let today = HostAPI.utcDay(Date())
            let proof = try CommittedDatePredicate.prove(
                value: UInt64(try XCTUnwrap(opening["value"]?.intValue)), blinding: blinding, commitment: commitment, years: 21,
                on: today, context: CommittedDatePredicate.context(nonce: try XCTUnwrap(Hex.decode(n)), audience: "acme"),
                parameters: parameters)
            let body = JSONValue.object([
                "credential": .string(credential), "attribute": "birthdate", "nonce": .string(n),
                "predicate": .object(["type": "age_at_least", "years": 21, "on": .string(today)]),
                "proof": .string(Hex.encode(try proof.serialized())),
            ]).serialized
            let ok = try await setup.send("POST", "/v1/privacy/proofs/verify", body: body)
            XCTAssertEqual(ok.status, 200, ok.text)
            XCTAssertEqual(ok.json?["predicate"]?["years"], 21)

            // Without the commitment's disclosure the credential carries no commitment.
            let withoutDisclosures = String(credential.split(separator: "~").first ?? "") + "~"
            let nonce2 = try await setup.send("POST", "/v1/privacy/proofs/nonce", body: "{}")
            let n2 = try XCTUnwrap(nonce2.json?["nonce"]?.stringValue)
            let stripped = JSONValue.object([
                "credential": .string(withoutDisclosures), "attribute": "birthdate", "nonce": .string(n2),
                "predicate": .object(["type": "age_at_least", "years": 21, "on": .string(today)]),
                "proof": .string(Hex.encode(try proof.serialized())),
            ]).serialized
            let refused = try await setup.send("POST", "/v1/privacy/proofs/verify", body: stripped)
            XCTAssertEqual(refused.status, 400, refused.text)
            XCTAssertEqual(refused.json?["code"], "credential_invalid")
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }

    func testOnlyConfirmedAttributesAreCommitted() async throws {
        let setup = try await makeSetup()
        do {
            // The provider does not confirm another date: no commitment, no claim.
            let wrong = try await setup.send("POST", "/v1/verifications", body: Self.verification(birthdate: "1991-01-01"))
            XCTAssertEqual(wrong.status, 200, wrong.text)
            XCTAssertEqual(wrong.json?["claims"], ["birthdate_match": "false"])
            XCTAssertEqual(wrong.json?["commitments"], ["birthdate": nil])
            // Malformed requests.
            let cases = [
                Self.verification(birthdate: "1990-05-01", extra: #","commit_attributes":["birthdate"]"#),
                Self.verification(birthdate: "1990-05-01", extra: #","credential_format":"vc+jwt","commit_attributes":["given_name"]"#),
                Self.verification(birthdate: "1990-05-01", extra: #","credential_format":"vc+jwt","commit_attributes":[]"#),
                Self.verification(birthdate: "05/01/1990", extra: #","credential_format":"vc+jwt","commit_attributes":["birthdate"]"#),
            ]
            for body in cases {
                let r = try await setup.send("POST", "/v1/verifications", body: body)
                XCTAssertEqual(r.status, 400, "\(body): \(r.text)")
            }
            let unknown = try await setup.send("POST", "/v1/privacy/proofs/verify", body: #"{"credential":"x","attribute":"birthdate"}"#)
            XCTAssertEqual(unknown.status, 400, unknown.text)
            let garbage = try await setup.send("POST", "/v1/privacy/proofs/verify", body: "[1]")
            XCTAssertEqual(garbage.status, 400, garbage.text)
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }
}

/// base64url without padding, for reading a JWT payload in a test.
enum Base64URLTestDecoder {
    static func decode(_ text: String) -> Data? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}
