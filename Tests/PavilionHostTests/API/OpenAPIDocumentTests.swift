import Foundation
import PavilionCore
import PavilionData
import PavilionManifest
import PavilionTestSupport
import XCTest

/// docs/openapi.yaml is a valid OpenAPI 3.1 document and stays true to the
/// code: every problem code and every route the host answers is in it.
final class OpenAPIDocumentTests: XCTestCase {
    private let root = TestEnvironment.packageRoot

    private func document(_ relative: String) throws -> YAMLDocument {
        try YAMLDocument.load(path: root.appendingPathComponent(relative).path)
    }

    func testDocumentIsValidAgainstTheOpenAPI31Schema() throws {
        let spec = try document("docs/openapi.yaml")
        let schema = try document("Tests/Fixtures/openapi/oas-3.1-schema.yaml")
        let validator = try JSONSchema(schema.value)
        let errors = validator.validate(spec.value)
        XCTAssertEqual(errors.map(\.description), [])
        XCTAssertEqual(spec.value["openapi"]?.stringValue?.hasPrefix("3.1."), true)
    }

    func testTheSchemaCheckCatchesABrokenDocument() throws {
        let schema = try document("Tests/Fixtures/openapi/oas-3.1-schema.yaml")
        let validator = try JSONSchema(schema.value)
        XCTAssertFalse(validator.isValid(["openapi": "3.1.0", "info": ["title": "x"], "paths": ["/a": ["get": ["responses": 7]]]]))
    }

    func testEveryProblemCodeTheHostUsesIsDocumented() throws {
        let spec = try String(contentsOf: root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        let codes = try hostSources().flatMap { source in
            source.matches(of: /APIProblem\([0-9]{3}, "([a-z_]+)"/).map { String($0.1) }
        }
        XCTAssertGreaterThan(Set(codes).count, 15)
        for code in Set(codes) {
            XCTAssertTrue(spec.contains(code), "problem code \(code) is not in docs/openapi.yaml")
        }
    }

    func testEveryRouteTheHostServesIsDocumented() throws {
        let spec = try document("docs/openapi.yaml")
        let paths = Set(spec.value["paths"]?.objectValue?.keys.map { $0 } ?? [])
        let served = try hostSources().flatMap { source in
            source.matches(of: /"(\/(?:v1|healthz|readyz|metrics)[a-z\/]*)"/).map { String($0.1) }
        }
        XCTAssertFalse(served.isEmpty)
        for route in Set(served) where !route.hasSuffix("/") {
            XCTAssertTrue(paths.contains(route) || paths.contains { $0.hasPrefix(route + "/{") },
                          "route \(route) is not in docs/openapi.yaml paths")
        }
    }

    private func hostSources() throws -> [String] {
        let folder = root.appendingPathComponent("Sources/PavilionHost")
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        return try files.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
            .map { try String(contentsOf: $0, encoding: .utf8) }
    }
}
