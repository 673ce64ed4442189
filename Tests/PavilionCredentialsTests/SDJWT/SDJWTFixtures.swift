import Foundation
import PavilionCore
import PavilionCredentials
import PavilionTestSupport
import XCTest

/// Loads the vectors in Tests/Fixtures/sd-jwt.
enum SDJWTFixtures {
    static func json(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: TestEnvironment.fixtures("sd-jwt").appendingPathComponent(name))
        return try JSONParser().parse(bytes: Array(data))
    }

    static func string(_ value: JSONValue?, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try XCTUnwrap(value?.stringValue, file: file, line: line)
    }

    static func object(_ value: JSONValue?, file: StaticString = #filePath, line: UInt = #line) throws -> [String: JSONValue] {
        try XCTUnwrap(value?.objectValue, file: file, line: line)
    }

    /// The RFC 9901 Appendix A.5 issuer key.
    static func rfcIssuerKey() throws -> JWK {
        try JWK(json: try json("rfc9901-section5.json")["issuer_public_key"] ?? .null)
    }
}

func XCTAssertSDJWTError<T>(_ expression: @autoclosure () throws -> T, _ code: SDJWTError.Code, _ message: String = "",
                            file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try expression(), message, file: file, line: line) { error in
        guard let sdError = error as? SDJWTError else {
            XCTFail("expected SDJWTError \(code), got \(error)", file: file, line: line)
            return
        }
        XCTAssertEqual(sdError.code, code, "\(message) — \(sdError.reason)", file: file, line: line)
    }
}
