import Foundation
import PavilionCore
import Synchronization
import XCTest

/// A test class sharing one running service (``ServiceHarness``) among its
/// tests: started by the first test, stopped when the class is done. Tests
/// must leave it as they found it (clear the faults they set).
class ServiceTestCase: XCTestCase {
    private static let harnesses = Mutex<[ObjectIdentifier: ServiceHarness]>([:])

    /// The options of this class's service; override to change limits.
    class var harnessOptions: ServiceHarness.Options { ServiceHarness.Options() }

    /// The service of this test class.
    private(set) var harness: ServiceHarness!

    override func setUpWithError() throws {
        try super.setUpWithError()
        let key = ObjectIdentifier(type(of: self))
        if let running = Self.harnesses.withLock({ $0[key] }) {
            harness = running
        } else {
            let started = try ServiceHarness.start(type(of: self).harnessOptions)
            Self.harnesses.withLock { $0[key] = started }
            harness = started
        }
    }

    override class func tearDown() {
        if let harness = harnesses.withLock({ $0.removeValue(forKey: ObjectIdentifier(self)) }) { harness.shutdown() }
        super.tearDown()
    }

    // MARK: - Requests the tests share

    /// The echo verification body (no subject attributes).
    static let echoBody = #"{"connector":"echo","claims":["echo"],"subject":{},"purpose":"testing","jurisdiction":"eu"}"#

    /// Ana (seed person p1 of the CAMARA simulator), three of her attributes.
    static let camaraBody = #"""
        {"connector":"camara-kyc-match","claims":["given_name_match","birthdate_match","email_match"],
         "subject":{"phone_number":"+34600000001","given_name":"Ana","birthdate":"1990-05-01","email":"ana@example.com"},
         "purpose":"kyc","lawful_basis":"consent","jurisdiction":"eu"}
        """#

    /// Ana's FHIR record by identifier, asking only whether she is over 18.
    static let fhirBody = #"""
        {"connector":"fhir-patient","claims":["age_over_18"],
         "subject":{"identifier":"urn:oid:2.16.840.1.113883.4.1|123-45-6789"},
         "purpose":"treatment","lawful_basis":"consent","jurisdiction":"us"}
        """#

    /// Subject attribute values the tests send; none may appear in a log line.
    static let subjectValues = ["+34600000001", "ana@example.com", "1990-05-01", "123-45-6789"]

    /// POST a verification as `acme`.
    func verify(_ body: String, key: String? = nil, headers: [String] = [], maxTime: Double = 15) throws -> Curl.Response {
        try harness.curl.post("/v1/verifications", key: key ?? harness.acmeKey, body, headers: headers, maxTime: maxTime)
    }

    /// Assert an RFC 9457 problem with `status` and `code`.
    func assertProblem(_ response: Curl.Response, _ status: Int, _ code: String,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(response.status, status, response.summary, file: file, line: line)
        XCTAssertEqual(response.contentType, "application/problem+json", response.summary, file: file, line: line)
        XCTAssertEqual(response.code, code, response.summary, file: file, line: line)
        XCTAssertEqual(response.json?["status"], .int(Int64(status)), response.summary, file: file, line: line)
        XCTAssertNotNil(response.json?["detail"]?.stringValue, response.summary, file: file, line: line)
    }

    /// Assert that the service still answers an echo verification: it survived what came before.
    func assertStillServes(file: StaticString = #filePath, line: UInt = #line) throws {
        let after = try verify(Self.echoBody)
        XCTAssertEqual(after.status, 200, "the service stopped serving: \(after.summary)", file: file, line: line)
        XCTAssertEqual(after.json?["status"], "completed", after.summary, file: file, line: line)
        XCTAssertTrue(harness.server?.isRunning ?? false, "pavilion serve is not running", file: file, line: line)
    }
}
