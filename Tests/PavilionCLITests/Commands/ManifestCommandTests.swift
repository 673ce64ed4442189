import Foundation
import PavilionTestSupport
import XCTest

final class ManifestCommandTests: XCTestCase {
    func testLintOfTheShippedConnectorsFindsNothingAndExitsZero() throws {
        let workspace = try Workspace.shipped()
        defer { workspace.remove() }
        let result = try workspace.pavilion(["manifest", "lint", "connectors.d"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("4 manifest(s) checked, 0 problem(s)"), result.stderr)
    }

    func testLintPrintsEveryBadFixtureProblemAsPathLineColumnAndExitsOne() throws {
        let bad = TestEnvironment.fixtures("manifests/bad")
        let files = try FileManager.default.contentsOfDirectory(atPath: bad.path).filter { $0.hasSuffix(".yaml") }
        XCTAssertGreaterThanOrEqual(files.count, 20)
        let result = try TestEnvironment.pavilion(["manifest", "lint", bad.path])
        XCTAssertEqual(result.status, 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let pattern = #"^/.+\.yaml:[0-9]+:[0-9]+: error: .+$"#
        for line in lines {
            XCTAssertNotNil(line.range(of: pattern, options: .regularExpression), line)
        }
        for file in files {
            XCTAssertTrue(lines.contains { $0.contains("/\(file):") }, "no problem reported for \(file)")
        }
    }

    func testLintReportsAStaleLibraryPinAtTheSha256Key() throws {
        let workspace = try Workspace.shipped(["echo"])
        defer { workspace.remove() }
        let manifest = workspace.connectors.appendingPathComponent("echo.yaml")
        var text = try String(contentsOf: manifest, encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").firstIndex { $0.contains("sha256:") }) + 1
        let pinned = try XCTUnwrap(text.range(of: #"[0-9a-f]{64}"#, options: .regularExpression))
        text.replaceSubrange(pinned, with: String(repeating: "a", count: 64))
        try Data(text.utf8).write(to: manifest)

        let result = try workspace.pavilion(["manifest", "lint", "connectors.d/echo.yaml"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.hasPrefix("connectors.d/echo.yaml:\(line):"), result.stdout)
        XCTAssertTrue(result.stdout.contains("but the manifest pins aaaa"), result.stdout)
    }

    func testLintReportsAMissingLibrary() throws {
        let workspace = try Workspace.shipped(["echo"])
        defer { workspace.remove() }
        try FileManager.default.removeItem(at: workspace.connectors.appendingPathComponent("lib/libpv_echo.so"))
        let result = try workspace.pavilion(["manifest", "lint", "connectors.d"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("error: cannot read library"), result.stdout)
    }

    func testLintReportsAnInputSchemaThatIsNotAValidJSONSchema() throws {
        let workspace = try Workspace.shipped(["echo"])
        defer { workspace.remove() }
        let manifest = workspace.connectors.appendingPathComponent("echo.yaml")
        var text = try String(contentsOf: manifest, encoding: .utf8)
        let original = "  schemas:\n    input:\n      type: object\n"
        XCTAssertTrue(text.contains(original), "echo.yaml's input schema changed; update this test")
        text = text.replacingOccurrences(of: original, with: original + "      minProperties: many\n")
        try Data(text.utf8).write(to: manifest)
        let result = try workspace.pavilion(["manifest", "lint", "connectors.d/echo.yaml"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("spec.schemas.input is not a valid JSON Schema 2020-12"), result.stdout)
    }

    func testLintReportsABadQualityRuleAndUnusableIntegrityKeysAtTheirPositions() throws {
        let workspace = try Workspace.shipped(["echo"])
        defer { workspace.remove() }
        let manifest = workspace.connectors.appendingPathComponent("echo.yaml")
        var text = try String(contentsOf: manifest, encoding: .utf8)
        if !text.hasSuffix("\n") { text += "\n" }
        let first = text.split(separator: "\n", omittingEmptySubsequences: false).count
        text += """
              quality:
                consistency:
                  - "echo == true"
                  - { name: bad, rule: "echo = true" }
              integrity:
                response_signature: jws
                keys: keys/missing.jwks

            """
        try Data(text.utf8).write(to: manifest)
        let result = try workspace.pavilion(["manifest", "lint", "connectors.d/echo.yaml"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("connectors.d/echo.yaml:\(first + 3):22: error: spec.quality.consistency[1].rule: column 6: '=' is not an operator"),
                      result.stdout)
        XCTAssertTrue(result.stdout.contains("connectors.d/echo.yaml:\(first + 6):\(5): error: spec.integrity.keys: cannot read the JWK set file"),
                      result.stdout)
    }

    func testPinRewritesOnlyTheHash() throws {
        let workspace = try Workspace.shipped(["echo"])
        defer { workspace.remove() }
        let manifest = workspace.connectors.appendingPathComponent("echo.yaml")
        let pinned = try String(contentsOf: manifest, encoding: .utf8)
        let stale = pinned.replacingOccurrences(of: #"[0-9a-f]{64}"#, with: String(repeating: "b", count: 64),
                                                options: .regularExpression)
        try Data(stale.utf8).write(to: manifest)
        let result = try workspace.pavilion(["manifest", "pin", "connectors.d/echo.yaml"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try String(contentsOf: manifest, encoding: .utf8), pinned)
    }

    func testLintOfAPathThatDoesNotExistFails() throws {
        let result = try TestEnvironment.pavilion(["manifest", "lint", "/nonexistent/connectors.d"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("no such file or directory"), result.stderr)
    }

    func testUsageMistakesExitTwo() throws {
        XCTAssertEqual(try TestEnvironment.pavilion(["manifest"]).status, 2)
        XCTAssertEqual(try TestEnvironment.pavilion(["manifest", "lint"]).status, 2)
        XCTAssertEqual(try TestEnvironment.pavilion(["manifest", "frobnicate", "x"]).status, 2)
        XCTAssertEqual(try TestEnvironment.pavilion(["nonsense"]).status, 2)
        XCTAssertEqual(try TestEnvironment.pavilion(["connectors", "list", "--bogus"]).status, 2)
    }
}
