import Foundation
import PavilionCore
import PavilionCrypto
@testable import PavilionManifest
import PavilionPlugins
import PavilionTestSupport
import XCTest

final class LibraryLoaderTests: XCTestCase {
    /// Whether the process currently maps `path` (i.e. it is dlopen'ed).
    private func isMapped(_ path: String) -> Bool {
        // procfs reports size 0, so read to the end rather than by size.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/maps"),
              let data = try? handle.readToEnd() else { return false }
        return String(decoding: data, as: UTF8.self).contains(path)
    }

    func testGoodLibraryLoadsAndDescribesItself() throws {
        let library = try Fixture.library("good")
        let plugin = try makeLoader().load(makeManifest(library: library))
        XCTAssertEqual(plugin.description.name, "fixture")
        XCTAssertEqual(plugin.description.version, "1.0.0")
        XCTAssertEqual(Set(plugin.description.claims), ["age_over_18", "name_match"])
        XCTAssertTrue(plugin.description.health)
        XCTAssertTrue(plugin.hasHealthProbe)
        XCTAssertEqual(plugin.abiVersion, 2, "good.c claims the header's PV_ABI_VERSION")
        XCTAssertEqual(plugin.sha256, try SHA256.hexOfFile(atPath: library.path))
    }

    func testAnABI1LibraryStillLoadsAndRuns() throws {
        let library = try Fixture.library("abi_version", flags: ["-DFX_ABI=1"])
        let plugin = try makeLoaderOrFail().load(makeManifest(library: library, health: false))
        XCTAssertEqual(plugin.abiVersion, 1)
        let exchange = try ConnectorInstance(plugin: plugin).makeExchange()
        guard case .request(let request) = try exchange.begin(query: query(), tenant: "acme", requestID: "r1") else {
            return XCTFail("expected a request")
        }
        XCTAssertEqual(request.path, "/v1/subject")
        XCTAssertEqual(try exchange.step(HTTPResponse(status: 200, json: ["age_over_18": true])), .result(["age_over_18": true]))
    }

    func testVerifiedCopyIsContentAddressedAndReadOnly() throws {
        let library = try Fixture.library("good")
        let plugin = try makeLoader().load(makeManifest(library: library))
        XCTAssertEqual(URL(fileURLWithPath: plugin.loadedPath).lastPathComponent, "\(plugin.sha256).so")
        let attributes = try FileManager.default.attributesOfItem(atPath: plugin.loadedPath)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o500)
        XCTAssertEqual(try SHA256.hexOfFile(atPath: plugin.loadedPath), plugin.sha256)
        XCTAssertTrue(isMapped(plugin.loadedPath))
    }

    func testLibraryIsUnloadedWhenTheLastReferenceGoes() throws {
        let library = try Fixture.library("good", flags: [Fixture.define("FX_VERSION", "1.0.1")])
        var plugin: LoadedPlugin? = try makeLoader().load(makeManifest(version: "1.0.1", library: library))
        let path = try XCTUnwrap(plugin?.loadedPath)
        var instance: ConnectorInstance? = try ConnectorInstance(plugin: try XCTUnwrap(plugin))
        plugin = nil
        XCTAssertTrue(isMapped(path), "an instance keeps its library loaded")
        XCTAssertNotNil(instance)
        instance = nil
        XCTAssertFalse(isMapped(path))
    }

    func testMissingLibraryIsRefused() throws {
        let missing = Fixture.directory.appendingPathComponent("nope.so")
        let error = assertRefused(.libraryMissing) {
            try makeLoaderOrFail().load(makeManifest(library: missing, sha256: String(repeating: "0", count: 64)))
        }
        XCTAssertEqual(error?.location?.line, 10)
    }

    func testSHA256MismatchIsDetectedBeforeDlopen() throws {
        let marker = Fixture.directory.appendingPathComponent("marker-\(UUID().uuidString)")
        let library = try Fixture.library("good", flags: [Fixture.define("FX_MARKER_PATH", marker.path)])
        let loader = try makeLoader()
        let error = assertRefused(.sha256Mismatch) {
            try loader.load(makeManifest(library: library, sha256: String(repeating: "a", count: 64)))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path), "the library's constructor ran")
        XCTAssertEqual(error?.description.hasPrefix("connectors.d/fixture.yaml:11:13: error: "), true, "\(String(describing: error))")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: loader.cacheDirectory.path).filter { !$0.hasPrefix(".") }, [],
                       "nothing unverified is cached")
        // The control: with the right pin the constructor does run.
        _ = try loader.load(makeManifest(library: library))
        XCTAssertTrue(FileManager.default.fileExists(atPath: marker.path))
    }

    func testLibraryChangedInPlaceIsLoadedAnew() throws {
        let path = try TestEnvironment.makeTemporaryDirectory("pavilion-inplace").appendingPathComponent("libfixture.so")
        try Fixture.compile("good", to: path)
        let loader = try makeLoader()
        let first = try loader.load(makeManifest(library: path))
        try Fixture.compile("good", flags: [Fixture.define("FX_VERSION", "2.0.0")], to: path)
        let second = try loader.load(makeManifest(version: "2.0.0", library: path))
        XCTAssertNotEqual(first.sha256, second.sha256)
        XCTAssertNotEqual(first.loadedPath, second.loadedPath)
        XCTAssertEqual(first.description.version, "1.0.0")
        XCTAssertEqual(second.description.version, "2.0.0")
        // The old pin no longer matches the file at that path.
        assertRefused(.sha256Mismatch) { try loader.load(makeManifest(library: path, sha256: first.sha256)) }
    }

    func testMissingEntrySymbolIsRefused() throws {
        let error = assertRefused(.missingEntrySymbol) { try makeLoaderOrFail().load(makeManifest(library: try Fixture.library("no_entry"))) }
        XCTAssertEqual(error?.message.contains("pv_connector_entry"), true)
    }

    func testEntryReturningNullMeansNoCommonABI() throws {
        let library = try Fixture.library("entry_null")
        let loader = try makeLoader()
        assertRefused(.noCommonABI) { try loader.load(makeManifest(library: library)) }
        XCTAssertFalse(isMapped(loader.cacheDirectory.path), "a refused library is closed again")
    }

    func testVTableSmallerThanABI1IsRefused() throws {
        let library = try Fixture.library("small_struct")
        let error = assertRefused(.structTooSmall) { try makeLoaderOrFail().load(makeManifest(library: library)) }
        XCTAssertEqual(error?.message.contains("struct_size 16"), true)
    }

    func testABIVersionZeroIsRefused() throws {
        let library = try Fixture.library("abi_version", flags: ["-DFX_ABI=0"])
        assertRefused(.unsupportedABIVersion) { try makeLoaderOrFail().load(makeManifest(library: library)) }
    }

    func testABIVersionNewerThanHostIsRefused() throws {
        let library = try Fixture.library("abi_version", flags: ["-DFX_ABI=99"])
        let error = assertRefused(.unsupportedABIVersion) { try makeLoaderOrFail().load(makeManifest(library: library)) }
        XCTAssertEqual(error?.location?.line, 12)
    }

    func testNullRequiredSlotIsNamed() throws {
        let library = try Fixture.library("null_slot")
        let error = assertRefused(.missingFunction) { try makeLoaderOrFail().load(makeManifest(library: library)) }
        XCTAssertEqual(error?.message.contains("'exchange_step'"), true, "\(String(describing: error))")
    }

    func testInvalidDescriptionJSONIsRefused() throws {
        let library = try Fixture.library("describe_invalid")
        let error = assertRefused(.describeFailed) { try makeLoaderOrFail().load(makeManifest(library: library)) }
        XCTAssertEqual(error?.message.contains("invalid JSON"), true)
    }

    func testDescriptionNameMismatchNamesMetadataName() throws {
        let library = try Fixture.library("good")
        let error = assertRefused(.describeMismatch) {
            try makeLoaderOrFail().load(makeManifest(name: "other-name", library: library))
        }
        XCTAssertEqual(error?.description,
                       "connectors.d/fixture.yaml:5:9: error: metadata.name is 'other-name' but the library describes itself as 'fixture'")
    }

    func testDescriptionClaimsMismatchNamesSpecClaims() throws {
        let library = try Fixture.library("good")
        let error = assertRefused(.describeMismatch) {
            try makeLoaderOrFail().load(makeManifest(library: library, claims: ["age_over_18", "email_match"]))
        }
        XCTAssertEqual(error?.location, SourceLocation(file: "connectors.d/fixture.yaml", line: 14, column: 3))
        XCTAssertEqual(error?.message.contains("email_match"), true)
        XCTAssertEqual(error?.message.contains("name_match"), true)
    }

    func testDescriptionVersionAndHealthMismatchesAreRefused() throws {
        let library = try Fixture.library("good")
        let version = assertRefused(.describeMismatch) { try makeLoaderOrFail().load(makeManifest(version: "9.9.9", library: library)) }
        XCTAssertEqual(version?.location?.line, 7)
        let health = assertRefused(.describeMismatch) { try makeLoaderOrFail().load(makeManifest(library: library, health: false)) }
        XCTAssertEqual(health?.message.contains("health"), true)
    }

    func testCreateFailureCarriesPluginMessage() throws {
        let plugin = try makeLoader().load(makeManifest(library: try Fixture.library("create_fails"), health: false))
        let error = assertRefused(.createFailed) { try ConnectorInstance(plugin: plugin) }
        XCTAssertEqual(error?.location?.line, 20)
        XCTAssertEqual(error?.message.contains("settings lack api_base"), true, "\(String(describing: error))")
        XCTAssertEqual(error?.message.contains("invalid_input"), true)
    }

    func testRefusalsDoNotDisturbALoadedConnector() throws {
        let sink = CapturingLogSink()
        let loader = try makeLoader(PluginServices(logSink: sink, clock: FixedPluginClock(milliseconds: 7)))
        let instance = try ConnectorInstance(plugin: try loader.load(makeManifest(library: try Fixture.library("good"))))
        for bad in ["no_entry", "entry_null", "small_struct", "null_slot", "describe_invalid"] {
            XCTAssertThrowsError(try loader.load(makeManifest(library: try Fixture.library(bad))))
        }
        let exchange = instance.makeExchange()
        guard case .request = try exchange.begin(query: query(), tenant: "t", requestID: "r1") else {
            return XCTFail("expected a request")
        }
        XCTAssertEqual(try exchange.step(HTTPResponse(status: 200, json: ["age_over_18": true])),
                       .result(["age_over_18": true]))
    }

    // Helpers usable inside typed-throws closures.
    private func makeLoaderOrFail() -> LibraryLoader {
        LibraryLoader(cacheDirectory: Fixture.directory.appendingPathComponent("cache-\(UUID().uuidString.prefix(8))"))
    }

    private func fixtureOrFail(_ name: String) -> URL {
        (try? Fixture.library(name)) ?? Fixture.directory.appendingPathComponent("\(name)-failed-to-build.so")
    }
}
