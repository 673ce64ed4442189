import Foundation
import PavilionCore
import PavilionTestSupport
import XCTest

final class ConnectorTestCommandTests: XCTestCase {
    /// Every shipped connector passes its conformance suite through the
    /// real binary, and the JSON report names every kind of check.
    func testShippedConnectorsPassConformance() throws {
        let shipped = ["echo", "camara-kyc-match", "fhir-patient", "fraud-list"]
        let workspace = try Workspace.shipped(shipped)
        defer { workspace.remove() }
        for name in shipped {
            let result = try workspace.pavilion(["connector", "test", "connectors.d/\(name).yaml", "--json"])
            let report = try parseJSON(result.stdout)
            let failed = report["checks"]?.arrayValue?.filter { $0["passed"] == .bool(false) } ?? []
            XCTAssertEqual(result.status, 0, "\(name): \(failed.map(\.serialized))")
            XCTAssertEqual(report["passed"], .bool(true))
            XCTAssertEqual(report["connector"], .string(name))
            let names = report["checks"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            for required in ["manifest", "library", "negotiation", "describe", "lifecycle", "endurance", "concurrency",
                             "malformed:truncated", "malformed:huge", "malformed:status_500"] {
                XCTAssertTrue(names.contains(required), "\(name): no \(required) check")
            }
            XCTAssertGreaterThan(names.filter { $0.hasPrefix("fixture:") }.count, 5, name)
        }
    }

    func testTextReportHasOneLinePerCheckAndASummary() throws {
        let workspace = try Workspace.shipped(["echo"])
        defer { workspace.remove() }
        let result = try workspace.pavilion(["connector", "test", "connectors.d/echo.yaml"])
        XCTAssertEqual(result.status, 0, result.stdout)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("conformance: echo 1.0.0") == true)
        XCTAssertTrue(lines.dropFirst().dropLast().allSatisfy { $0.hasPrefix("PASS ") })
        XCTAssertTrue(lines.last?.hasSuffix("passed, 0 failed") == true, String(lines.last ?? ""))
    }

    func testAFixtureThatDisagreesWithTheConnectorFailsNamingTheCase() throws {
        let workspace = try Workspace.shipped(["echo"])
        defer { workspace.remove() }
        let fixture = workspace.connectors.appendingPathComponent("fixtures/echo.json")
        guard case .object(var root) = try parseJSON(String(contentsOf: fixture, encoding: .utf8)),
              case .array(var cases) = root["cases"],
              let index = cases.firstIndex(where: { $0["expect"]?["result"] == ["echo": true] }),
              case .object(var changed) = cases[index] else {
            return XCTFail("echo.json has no case expecting {\"echo\": true}; update this test")
        }
        changed["expect"] = ["result": ["echo": false]]
        cases[index] = .object(changed)
        root["cases"] = .array(cases)
        try Data(JSONValue.object(root).prettySerialized.utf8).write(to: fixture)
        let result = try workspace.pavilion(["connector", "test", "connectors.d/echo.yaml"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains(#"expected result {"echo":false}, got {"echo":true}"#), result.stdout)
    }

    func testAPluginThatCrashesIsReportedAsAFailedCheckNamingWhereItCrashed() throws {
        let workspace = try Workspace.empty()
        defer { workspace.remove() }
        try workspace.plugin("crash_on_step", as: "crash", name: "crashy")
        try workspace.write("fixtures/crashy.json", """
            {"cases": [{"name": "one lookup",
              "query": {"request_id": "r", "subject": {}, "claims": ["age_over_18"]},
              "exchanges": [{"request": {"method": "GET", "path": "/v1/subject"},
                             "response": {"status": 200, "body": {"age_over_18": true}}}],
              "expect": {"result": {"age_over_18": true}}}]}
            """)
        try workspace.write("crashy.yaml", workspace.fixtureManifest(name: "crashy", library: "crash",
                                                                     fixtures: ["fixtures/crashy.json"]))
        XCTAssertEqual(try workspace.pavilion(["manifest", "pin", "connectors.d"]).status, 0)
        let result = try workspace.pavilion(["connector", "test", "connectors.d/crashy.yaml", "--json"])
        XCTAssertEqual(result.status, 1)
        let report = try parseJSON(result.stdout)
        let last = try XCTUnwrap(report["checks"]?.arrayValue?.last)
        XCTAssertEqual(last["name"], .string("fixture:one lookup"))
        XCTAssertEqual(last["passed"], .bool(false))
        XCTAssertTrue(last["detail"]?.stringValue?.contains("crashed") == true, last.serialized)
        XCTAssertTrue(report["checks"]?.arrayValue?.first { $0["name"] == "describe" }?["passed"] == .bool(true))
    }

    func testAPluginReturningInvalidJSONFailsItsFixtureAsInvalidResult() throws {
        let workspace = try Workspace.empty()
        defer { workspace.remove() }
        try workspace.plugin("result_invalid_json", as: "badjson", name: "badjson")
        try workspace.write("fixtures/badjson.json", """
            {"cases": [{"name": "answer", "query": {"subject": {}, "claims": ["age_over_18"]},
              "exchanges": [], "expect": {"result": {"age_over_18": true}}}]}
            """)
        try workspace.write("badjson.yaml", workspace.fixtureManifest(name: "badjson", library: "badjson",
                                                                      fixtures: ["fixtures/badjson.json"]))
        XCTAssertEqual(try workspace.pavilion(["manifest", "pin", "connectors.d"]).status, 0)
        let result = try workspace.pavilion(["connector", "test", "connectors.d/badjson.yaml"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("FAIL fixture:answer"), result.stdout)
        XCTAssertTrue(result.stdout.contains("invalid_result"), result.stdout)
    }

    func testABadManifestStopsTheSuiteAtTheManifestCheck() throws {
        let bad = TestEnvironment.fixtures("manifests/bad/unknown-key-typo.yaml")
        let result = try TestEnvironment.pavilion(["connector", "test", bad.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("FAIL manifest"), result.stdout)
        XCTAssertTrue(result.stdout.contains("did you mean"), result.stdout)
    }

    func testAManifestWithoutFixturesFails() throws {
        let workspace = try Workspace.empty()
        defer { workspace.remove() }
        try workspace.plugin("good", as: "good", name: "plain")
        try workspace.write("plain.yaml", workspace.fixtureManifest(name: "plain", library: "good"))
        XCTAssertEqual(try workspace.pavilion(["manifest", "pin", "connectors.d"]).status, 0)
        let result = try workspace.pavilion(["connector", "test", "connectors.d/plain.yaml"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("FAIL fixtures"), result.stdout)
    }
}
