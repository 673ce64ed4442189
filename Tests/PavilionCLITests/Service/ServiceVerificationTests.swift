import Foundation
import PavilionCore
import XCTest

/// The happy path of each shipped connector through the real binary, over
/// TLS, against the real simulators; and reading a verification back.
final class ServiceVerificationTests: ServiceTestCase {
    func testEchoVerificationCompletesAndCanBeReadBack() throws {
        let response = try verify(Self.echoBody)
        XCTAssertEqual(response.status, 200, response.summary)
        XCTAssertEqual(response.json?["status"], "completed")
        XCTAssertEqual(response.json?["connector"], "echo")
        XCTAssertEqual(response.json?["claims"], ["echo": true])
        try assertReadBack(response)
    }

    func testCamaraKYCMatchAnswersExactlyTheRequestedClaims() throws {
        let response = try verify(Self.camaraBody)
        XCTAssertEqual(response.status, 200, response.summary)
        XCTAssertEqual(response.json?["status"], "completed")
        XCTAssertEqual(response.json?["region"], "eu-west")
        XCTAssertEqual(response.json?["claims"], ["given_name_match": "true", "birthdate_match": "true", "email_match": "true"])
        try assertReadBack(response)
    }

    func testFraudListAnswersThroughAPSIStepAndTheRegisterNeverSeesTheNumber() throws {
        let body = #"""
            {"connector":"fraud-list","claims":["listed"],"subject":{"phone_number":"%@"},
             "purpose":"fraud_prevention","lawful_basis":"legitimate_interests","jurisdiction":"eu"}
            """#
        let listed = try verify(body.replacingOccurrences(of: "%@", with: "+44 7700 900555"))
        XCTAssertEqual(listed.status, 200, listed.summary)
        XCTAssertEqual(listed.json?["status"], "completed")
        XCTAssertEqual(listed.json?["claims"], ["listed": true])
        try assertReadBack(listed)
        let unlisted = try verify(body.replacingOccurrences(of: "%@", with: "+447700900123"))
        XCTAssertEqual(unlisted.json?["claims"], ["listed": false], unlisted.summary)
        let stats = try harness.simulatorControl("fraud-list").get("/_sim/stats")
        let paths = Set((stats.json?["requests"]?.objectValue ?? [:]).keys)
        XCTAssertEqual(paths, ["/psi/v1/info", "/psi/v1/evaluate", "/psi/v1/set"], stats.body)
        XCTAssertFalse(harness.server?.stderr.text.contains("7700900") ?? true, "no log line holds the number")
    }

    func testFHIRPatientAnswersAgeOver18AndNeverTheBirthDate() throws {
        let response = try verify(Self.fhirBody)
        XCTAssertEqual(response.status, 200, response.summary)
        XCTAssertEqual(response.json?["status"], "completed")
        XCTAssertEqual(response.json?["claims"], ["age_over_18": true])
        XCTAssertFalse(Self.carriesTheBirthDate(response.body), response.body)
        XCTAssertFalse(response.body.lowercased().contains("birth"), response.body)
        let stored = try assertReadBack(response)
        XCTAssertFalse(Self.carriesTheBirthDate(stored.body), stored.body)
        XCTAssertFalse(stored.body.lowercased().contains("birth"), stored.body)
        let id = try XCTUnwrap(response.json?["id"]?.stringValue)
        for path in ["/v1/verifications/\(id)/lineage", "/ui/lineage/\(id)"] {
            let lineage = try harness.curl.get(path, key: harness.acmeKey)
            XCTAssertEqual(lineage.status, 200, lineage.summary)
            XCTAssertFalse(Self.carriesTheBirthDate(lineage.body), lineage.body)
        }
    }

    /// Whether `text` holds the patient's birth date (1990-05-01) in any usual
    /// form. Not the bare year: "1990" turns up in random hex (ids, digests)
    /// about once in seventy bodies of this size.
    static func carriesTheBirthDate(_ text: String) -> Bool {
        ["1990-05-01", "19900501", "1990/05/01", "05/01/1990", "01.05.1990"].contains { text.contains($0) }
    }

    /// `GET /v1/verifications/{id}` returns what the POST answered.
    @discardableResult
    private func assertReadBack(_ created: Curl.Response, file: StaticString = #filePath, line: UInt = #line) throws -> Curl.Response {
        let id = try XCTUnwrap(created.json?["id"]?.stringValue, created.summary, file: file, line: line)
        let read = try harness.curl.get("/v1/verifications/\(id)", key: harness.acmeKey)
        XCTAssertEqual(read.status, 200, read.summary, file: file, line: line)
        XCTAssertEqual(read.json?["id"]?.stringValue, id, file: file, line: line)
        XCTAssertEqual(read.json?["status"], created.json?["status"], file: file, line: line)
        XCTAssertEqual(read.json?["connector"], created.json?["connector"], file: file, line: line)
        XCTAssertEqual(read.json?["claims"], created.json?["claims"], file: file, line: line)
        let lineage = try harness.curl.get("/v1/verifications/\(id)/lineage", key: harness.acmeKey)
        XCTAssertEqual(lineage.status, 200, lineage.summary, file: file, line: line)
        let kinds = Set(lineage.json?["events"]?.arrayValue?.compactMap { $0["run"]?["facets"]?["pavilion_stage"]?["kind"]?.stringValue } ?? [])
        XCTAssertTrue(kinds.isSuperset(of: ["policy_decision", "dp_exchange", "validation", "minimisation", "claims"]),
                      "\(kinds)", file: file, line: line)
        let other = try harness.curl.get("/v1/verifications/\(id)/lineage", key: harness.otherKey)
        XCTAssertEqual(other.status, 403, other.summary, file: file, line: line)
        return read
    }
}
