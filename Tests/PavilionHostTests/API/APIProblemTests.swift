import PavilionCore
import PavilionHost
import XCTest

final class APIProblemTests: XCTestCase {
    func testProblemDocumentFollowsRFC9457WithCodeAndRequestID() {
        let problem = APIProblem(400, "purpose_not_allowed", "connector 'x' may not be used for purpose 'y'",
                                 extensions: ["allowed": ["kyc"]])
        let json = problem.json(requestID: "req-1")
        XCTAssertEqual(json["type"], "https://pavilion.dev/problems/purpose-not-allowed")
        XCTAssertEqual(json["title"], "Bad Request")
        XCTAssertEqual(json["status"], 400)
        XCTAssertEqual(json["code"], "purpose_not_allowed")
        XCTAssertEqual(json["request_id"], "req-1")
        XCTAssertEqual(json["allowed"], ["kyc"])
        XCTAssertEqual(problem, APIProblem(400, "purpose_not_allowed", "other words"))
    }

    func testRequestBodiesAreCheckedField_by_field() {
        func code(_ body: String) -> String? {
            do { _ = try VerificationRequest.parse(Array(body.utf8)); return nil } catch { return error.code }
        }
        XCTAssertEqual(code("nope"), "invalid_json")
        XCTAssertEqual(code("[]"), "invalid_request")
        XCTAssertEqual(code(#"{"claims":[],"subject":{},"purpose":"kyc","jurisdiction":"eu"}"#), "invalid_request")
        XCTAssertEqual(code(#"{"claims":["a"],"subject":[],"purpose":"kyc","jurisdiction":"eu"}"#), "invalid_request")
        XCTAssertEqual(code(#"{"claims":["a"],"subject":{},"purpose":"k y c","jurisdiction":"eu"}"#), "invalid_request")
        XCTAssertEqual(code(#"{"claims":["a"],"subject":{},"purpose":"kyc","jurisdiction":"mars"}"#), "invalid_request")
        XCTAssertEqual(code(#"{"claims":["a"],"subject":{},"purpose":"kyc","jurisdiction":"eu","extra":1}"#), "invalid_request")
        XCTAssertNil(code(#"{"claims":["a","a"],"subject":{},"purpose":"kyc","jurisdiction":"us-ca","lawful_basis":"consent"}"#))
        let parsed = try? VerificationRequest.parse(Array(#"{"claims":["a","b","a"],"subject":{},"purpose":"kyc","jurisdiction":"us-ca"}"#.utf8))
        XCTAssertEqual(parsed?.claims, ["a", "b"])
        XCTAssertEqual(parsed?.jurisdiction, .usCA)
    }
}
