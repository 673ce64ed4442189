import Foundation
import PavilionCore
import XCTest

/// Who may do what: API keys and tenants, as problem details.
final class ServiceAccessTests: ServiceTestCase {
    func testVerificationWithoutAKeyIs401Problem() throws {
        let response = try harness.curl.post("/v1/verifications", key: nil, Self.echoBody)
        assertProblem(response, 401, "unauthenticated")
        try assertStillServes()
    }

    func testVerificationWithAWrongKeyIs401Problem() throws {
        let wrong = "pvk_" + String(repeating: "0", count: 8) + "_" + String(repeating: "A", count: 43)
        let response = try verify(Self.echoBody, key: wrong)
        assertProblem(response, 401, "unauthenticated")
        XCTAssertFalse(response.body.contains(wrong), "the problem echoes the key: \(response.body)")
        try assertStillServes()
    }

    func testAnotherTenantsVerificationIs403Problem() throws {
        let created = try verify(Self.echoBody)
        XCTAssertEqual(created.status, 200, created.summary)
        let id = try XCTUnwrap(created.json?["id"]?.stringValue, created.summary)
        let response = try harness.curl.get("/v1/verifications/\(id)", key: harness.otherKey)
        assertProblem(response, 403, "forbidden")
        XCTAssertNil(response.json?["claims"], response.body)
        // Its owner still reads it.
        XCTAssertEqual(try harness.curl.get("/v1/verifications/\(id)", key: harness.acmeKey).status, 200)
    }
}
