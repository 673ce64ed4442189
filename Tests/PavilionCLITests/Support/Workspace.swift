import Foundation
import PavilionCore
import PavilionTestSupport
import XCTest

/// A temporary connectors folder for driving the real `pavilion` binary:
/// the shipped manifests and fixtures, with the connector libraries built
/// with these tests, pinned by `pavilion manifest pin`.
struct Workspace {
    let root: URL
    var connectors: URL { root.appendingPathComponent("connectors.d") }

    /// An empty workspace.
    static func empty() throws -> Workspace {
        let root = try TestEnvironment.makeTemporaryDirectory("pavilion-cli")
        let workspace = Workspace(root: root)
        try FileManager.default.createDirectory(at: workspace.connectors.appendingPathComponent("lib"),
                                                withIntermediateDirectories: true)
        return workspace
    }

    /// A workspace holding the shipped connectors, built and pinned.
    static func shipped(_ names: [String] = ["echo", "camara-kyc-match", "fhir-patient", "fraud-list"]) throws -> Workspace {
        let workspace = try empty()
        let source = TestEnvironment.packageRoot.appendingPathComponent("connectors.d")
        try FileManager.default.copyItem(at: source.appendingPathComponent("fixtures"),
                                         to: workspace.connectors.appendingPathComponent("fixtures"))
        for name in names {
            try FileManager.default.copyItem(at: source.appendingPathComponent("\(name).yaml"),
                                             to: workspace.connectors.appendingPathComponent("\(name).yaml"))
            let product = "pv_" + name.replacingOccurrences(of: "-", with: "_")
            try FileManager.default.copyItem(at: TestEnvironment.connectorLibrary(product),
                                             to: workspace.connectors.appendingPathComponent("lib/lib\(product).so"))
        }
        let pin = try TestEnvironment.pavilion(["manifest", "pin", workspace.connectors.path])
        XCTAssertEqual(pin.status, 0, pin.stdout + pin.stderr)
        return workspace
    }

    /// Write `text` to `relative` inside the connectors folder.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> URL {
        let url = connectors.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Compile the test plugin `Tests/Fixtures/plugins/<source>.c` into
    /// `lib/<library>.so`, with its description naming `name`.
    @discardableResult
    func plugin(_ source: String, as library: String, name: String, flags: [String] = []) throws -> URL {
        let output = connectors.appendingPathComponent("lib/\(library).so")
        return try TestEnvironment.compileCConnector(
            source: TestEnvironment.fixtures("plugins").appendingPathComponent("\(source).c"), output: output,
            extraFlags: ["-DFX_NAME=\"\(name)\"", "-DFX_WITH_HEALTH"] + flags)
    }

    /// A manifest for a test plugin (claims `age_over_18`, `name_match`).
    func fixtureManifest(name: String, library: String, sha256: String = String(repeating: "0", count: 64),
                         fixtures: [String] = []) -> String {
        """
        apiVersion: pavilion.dev/v1
        kind: Connector
        metadata:
          name: \(name)
          provider: Test DP
          version: 1.0.0
        spec:
          library:
            path: lib/\(library).so
            sha256: "\(sha256)"
            abi: 1
          formats: { input: [json], output: [json], credentials: [vc+jwt] }
          claims:
            - { name: age_over_18, type: boolean, data_categories: [identity] }
            - { name: name_match, type: boolean, data_categories: [identity] }
          settings: { api_base: /v1 }
          regions:
            - { name: eu-west, residency: eu, priority: 1, endpoints: ["https://dp.example"] }
          compliance:
            jurisdictions: [gdpr]
            data_categories: [identity]
            lawful_bases: [consent]
            purposes: [kyc]
            retention: P90D
          health: { interval_ms: 10000, timeout_ms: 2000 }
        \(fixtures.isEmpty ? "" : "  tests:\n    fixtures: [\(fixtures.joined(separator: ", "))]\n")
        """
    }

    /// Run `pavilion` in the workspace root.
    func pavilion(_ arguments: [String]) throws -> TestEnvironment.ProcessResult {
        try TestEnvironment.pavilion(arguments, in: root)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// Parse a command's JSON output, failing the test when it is not JSON.
func parseJSON(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
    do {
        return try JSONParser().parse(text)
    } catch {
        XCTFail("not JSON (\(error)): \(text.prefix(500))", file: file, line: line)
        throw error
    }
}
