import Foundation
import PavilionCore
import PavilionHost
import PavilionStore
import XCTest

/// The answer's bytes are written without a dictionary; they must be the
/// bytes of its JSON value.
final class VerificationOutcomeTests: XCTestCase {
    private func outcome(requestID: String?, region: String?, credential: IssuedCredential?) throws -> VerificationOutcome {
        VerificationOutcome(id: try VerificationID("vrf_018bcfe568000123456789abcdef0123"), requestID: requestID,
                            status: .completed, connector: "echo", connectorVersion: "1.0.0", region: region,
                            claims: ["b": true, "a": ["x": 1, "\u{1F600}": "y"]],
                            createdAt: Date(timeIntervalSince1970: 1_700_000_000.5), credential: credential)
    }

    func testSerializedAnswerIsTheJSONValuesBytes() throws {
        let credential = IssuedCredential(format: .sdJWTVC, value: "eyJ.eyJ.sig~")
        for value in [try outcome(requestID: "req_1", region: "eu-west", credential: nil),
                      try outcome(requestID: nil, region: nil, credential: nil),
                      try outcome(requestID: "req_2", region: "local", credential: credential)] {
            XCTAssertEqual(value.serializedJSON, value.json.serializedBytes)
        }
    }

    func testAnswerHasItsFieldsAndNullsForTheAbsentOnes() throws {
        let json = try JSONParser().parse(bytes: try outcome(requestID: nil, region: nil, credential: nil).serializedJSON)
        XCTAssertEqual(json["request_id"], .null)
        XCTAssertEqual(json["region"], .null)
        XCTAssertEqual(json["created_at"], "2023-11-14T22:13:20.500Z")
        XCTAssertEqual(json["status"], "completed")
        XCTAssertNil(json["credential"])
    }
}
