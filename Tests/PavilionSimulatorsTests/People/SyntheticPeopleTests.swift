import Foundation
import PavilionCore
import PavilionSimulators
import PavilionTestSupport
import XCTest

final class SyntheticPeopleTests: XCTestCase {
    func testPeopleLoadFromAFileAndReplaceTheBuiltInOnes() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("pavilion-sim-people")
        let file = dir.appendingPathComponent("people.json")
        try #"""
        {"people": [{"id": "x1", "phone_number": "+34600000077", "given_names": ["Zoe"], "family_name": "Example",
                     "birthdate": "2000-02-29", "gender": "female", "identifiers": [{"system": "urn:test", "value": "77"}]}]}
        """#.write(to: file, atomically: true, encoding: .utf8)
        let people = try SyntheticPerson.load(path: file.path)
        XCTAssertEqual(people.map(\.id), ["x1"])

        let harness = try SimulatorHarness(SimulatorConfiguration(kind: .camara, people: people))
        let token = try await harness.token()
        let known = try await harness.send("POST", "/kyc-match/v0.3/match",
                                           json: ["phoneNumber": "+34600000077", "givenName": "zoe"],
                                           headers: [("authorization", "Bearer \(token)")])
        XCTAssertEqual(try known.json(), ["givenNameMatch": "true"])
        let builtIn = try await harness.send("POST", "/kyc-match/v0.3/match", json: ["phoneNumber": "+34600000001"],
                                             headers: [("authorization", "Bearer \(token)")])
        XCTAssertEqual(builtIn.status, 404)
        await harness.stop()
    }

    func testInvalidPeopleAreRefusedByIndexAndKey() throws {
        let cases: [(JSONValue, String)] = [
            ([["id": "a", "given_names": ["A"], "family_name": "B"]], "people[0].birthdate"),
            ([["id": "a", "given_names": ["A"], "family_name": "B", "birthdate": "1990-02-30"]], "people[0].birthdate"),
            ([["id": "a", "given_names": [], "family_name": "B", "birthdate": "1990-01-01"]], "people[0].given_names"),
            ([["id": "a", "given_names": ["A"], "family_name": "B", "birthdate": "1990-01-01", "phone_number": "123"]],
             "people[0].phone_number"),
            ([["id": "a", "given_names": ["A"], "family_name": "B", "birthdate": "1990-01-01", "shoe_size": 9]],
             "shoe_size"),
            ([["id": "a", "given_names": ["A"], "family_name": "B", "birthdate": "1990-01-01"],
              ["id": "a", "given_names": ["C"], "family_name": "D", "birthdate": "1990-01-01"]], "used twice"),
            ("people", "expected an array"),
        ]
        for (json, fragment) in cases {
            XCTAssertThrowsError(try SyntheticPerson.people(from: json), fragment) { error in
                let error = error as? SimulatorError
                XCTAssertEqual(error?.code, .invalidPeople)
                XCTAssertTrue(error?.reason.contains(fragment) == true, "\(error?.reason ?? "") lacks \(fragment)")
            }
        }
        XCTAssertThrowsError(try SyntheticPerson.load(path: "/nonexistent/people.json"))
    }

    func testBuiltInPeopleAreValidAndUnique() {
        let people = SyntheticPerson.builtIn
        XCTAssertEqual(Set(people.map(\.id)).count, people.count)
        XCTAssertTrue(people.contains { $0.phoneNumber == "+34600000001" && $0.birthdate == "1990-05-01" })
    }
}
