import PavilionCore
import PavilionManifest
import XCTest

final class YAMLDocumentTests: XCTestCase {
    func testDocumentBecomesJSONWithAPositionForEveryValue() throws {
        let text = "listen:\n  host: 127.0.0.1\n  port: 8443\ntenants:\n  - name: acme\n"
        let doc = try YAMLDocument.parse(bytes: Array(text.utf8), file: "pavilion.yaml")
        XCTAssertEqual(doc.value, ["listen": ["host": "127.0.0.1", "port": 8443], "tenants": [["name": "acme"]]])
        XCTAssertEqual(doc.location(of: "listen.port"), SourceLocation(file: "pavilion.yaml", line: 3, column: 9))
        XCTAssertEqual(doc.location(of: "tenants[0].name").line, 5)
    }

    func testSyntaxErrorsAndAliasesAreRefusedWithPositions() {
        XCTAssertThrowsError(try YAMLDocument.parse(bytes: Array("a: [1, 2\n".utf8), file: "x.yaml")) { error in
            XCTAssertTrue((error as? ManifestError)?.description.hasPrefix("x.yaml:") == true)
        }
        XCTAssertThrowsError(try YAMLDocument.parse(bytes: Array("a: &x 1\nb: *x\n".utf8), file: "x.yaml"))
    }

    func testEmptyFileIsNull() throws {
        XCTAssertEqual(try YAMLDocument.parse(bytes: Array("# nothing\n".utf8), file: "e.yaml").value, .null)
    }
}
