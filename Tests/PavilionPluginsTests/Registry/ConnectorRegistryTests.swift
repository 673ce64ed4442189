import Foundation
import PavilionCore
import PavilionCrypto
@testable import PavilionManifest
import PavilionPlugins
import PavilionTestSupport
import XCTest

/// Reads the tiny JSON "manifests" these tests write (JSON is YAML) into
/// full ``Manifest`` values, standing in for the real parser.
struct JSONManifestSource: ManifestSource {
    func loadManifest(path: String) -> Result<Manifest, ManifestSourceError> {
        let fail = { (message: String) in
            Result<Manifest, ManifestSourceError>.failure(
                ManifestSourceError(diagnostics: [Diagnostic(SourceLocation(file: path, line: 1, column: 1), message)]))
        }
        guard let bytes = FileManager.default.contents(atPath: path) else { return fail("cannot read") }
        guard let value = try? JSONParser().parse(bytes: Array(bytes)),
              let name = value["name"]?.stringValue, let library = value["library"]?.stringValue
        else { return fail("not a test manifest") }
        let url = URL(fileURLWithPath: library)
        return .success(makeManifest(name: name, version: value["version"]?.stringValue ?? "1.0.0", library: url,
                                     sha256: value["sha256"]?.stringValue, file: path))
    }
}

final class ConnectorRegistryTests: XCTestCase {
    private var folder: URL!
    private var libraries: URL!
    private var registry: ConnectorRegistry!

    override func setUpWithError() throws {
        folder = try TestEnvironment.makeTemporaryDirectory("pavilion-connectors.d")
        libraries = try TestEnvironment.makeTemporaryDirectory("pavilion-libs")
        registry = ConnectorRegistry(loader: try makeLoader(PluginServices(clock: FixedPluginClock(milliseconds: 1))),
                                     manifests: JSONManifestSource())
        // A good connector that must keep working through every test.
        try writeManifest("beta.yaml", name: "beta", library: try library(name: "beta"))
        let report = registry.reload(directory: folder)
        XCTAssertEqual(report.added, ["beta"])
    }

    // MARK: - Helpers

    /// Build the good fixture as connector `name` at `version` into `<libraries>/<file>`.
    private func library(name: String, version: String = "1.0.0", file: String? = nil) throws -> URL {
        let output = libraries.appendingPathComponent(file ?? "lib\(name).so")
        return try Fixture.compile("good", flags: [Fixture.define("FX_NAME", name), Fixture.define("FX_VERSION", version)],
                                   to: output)
    }

    private func writeManifest(_ file: String, name: String, version: String = "1.0.0", library: URL, sha256: String? = nil) throws {
        var members: [String: JSONValue] = ["name": .string(name), "version": .string(version), "library": .string(library.path)]
        if let sha256 { members["sha256"] = .string(sha256) }
        try Data(JSONValue.object(members).serializedBytes).write(to: folder.appendingPathComponent(file), options: .atomic)
    }

    /// Run one whole exchange on the serving `name`.
    private func assertServes(_ name: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let instance = registry.instance(named: name) else {
            return XCTFail("\(name) is not served", file: file, line: line)
        }
        do {
            let exchange = instance.makeExchange()
            _ = try exchange.begin(query: query(), tenant: "t", requestID: "r")
            XCTAssertEqual(try exchange.step(HTTPResponse(status: 200, json: ["age_over_18": true])),
                           .result(["age_over_18": true]), file: file, line: line)
        } catch {
            XCTFail("\(name): \(error)", file: file, line: line)
        }
    }

    private func version(of name: String) -> String? {
        guard case .loaded(let version, _, _)? = registry.status(named: name)?.state else { return nil }
        return version
    }

    // MARK: - Tests

    func testAddedManifestIsLoaded() throws {
        try writeManifest("alpha.yaml", name: "alpha", library: try library(name: "alpha"))
        let report = registry.reload(directory: folder)
        XCTAssertEqual(report.added, ["alpha"])
        XCTAssertEqual(registry.status(named: "alpha")?.state,
                       .loaded(version: "1.0.0", claims: ["age_over_18", "name_match"], regions: ["eu-west"]))
        assertServes("alpha")
        assertServes("beta")
        XCTAssertTrue(registry.reload(directory: folder).isEmpty, "an unchanged folder is a no-op")
    }

    func testChangedLibraryIsSwappedInAndTheOldVersionDrains() throws {
        let path = try library(name: "alpha")
        try writeManifest("alpha.yaml", name: "alpha", library: path)
        registry.reload(directory: folder)
        let old = try XCTUnwrap(registry.instance(named: "alpha"))
        let inFlight = old.makeExchange()
        _ = try inFlight.begin(query: query(), tenant: "t", requestID: "before-swap")

        _ = try library(name: "alpha", version: "2.0.0")
        try writeManifest("alpha.yaml", name: "alpha", version: "2.0.0", library: path)
        let report = registry.reload(directory: folder)
        XCTAssertEqual(report.changed, ["alpha"])
        XCTAssertEqual(version(of: "alpha"), "2.0.0")
        XCTAssertNil(registry.status(named: "alpha")?.lastFailure)
        assertServes("alpha")
        assertServes("beta")

        // The exchange begun on 1.0.0 finishes on 1.0.0.
        XCTAssertEqual(try inFlight.step(HTTPResponse(status: 200, json: ["age_over_18": false])), .result(["age_over_18": false]))
        XCTAssertEqual(old.plugin.description.version, "1.0.0")
        weak let weakOld = old
        _ = (consume old, consume inFlight)
        XCTAssertNil(weakOld, "the old version is unloaded once nothing uses it")
    }

    func testBadChangeKeepsTheLastGoodVersionServing() throws {
        let path = try library(name: "alpha")
        try writeManifest("alpha.yaml", name: "alpha", library: path)
        registry.reload(directory: folder)

        // The library changes but the manifest's pin does not.
        let pinned = try SHA256.hexOfFile(atPath: path.path)
        _ = try library(name: "alpha", version: "2.0.0")
        try writeManifest("alpha.yaml", name: "alpha", version: "2.0.0", library: path, sha256: pinned)
        let report = registry.reload(directory: folder)
        XCTAssertEqual(report.changed, [])
        XCTAssertEqual(report.failures.count, 1)
        let status = try XCTUnwrap(registry.status(named: "alpha"))
        XCTAssertEqual(version(of: "alpha"), "1.0.0")
        XCTAssertEqual(status.lastFailure?.contains("SHA-256"), true, "\(String(describing: status.lastFailure))")
        assertServes("alpha")
        assertServes("beta")

        // A manifest that no longer parses also leaves 1.0.0 serving.
        try Data("{ not json".utf8).write(to: folder.appendingPathComponent("alpha.yaml"), options: .atomic)
        registry.reload(directory: folder)
        XCTAssertEqual(version(of: "alpha"), "1.0.0")
        XCTAssertEqual(registry.status(named: "alpha")?.lastFailure?.contains("not a test manifest"), true)
        assertServes("alpha")

        // Fixed: the new version loads and the failure clears.
        try writeManifest("alpha.yaml", name: "alpha", version: "2.0.0", library: path)
        registry.reload(directory: folder)
        XCTAssertEqual(version(of: "alpha"), "2.0.0")
        XCTAssertNil(registry.status(named: "alpha")?.lastFailure)
    }

    func testRemovedManifestDrainsThenUnloads() throws {
        try writeManifest("alpha.yaml", name: "alpha", library: try library(name: "alpha"))
        registry.reload(directory: folder)
        var exchange: Exchange? = try XCTUnwrap(registry.instance(named: "alpha")).makeExchange()
        _ = try exchange?.begin(query: query(), tenant: "t", requestID: "r")

        try FileManager.default.removeItem(at: folder.appendingPathComponent("alpha.yaml"))
        XCTAssertEqual(registry.reload(directory: folder).removed, ["alpha"])
        XCTAssertNil(registry.instance(named: "alpha"))
        XCTAssertEqual(registry.status(named: "alpha")?.state, .draining)
        assertServes("beta")

        XCTAssertEqual(try exchange?.step(HTTPResponse(status: 200, json: ["age_over_18": true])), .result(["age_over_18": true]))
        exchange = nil
        XCTAssertNil(registry.status(named: "alpha"))
    }

    func testTwoManifestsWithTheSameNameRefuseTheLaterFile() throws {
        try writeManifest("alpha.yaml", name: "alpha", library: try library(name: "alpha"))
        try writeManifest("zeta.yaml", name: "alpha", library: try library(name: "alpha", file: "libalpha-copy.so"))
        let report = registry.reload(directory: folder)
        XCTAssertEqual(report.added, ["alpha"])
        XCTAssertEqual(registry.status(named: "alpha")?.file, folder.appendingPathComponent("alpha.yaml").path)
        let problem = try XCTUnwrap(registry.fileProblems[folder.appendingPathComponent("zeta.yaml").path])
        XCTAssertTrue(problem.contains("connector name 'alpha' is already defined by"), problem)
        XCTAssertTrue(problem.contains("zeta.yaml:5:9: error:"), problem)

        // A newcomer that sorts earlier does not take the name from the current owner.
        try writeManifest("aardvark.yml", name: "alpha", library: try library(name: "alpha", file: "libalpha-2.so"))
        registry.reload(directory: folder)
        XCTAssertEqual(registry.status(named: "alpha")?.file, folder.appendingPathComponent("alpha.yaml").path)
        XCTAssertNotNil(registry.fileProblems[folder.appendingPathComponent("aardvark.yml").path])
        assertServes("alpha")
        assertServes("beta")
    }

    func testBrokenAndIgnoredFilesDoNotDisturbGoodConnectors() throws {
        try Data("garbage".utf8).write(to: folder.appendingPathComponent("broken.yaml"))
        try writeManifest(".hidden.yaml", name: "hidden", library: try library(name: "hidden"))
        try writeManifest("notes.txt", name: "txt", library: try library(name: "txt"))
        try writeManifest("bad-pin.yaml", name: "gamma", library: try library(name: "gamma"), sha256: String(repeating: "0", count: 64))
        let report = registry.reload(directory: folder)
        XCTAssertEqual(Set(report.failures.keys), [folder.appendingPathComponent("broken.yaml").path,
                                                   folder.appendingPathComponent("bad-pin.yaml").path])
        XCTAssertNil(registry.status(named: "hidden"))
        XCTAssertNil(registry.status(named: "txt"))
        guard case .failed(let reason)? = registry.status(named: "gamma")?.state else {
            return XCTFail("gamma should have failed")
        }
        XCTAssertTrue(reason.contains("sha256") || reason.contains("SHA-256"), reason)
        assertServes("beta")
    }

    /// The watcher picks up additions, changes and removals without an
    /// explicit reload. How fast (within 1 s by design: 200 ms polling) is
    /// measured by `pavilion bench manifests` (`hot_reload_ms`), not here:
    /// the generous deadline only bounds the wait.
    func testWatcherPicksUpChangesWithoutAnExplicitReload() throws {
        let watcher = registry.watch(directory: folder)
        defer { watcher.stop() }
        let path = try library(name: "alpha")
        try writeManifest("alpha.yaml", name: "alpha", library: path)
        XCTAssertTrue(registry.wait(timeout: 10) { $0.instance(named: "alpha") != nil }, "add not picked up")

        _ = try library(name: "alpha", version: "2.0.0")
        try writeManifest("alpha.yaml", name: "alpha", version: "2.0.0", library: path)
        XCTAssertTrue(registry.wait(timeout: 10) { $0.instance(named: "alpha")?.plugin.description.version == "2.0.0" },
                      "change not picked up")
        assertServes("beta")

        try FileManager.default.removeItem(at: folder.appendingPathComponent("alpha.yaml"))
        XCTAssertTrue(registry.wait(timeout: 10) { $0.status(named: "alpha") == nil }, "removal not picked up")
        assertServes("beta")
    }
}
