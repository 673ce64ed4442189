import Foundation
import PavilionCore
import PavilionCredentials
import PavilionTestSupport
import XCTest

/// Loads the vectors in Tests/Fixtures/jose.
enum JOSEFixtures {
    static func json(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: TestEnvironment.fixtures("jose").appendingPathComponent(name))
        return try JSONParser().parse(bytes: Array(data))
    }

    static func string(_ value: JSONValue?, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try XCTUnwrap(value?.stringValue, file: file, line: line)
    }
}

func XCTAssertJOSEError<T>(_ expression: @autoclosure () throws -> T, _ code: JOSEError.Code, _ message: String = "",
                           file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try expression(), message, file: file, line: line) { error in
        guard let jose = error as? JOSEError else {
            XCTFail("expected JOSEError \(code), got \(error)", file: file, line: line)
            return
        }
        XCTAssertEqual(jose.code, code, "\(message) — \(jose.reason)", file: file, line: line)
    }
}
