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

    func testTheFirstUnknownMemberByNameIsReported() {
        let body = #"{"zz":1,"claims":["a"],"subject":{},"purpose":"kyc","jurisdiction":"eu","bb":2,"cc":"x"}"#
        XCTAssertThrowsError(try VerificationRequest.parse(Array(body.utf8))) { error in
            XCTAssertEqual((error as? APIProblem)?.detail, #"unknown member "bb""#)
        }
    }

    func testClaimAndPurposeNamesAreTokens() {
        func accepts(_ name: String) -> Bool {
            let body = #"{"claims":["\#(name)"],"subject":{},"purpose":"kyc","jurisdiction":"eu"}"#
            return (try? VerificationRequest.parse(Array(body.utf8))) != nil
        }
        for good in ["a", "A.b_c:d+e-f", "0", String(repeating: "x", count: 128)] { XCTAssertTrue(accepts(good), good) }
        for bad in ["", "_a", ".a", "a b", "a/b", "é", String(repeating: "x", count: 129), "a\\b"] {
            XCTAssertFalse(accepts(bad), bad)
        }
    }
}
