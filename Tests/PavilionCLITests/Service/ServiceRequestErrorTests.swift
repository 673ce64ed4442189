import Foundation
import PavilionCore
import XCTest

/// Bad requests get problem details with a stable code, and the service
/// keeps serving after each of them.
final class ServiceRequestErrorTests: ServiceTestCase {
    func testMalformedJSONIs400InvalidJSON() throws {
        let response = try verify(#"{"connector":"echo","claims":["echo"],"#)
        assertProblem(response, 400, "invalid_json")
        try assertStillServes()
    }

    func testUnknownConnectorIs400UnknownConnector() throws {
        let response = try verify(#"{"connector":"no-such-dp","claims":["echo"],"subject":{},"purpose":"testing","jurisdiction":"eu"}"#)
        assertProblem(response, 400, "unknown_connector")
        try assertStillServes()
    }

    func testConnectorNotEnabledForTheTenantIs400UnknownConnector() throws {
        // `other` has echo only.
        let response = try verify(Self.camaraBody, key: harness.otherKey)
        assertProblem(response, 400, "unknown_connector")
        try assertStillServes()
    }

    func testSchemaInvalidSubjectIs400WithPointersButNotValues() throws {
        let response = try verify(#"""
            {"connector":"camara-kyc-match","claims":["given_name_match"],
             "subject":{"phone_number":"not-a-phone-4711","given_name":"Ana"},
             "purpose":"kyc","lawful_basis":"consent","jurisdiction":"eu"}
            """#)
        assertProblem(response, 400, "invalid_subject")
        let pointers = (response.json?["errors"]?.arrayValue ?? []).compactMap { $0["pointer"]?.stringValue }
        XCTAssertEqual(pointers, ["/phone_number"], response.body)
        XCTAssertFalse(response.body.contains("not-a-phone-4711"), "the problem echoes a subject value: \(response.body)")
        try assertStillServes()
    }

    func testPurposeTheConnectorDoesNotAllowIs400() throws {
        // echo allows `testing` only.
        let response = try verify(#"{"connector":"echo","claims":["echo"],"subject":{},"purpose":"kyc","jurisdiction":"eu"}"#)
        assertProblem(response, 400, "purpose_not_allowed")
        try assertStillServes()
    }

    func testBodyOverTheLimitIs413() throws {
        let padding = String(repeating: "x", count: harness.options.maxBodyBytes * 2)
        let response = try verify(#"{"connector":"echo","claims":["echo"],"subject":{},"purpose":"testing","jurisdiction":"eu","pad":"\#(padding)"}"#)
        XCTAssertEqual(response.status, 413, response.summary)
        XCTAssertEqual(response.code, "body_too_large", response.summary)
        try assertStillServes()
    }

    func testHeaderSectionOverTheLimitIs431() throws {
        let padding = String(repeating: "y", count: harness.options.maxHeaderBytes * 2)
        let response = try verify(Self.echoBody, headers: ["x-padding: \(padding)"])
        XCTAssertEqual(response.status, 431, response.summary)
        XCTAssertEqual(response.code, "header_section_too_large", response.summary)
        try assertStillServes()
    }
}
