import PavilionCore
import PavilionNet
import PavilionSimulators
import XCTest

/// The shipped FHIR Patient connector against the fhir simulator, over loopback HTTP.
final class FHIRSimulatorTests: XCTestCase {
    private func runFixture(_ name: String) async throws {
        let fixture = try FixtureCase.named(name, in: "fhir-patient.json")
        let harness = try SimulatorHarness(.fhir)
        let outcome = try await ShippedConnector.run(try ShippedConnector.instance("fhir-patient", clockMs: fixture.clockMs),
                                                     query: fixture.query, client: harness.client,
                                                     endpoint: harness.endpoint)
        XCTAssertEqual(outcome, fixture.expected, name)
        await harness.stop()
    }

    func testAllClaimsByIdentifierGiveTheFixtureResult() async throws {
        try await runFixture("all claims for one patient by identifier")
    }

    func testDemographicSearchGivesTheFixtureResult() async throws {
        try await runFixture("demographic search when there is no identifier")
    }

    func testUnknownIdentifierIsNotFound() async throws {
        let harness = try SimulatorHarness(.fhir)
        let query: JSONValue = ["subject": ["identifier": "urn:oid:2.16.840.1.113883.4.1|000-00-0000"],
                                "claims": ["patient_exists"]]
        let outcome = try await ShippedConnector.run(try ShippedConnector.instance("fhir-patient"), query: query,
                                                     client: harness.client, endpoint: harness.endpoint)
        XCTAssertEqual(outcome, .failure(.notFound))
        await harness.stop()
    }

    func testTwoPatientsWithTheSameDemographicsAreAmbiguous() async throws {
        let harness = try SimulatorHarness(.fhir)
        let query: JSONValue = ["subject": ["family_name": "Taylor", "given_name": "Sam", "birthdate": "1985-03-03"],
                                "claims": ["patient_exists", "age_over_18"]]
        let outcome = try await ShippedConnector.run(try ShippedConnector.instance("fhir-patient"), query: query,
                                                     client: harness.client, endpoint: harness.endpoint)
        XCTAssertEqual(outcome, .result(["patient_exists": true, "age_over_18": "not_available"]))
        await harness.stop()
    }

    func testDeceasedPatientIsReportedDeceased() async throws {
        let harness = try SimulatorHarness(.fhir)
        let query: JSONValue = ["subject": ["identifier": "urn:oid:2.16.840.1.113883.4.1|987-65-4322"],
                                "claims": ["is_deceased", "age_over_65"]]
        let outcome = try await ShippedConnector.run(try ShippedConnector.instance("fhir-patient"), query: query,
                                                     client: harness.client, endpoint: harness.endpoint)
        XCTAssertEqual(outcome, .result(["is_deceased": true, "age_over_65": true]))
        await harness.stop()
    }

    func testWrongTenantSecretIsRefusedAtTheTokenEndpoint() async throws {
        let harness = try SimulatorHarness(.fhir)
        let query: JSONValue = ["subject": ["identifier": "urn:oid:2.16.840.1.113883.4.1|123-45-6789"],
                                "claims": ["patient_exists"]]
        let outcome = try await ShippedConnector.run(try ShippedConnector.instance("fhir-patient"), query: query,
                                                     tenant: "intruder", client: harness.client,
                                                     endpoint: harness.endpoint)
        XCTAssertEqual(outcome, .failure(.upstream))
        await harness.stop()
    }

    func testHealthProbeSeesTheCapabilityStatement() async throws {
        let harness = try SimulatorHarness(.fhir)
        let outcome = try await ShippedConnector.run(try ShippedConnector.instance("fhir-patient"),
                                                     client: harness.client, endpoint: harness.endpoint)
        XCTAssertEqual(outcome, .result(["healthy": true]))
        let metadata = try await harness.send("GET", "/fhir/R4/metadata")
        XCTAssertEqual(metadata.headers["content-type"], "application/fhir+json")
        XCTAssertEqual(try metadata.json()["fhirVersion"], "4.0.1")
        await harness.stop()
    }

    func testSearchWithoutAValidTokenIsAnOperationOutcome401() async throws {
        let harness = try SimulatorHarness(.fhir)
        for headers in [[], [("authorization", "Bearer forged")]] {
            let response = try await harness.send("GET", "/fhir/R4/Patient?family=Garc%C3%ADa", headers: headers)
            XCTAssertEqual(response.status, 401)
            let body = try response.json()
            XCTAssertEqual(body["resourceType"], "OperationOutcome")
            XCTAssertEqual(body["issue"]?.arrayValue?.first?["code"], "login")
        }
        await harness.stop()
    }

    func testBadSearchParametersAreAnOperationOutcome400() async throws {
        let harness = try SimulatorHarness(.fhir)
        let token = try await harness.token()
        for target in ["/fhir/R4/Patient", "/fhir/R4/Patient?name=Ana", "/fhir/R4/Patient?birthdate=01%2F05%2F1990",
                       "/fhir/R4/Patient?family=Garcia&_count=500", "/fhir/R4/Patient?birthdate=gt1990",
                       "/fhir/R4/Patient?family=%ZZ"] {
            let response = try await harness.send("GET", target, headers: [("authorization", "Bearer \(token)")])
            XCTAssertEqual(response.status, 400, target)
            XCTAssertEqual(try response.json()["resourceType"], "OperationOutcome", target)
        }
        await harness.stop()
    }

    func testSearchIsCaseAndAccentInsensitivePrefixAndCountsTotal() async throws {
        let harness = try SimulatorHarness(.fhir)
        let token = try await harness.token()
        let response = try await harness.send("GET", "/fhir/R4/Patient?family=garcia&given=an&_count=1",
                                              headers: [("authorization", "Bearer \(token)")])
        XCTAssertEqual(response.status, 200)
        let bundle = try response.json()
        XCTAssertEqual(bundle["type"], "searchset")
        XCTAssertEqual(bundle["total"], 1)
        XCTAssertEqual(bundle["entry"]?.arrayValue?.first?["resource"]?["id"], "p1")
        let taylors = try await harness.send("GET", "/fhir/R4/Patient?family=Taylor&_count=1",
                                             headers: [("authorization", "Bearer \(token)")])
        let taylorBundle = try taylors.json()
        XCTAssertEqual(taylorBundle["total"], 2)
        XCTAssertEqual(taylorBundle["entry"]?.arrayValue?.count, 1, "_count bounds the entries, not the total")
        await harness.stop()
    }
}
