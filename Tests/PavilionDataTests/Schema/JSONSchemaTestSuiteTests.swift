import Foundation
import PavilionCore
import PavilionData
import PavilionTestSupport
import XCTest

/// Runs the official JSON-Schema-Test-Suite (draft 2020-12) from
/// `Tests/Fixtures/json-schema-test-suite` (see its SOURCES).
final class JSONSchemaTestSuiteTests: XCTestCase {
    /// Tests not run, by "file: group: test", with the reason. Empty: every
    /// required test and every listed format test runs.
    static let skipped: [String: String] = [:]

    static let suite = TestEnvironment.fixtures("json-schema-test-suite")

    /// The format files issue 7 lists (plus time and duration), run with
    /// format assertion on.
    static let formatFiles = ["date", "date-time", "time", "duration", "email", "uri", "uri-reference", "uuid", "ipv4", "ipv6"]

    /// The remote documents at their `http://localhost:1234/` addresses and
    /// the 2020-12 metaschemas at their official ones.
    static func registry() throws -> SchemaRegistry {
        var registry = SchemaRegistry()
        let remotes = suite.appendingPathComponent("remotes")
        let files = FileManager.default.enumerator(at: remotes, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "json" else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(remotes.standardizedFileURL.path.count + 1))
            try registry.register(try parse(url), as: "http://localhost:1234/" + relative)
        }
        let meta = TestEnvironment.fixtures("json-schema-metaschemas/draft2020-12")
        try registry.register(try parse(meta.appendingPathComponent("schema.json")), as: "https://json-schema.org/draft/2020-12/schema")
        for name in ["applicator", "content", "core", "format-annotation", "format-assertion", "meta-data", "unevaluated", "validation"] {
            try registry.register(try parse(meta.appendingPathComponent("meta/\(name).json")),
                                  as: "https://json-schema.org/draft/2020-12/meta/\(name)")
        }
        return registry
    }

    static func parse(_ url: URL) throws -> JSONValue {
        try JSONParser().parse(bytes: try Data(contentsOf: url))
    }

    /// Run every case of `files`; return how many passed and the failures.
    func run(_ files: [URL], options: JSONSchema.Options) throws -> (passed: Int, failures: [String]) {
        let registry = try Self.registry()
        var passed = 0
        var failures: [String] = []
        for file in files {
            guard case .array(let groups) = try Self.parse(file) else {
                XCTFail("\(file.lastPathComponent) is not an array")
                continue
            }
            for group in groups {
                let groupName = group["description"]?.stringValue ?? "?"
                let schema: JSONSchema
                do {
                    schema = try JSONSchema(group["schema"] ?? .null, registry: registry, options: options)
                } catch {
                    failures.append("\(file.lastPathComponent): \(groupName): schema refused: \(error)")
                    continue
                }
                for test in group["tests"]?.arrayValue ?? [] {
                    let name = "\(file.lastPathComponent): \(groupName): \(test["description"]?.stringValue ?? "?")"
                    if Self.skipped[name] != nil { continue }
                    let expected = test["valid"]?.boolValue ?? false
                    let data = test["data"] ?? .null
                    let errors = schema.validate(data)
                    let quick = schema.isValid(data)
                    if errors.isEmpty == expected && quick == expected {
                        passed += 1
                    } else {
                        failures.append("\(name): expected \(expected ? "valid" : "invalid"), validate gave \(errors), isValid gave \(quick)")
                    }
                }
            }
        }
        return (passed, failures)
    }

    func testRequiredDraft2020_12TestsAllPass() throws {
        let folder = Self.suite.appendingPathComponent("tests/draft2020-12")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        XCTAssertGreaterThan(files.count, 40)
        let (passed, failures) = try run(files, options: JSONSchema.Options())
        print("JSON-Schema-Test-Suite draft2020-12 required: \(passed) passed, \(failures.count) failed, \(Self.skipped.count) skipped")
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
    }

    func testListedFormatTestsPassWithFormatAssertion() throws {
        let folder = Self.suite.appendingPathComponent("tests/draft2020-12/optional/format")
        let files = Self.formatFiles.map { folder.appendingPathComponent("\($0).json") }
        let (passed, failures) = try run(files, options: JSONSchema.Options(formatAssertion: true))
        print("JSON-Schema-Test-Suite draft2020-12 optional/format: \(passed) passed, \(failures.count) failed")
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
    }
}
