import PavilionCore
import PavilionNet
import PavilionSimulators
import XCTest

/// The shipped CAMARA KYC Match connector against the camara simulator, over loopback HTTP.
final class CamaraSimulatorTests: XCTestCase {
    func testAllSevenClaimsGiveTheFixtureResult() async throws {
        let fixture = try FixtureCase.named("all seven claims", in: "camara-kyc-match.json")
        let harness = try SimulatorHarness(.camara)
        let outcome = try await ShippedConnector.run(try ShippedConnector.instance("camara-kyc-match"),
                                                     query: fixture.query, client: harness.client,
                                                     endpoint: harness.endpoint)
        XCTAssertEqual(outcome, fixture.expected)
        XCTAssertEqual(harness.simulator.stats.requests, ["/oauth2/token": 1, "/kyc-match/v0.3/match": 1])
        await harness.stop()
    }

    func testOnlyTheRequestedClaimIsAnswered() async throws {
        let fixture = try FixtureCase.named("minimisation: only birthdate_match asked, only birthdate sent and returned",
                                            in: "camara-kyc-match.json")
        let harness = try SimulatorHarness(.camara)
        let outcome = try await ShippedConnector.run(try ShippedConnector.instance("camara-kyc-match"),
                                                     query: fixture.query, client: harness.client,
                                                     endpoint: harness.endpoint)
        XCTAssertEqual(outcome, fixture.expected)
        await harness.stop()
    }

    func testUnknownPhoneNumberIsNotFound() async throws {
        let harness = try SimulatorHarness(.camara)
        let query: JSONValue = ["subject": ["phone_number": "+34699999999", "given_name": "Ana"],
                                "claims": ["given_name_match"]]
        let outcome = try await ShippedConnector.run(try ShippedConnector.instance("camara-kyc-match"), query: query,
                                                     client: harness.client, endpoint: harness.endpoint)
        XCTAssertEqual(outcome, .failure(.notFound))
        await harness.stop()
    }

    func testWrongTenantSecretIsRefusedAtTheTokenEndpoint() async throws {
        let harness = try SimulatorHarness(.camara)
        let query: JSONValue = ["subject": ["phone_number": "+34600000001", "given_name": "Ana"],
                                "claims": ["given_name_match"]]
        let outcome = try await ShippedConnector.run(try ShippedConnector.instance("camara-kyc-match"), query: query,
                                                     tenant: "intruder", client: harness.client,
                                                     endpoint: harness.endpoint)
        XCTAssertEqual(outcome, .failure(.upstream))
        XCTAssertEqual(harness.simulator.stats.requests, ["/oauth2/token": 1], "no match call without a token")
        await harness.stop()
    }

    func testWrongClientCredentialsGetInvalidClient() async throws {
        let harness = try SimulatorHarness(.camara)
        let response = try await harness.send("POST", "/oauth2/token",
                                              headers: [("content-type", "application/x-www-form-urlencoded"),
                                                        ("authorization", "Basic dGVzdC1jbGllbnQ6d3Jvbmc=")],
                                              body: Array("grant_type=client_credentials".utf8))
        XCTAssertEqual(response.status, 401)
        XCTAssertEqual(try response.json()["error"], "invalid_client")
        await harness.stop()
    }

    func testMatchWithoutAnIssuedTokenIsUnauthenticated() async throws {
        let harness = try SimulatorHarness(.camara)
        for authorization in [nil, "Bearer forged-token", "Basic dGVzdC1jbGllbnQ6czNjcjN0"] {
            let headers = authorization.map { [("authorization", $0)] } ?? []
            let response = try await harness.send("POST", "/kyc-match/v0.3/match",
                                                  json: ["phoneNumber": "+34600000001"], headers: headers)
            XCTAssertEqual(response.status, 401)
            let body = try response.json()
            XCTAssertEqual(body["status"], 401)
            XCTAssertEqual(body["code"], "UNAUTHENTICATED")
            XCTAssertNotNil(body["message"]?.stringValue)
        }
        await harness.stop()
    }

    func testMissingOrMalformedPhoneNumberIsInvalidArgument() async throws {
        let harness = try SimulatorHarness(.camara)
        let token = try await harness.token()
        for body: JSONValue in [["givenName": "Ana"], ["phoneNumber": "600000001"], ["phoneNumber": 34_600_000_001]] {
            let response = try await harness.send("POST", "/kyc-match/v0.3/match", json: body,
                                                  headers: [("authorization", "Bearer \(token)")])
            XCTAssertEqual(response.status, 400, body.serialized)
            XCTAssertEqual(try response.json()["code"], "INVALID_ARGUMENT")
        }
        let notJSON = try await harness.send("POST", "/kyc-match/v0.3/match",
                                             headers: [("authorization", "Bearer \(token)")], body: Array("{".utf8))
        XCTAssertEqual(notJSON.status, 400)
        await harness.stop()
    }

    func testFieldsAreComparedWithTheSubscriberRecord() async throws {
        let harness = try SimulatorHarness(.camara)
        let token = try await harness.token()
        let response = try await harness.send(
            "POST", "/kyc-match/v0.3/match",
            json: ["phoneNumber": "+34600000002", "givenName": "  BRUNO ", "familyName": "Costa",
                   "address": "Calle Mayor 1, 28013 Madrid", "idDocument": "8765-4321 x", "email": "Bruno.Costa@Example.org",
                   "birthdate": "1985-11-24", "gender": "MALE", "middleNames": "Luis"],
            headers: [("authorization", "Bearer \(token)")])
        XCTAssertEqual(response.status, 200)
        let body = try response.json()
        XCTAssertEqual(body["givenNameMatch"], "true")
        XCTAssertEqual(body["familyNameMatch"], "false")
        XCTAssertNotNil(body["familyNameMatchScore"]?.intValue)
        XCTAssertEqual(body["addressMatch"], "true")
        XCTAssertEqual(body["idDocumentMatch"], "true")
        XCTAssertEqual(body["emailMatch"], "true")
        XCTAssertEqual(body["birthdateMatch"], "false")
        XCTAssertEqual(body["genderMatch"], "true")
        XCTAssertEqual(body["middleNamesMatch"], "not_available")
        XCTAssertNil(body["phoneNumberMatch"])
        await harness.stop()
    }

    func testServesOverTLS() async throws {
        let certificates = try SelfSignedCertificate.make()
        let harness = try SimulatorHarness(
            SimulatorConfiguration(kind: .camara, tlsCertificateFile: certificates.certificate,
                                   tlsKeyFile: certificates.key),
            client: HTTPClientConfiguration(tls: .client(trustRoots: .caFile(certificates.certificate))))
        XCTAssertTrue(harness.simulator.url.hasPrefix("https://127.0.0.1:"))
        let fixture = try FixtureCase.named("all seven claims", in: "camara-kyc-match.json")
        let outcome = try await ShippedConnector.run(try ShippedConnector.instance("camara-kyc-match"),
                                                     query: fixture.query, client: harness.client,
                                                     endpoint: harness.endpoint)
        XCTAssertEqual(outcome, fixture.expected)
        await harness.stop()
    }
}
