import Foundation
import PavilionCore
import PavilionManifest
import PavilionTestSupport
import XCTest

/// `spec.transforms`: kept as JSON, checked for structure, and checked
/// against the output schema's declared properties.
final class ManifestTransformsTests: XCTestCase {
    static let minimal = TestEnvironment.fixtures("manifests/good/minimal.yaml")

    func manifest(schemas: String = "", transforms: String) throws -> String {
        let text = try String(contentsOf: Self.minimal, encoding: .utf8)
        return text.replacingOccurrences(of: "  regions:\n", with: schemas + "  transforms:\n" + transforms + (transforms.hasSuffix("\n") ? "" : "\n") + "  regions:\n")
    }

    func load(_ text: String) throws(ManifestError) -> Manifest {
        try ManifestLoader.load(text: text, file: "m.yaml", baseDirectory: "/srv/pavilion/connectors.d")
    }

    func diagnostics(_ text: String) -> [String] {
        do {
            _ = try load(text)
            XCTFail("accepted")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    func testTransformsAreKeptAsJSON() throws {
        let m = try load(try manifest(transforms: """
                - rename: { from: dob, to: birthdate }
                - derive: { from: birthdate, age_over: [18] }
            """))
        XCTAssertEqual(m.transforms, [["rename": ["from": "dob", "to": "birthdate"]],
                                      ["derive": ["from": "birthdate", "age_over": [18]]]])
        XCTAssertEqual(m.location(of: "spec.transforms[1].derive").line, 23)
    }

    func testManifestWithoutTransformsHasNone() throws {
        XCTAssertNil(try ManifestLoader.load(path: Self.minimal.path).transforms)
    }

    func testWithoutDeclaredPropertiesAnyFieldMayBeRead() throws {
        let text = try manifest(schemas: "  schemas:\n    output: { type: object }\n", transforms: "    - redact: { field: anything }\n")
        XCTAssertNoThrow(try load(text))
    }

    func testFieldMadeByAnEarlierStepMayBeRead() throws {
        let text = try manifest(schemas: "  schemas:\n    output: { properties: { dob: { type: string } } }\n", transforms: """
                - rename: { from: dob, to: birthdate }
                - derive: { from: birthdate, age_over: [18], as: "over_{N}" }
                - redact: { field: over_18 }
            """)
        XCTAssertNoThrow(try load(text))
    }

    func testFieldRenamedAwayOrUndeclaredIsALintErrorAtTheField() throws {
        let text = try manifest(schemas: "  schemas:\n    output: { properties: { dob: { type: string } } }\n", transforms: """
                - rename: { from: dob, to: birthdate }
                - redact: { field: dob }
                - hash: { field: nino, with: hmac-sha256, key: tenant }
            """)
        XCTAssertEqual(diagnostics(text), [
            "m.yaml:25:24: error: spec.transforms[1].redact.field: field \"dob\" is not declared in spec.schemas.output.properties and no earlier transform makes it",
            "m.yaml:26:22: error: spec.transforms[2].hash.field: field \"nino\" is not declared in spec.schemas.output.properties and no earlier transform makes it",
        ])
    }

    func testStructuralMistakesAreReportedWithPositions() throws {
        let text = try manifest(transforms: """
                - {}
                - rename: { from: a }
                - redact: { field: a }
                  map: { field: b, values: { x: y } }
                - normalize: { field: p, as: phone }
                - normalize: { field: p, as: address, country_code: "44" }
                - derive: { from: b, age_over: [18, 18, 200] }
                - generalize: { field: a }
                - hash: { field: a, with: sha1, key: tenant }
                - tokenize: { field: 7, key: tenant }
                - map: { field: a, values: {} }
                - rename: { from: a, to: a }
            """)
        let found = diagnostics(text)
        for fragment in ["spec.transforms[0]: a step has exactly one key", "spec.transforms[1].rename: missing required key 'to'",
                         "spec.transforms[2]: a step has exactly one key", "spec.transforms[3].normalize.as: unknown normalisation \"phone\"",
                         "spec.transforms[4].normalize.country_code: only 'as: e164'", "spec.transforms[5].derive.age_over[1]: duplicate entry 18",
                         "spec.transforms[5].derive.age_over[2]: must be between 1 and 150", "spec.transforms[6].generalize: give exactly one",
                         "spec.transforms[7].hash.with: unknown keyed hash \"sha1\"", "spec.transforms[8].tokenize.field: expected a string",
                         "spec.transforms[9].map.values: must map at least one value", "spec.transforms[10].rename.to: renames a field to itself"] {
            XCTAssertTrue(found.contains { $0.contains(fragment) }, "missing \(fragment) in:\n\(found.joined(separator: "\n"))")
        }
    }

    func testTransformsMustBeAList() throws {
        let text = try String(contentsOf: Self.minimal, encoding: .utf8)
            .replacingOccurrences(of: "  regions:\n", with: "  transforms: { rename: { from: a, to: b } }\n  regions:\n")
        XCTAssertTrue(diagnostics(text).contains { $0.contains("spec.transforms: expected a list") })
    }
}
