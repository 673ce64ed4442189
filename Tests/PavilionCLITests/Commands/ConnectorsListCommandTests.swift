import Foundation
import PavilionCore
import PavilionTestSupport
import XCTest

final class ConnectorsListCommandTests: XCTestCase {
    func testListShowsTheShippedConnectorsLoaded() throws {
        let workspace = try Workspace.shipped()
        defer { workspace.remove() }
        let result = try workspace.pavilion(["connectors", "list", "--dir", "connectors.d", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let entries = try XCTUnwrap(try parseJSON(result.stdout).arrayValue)
        XCTAssertEqual(Set(entries.compactMap { $0["name"]?.stringValue }), ["echo", "camara-kyc-match", "fhir-patient", "fraud-list"])
        for entry in entries {
            XCTAssertEqual(entry["state"], "loaded", entry.serialized)
        }
        let fhir = try XCTUnwrap(entries.first { $0["name"] == "fhir-patient" })
        XCTAssertTrue(fhir["claims"]?.arrayValue?.contains("age_over_18") == true)
        XCTAssertEqual(fhir["regions"], ["us-east"])
        let camara = try XCTUnwrap(entries.first { $0["name"] == "camara-kyc-match" })
        XCTAssertEqual(camara["endpoints"]?.arrayValue?.first, ["region": "eu-west", "url": "http://127.0.0.1:18081"])
        XCTAssertEqual(camara["endpoints"]?.arrayValue?.count, 3)

        let text = try workspace.pavilion(["connectors", "list", "--dir", "connectors.d"])
        XCTAssertTrue(text.stdout.hasPrefix("NAME"), text.stdout)
        XCTAssertTrue(text.stdout.contains("fhir-patient"), text.stdout)
        XCTAssertTrue(text.stdout.contains("  camara-kyc-match eu-central http://127.0.0.1:18082"), text.stdout)
        let noKey = try workspace.pavilion(["connectors", "list", "--dir", "connectors.d", "--host", "http://127.0.0.1:1"])
        XCTAssertEqual(noKey.status, 2, noKey.stderr)
    }

    /// Every bad manifest and bad plugin in one folder is refused with a
    /// position or a named reason, while a good connector beside them loads.
    func testBadManifestsAndBadPluginsAreRefusedWhileAGoodConnectorLoads() throws {
        let workspace = try Workspace.shipped(["echo"])
        defer { workspace.remove() }
        let bad = TestEnvironment.fixtures("manifests/bad")
        var badFiles: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: bad.path) where file.hasSuffix(".yaml") {
            try FileManager.default.copyItem(at: bad.appendingPathComponent(file),
                                             to: workspace.connectors.appendingPathComponent("bad-\(file)"))
            badFiles.append("bad-\(file)")
        }
        // Plugins the loader must refuse, each with the reason it must name.
        let plugins: [(source: String, name: String, flags: [String], reason: String)] = [
            ("no_entry", "p-no-entry", [], "does not export pv_connector_entry"),
            ("entry_null", "p-entry-null", [], "shares no ABI version"),
            ("small_struct", "p-small-struct", [], "struct_size"),
            ("abi_version", "p-abi-zero", ["-DFX_ABI=0"], "ABI"),
            ("abi_version", "p-abi-future", ["-DFX_ABI=99"], "ABI"),
            ("null_slot", "p-null-slot", [], "NULL"),
            ("describe_invalid", "p-describe-invalid", [], "descri"),
            ("create_fails", "p-create-fails", [], "create"),
        ]
        for plugin in plugins {
            try workspace.plugin(plugin.source, as: plugin.name, name: plugin.name, flags: plugin.flags)
            try workspace.write("\(plugin.name).yaml", workspace.fixtureManifest(name: plugin.name, library: plugin.name))
        }
        try workspace.plugin("good", as: "p-mismatch", name: "someone-else")
        try workspace.write("p-mismatch.yaml", workspace.fixtureManifest(name: "p-mismatch", library: "p-mismatch"))
        try workspace.plugin("good", as: "p-stale-pin", name: "p-stale-pin")
        try workspace.write("p-missing-lib.yaml", workspace.fixtureManifest(name: "p-missing-lib", library: "nowhere"))
        try workspace.write("lib/p-not-elf.so", "this is not a shared library\n")
        try workspace.write("p-not-elf.yaml", workspace.fixtureManifest(name: "p-not-elf", library: "p-not-elf"))
        XCTAssertEqual(try workspace.pavilion(["manifest", "pin", "connectors.d/echo.yaml"]).status, 0)
        for plugin in plugins.map(\.name) + ["p-mismatch", "p-not-elf"] {
            _ = try workspace.pavilion(["manifest", "pin", "connectors.d/\(plugin).yaml"])
        }
        // Written after pinning, so its pin stays wrong.
        try workspace.write("p-stale-pin.yaml", workspace.fixtureManifest(name: "p-stale-pin", library: "p-stale-pin"))

        let result = try workspace.pavilion(["connectors", "list", "--dir", "connectors.d", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let entries = try XCTUnwrap(try parseJSON(result.stdout).arrayValue)
        let echo = try XCTUnwrap(entries.first { $0["name"] == "echo" })
        XCTAssertEqual(echo["state"], "loaded")

        var refused = 0
        for file in badFiles {
            let entry = entries.first { $0["file"]?.stringValue?.hasSuffix("/\(file)") == true }
            XCTAssertEqual(entry?["state"], "failed", "\(file) was not refused")
            let reason = entry?["reason"]?.stringValue ?? ""
            XCTAssertNotNil(reason.range(of: #"\#(file):[0-9]+:[0-9]+: error: "#, options: .regularExpression),
                            "\(file): \(reason)")
            refused += 1
        }
        for plugin in plugins {
            let entry = entries.first { $0["name"]?.stringValue == plugin.name }
            XCTAssertEqual(entry?["state"], "failed", "\(plugin.name) was not refused")
            XCTAssertTrue(entry?["reason"]?.stringValue?.contains(plugin.reason) == true,
                          "\(plugin.name): \(entry?["reason"]?.stringValue ?? "no reason")")
            refused += 1
        }
        for (name, reason) in [("p-mismatch", "someone-else"), ("p-stale-pin", "SHA-256"), ("p-missing-lib", "cannot read library"), ("p-not-elf", "cannot load library")] {
            let entry = entries.first { $0["name"]?.stringValue == name }
            XCTAssertEqual(entry?["state"], "failed", "\(name) was not refused")
            XCTAssertTrue(entry?["reason"]?.stringValue?.contains(reason) == true, "\(name): \(entry?.serialized ?? "")")
            refused += 1
        }
        XCTAssertGreaterThanOrEqual(refused, 20)
    }

    func testListOfAFolderThatDoesNotExistFails() throws {
        let result = try TestEnvironment.pavilion(["connectors", "list", "--dir", "/nonexistent"])
        XCTAssertEqual(result.status, 1)
    }
}
