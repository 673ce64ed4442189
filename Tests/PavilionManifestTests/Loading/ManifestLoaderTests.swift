import Foundation
import PavilionCore
import PavilionManifest
import PavilionTestSupport
import XCTest

final class ManifestLoaderTests: XCTestCase {
    static let example = TestEnvironment.packageRoot.appendingPathComponent("docs/examples/connector.yaml")
    static let minimal = TestEnvironment.fixtures("manifests/good/minimal.yaml")

    func load(_ text: String, file: String = "m.yaml") throws(ManifestError) -> Manifest {
        try ManifestLoader.load(text: text, file: file, baseDirectory: "/srv/pavilion/connectors.d")
    }

    func diagnostics(_ text: String) -> [Diagnostic] {
        do {
            _ = try load(text)
            XCTFail("accepted")
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// good/minimal.yaml with `old` replaced by `new`.
    func minimal(replacing old: String, with new: String) throws -> String {
        let text = try String(contentsOf: Self.minimal, encoding: .utf8)
        XCTAssertTrue(text.contains(old), old)
        return text.replacingOccurrences(of: old, with: new)
    }

    func testReferenceExampleLoadsWithEveryField() throws {
        let m = try ManifestLoader.load(path: Self.example.path)
        let folder = Self.example.deletingLastPathComponent().path
        XCTAssertEqual(m.file, Self.example.path)
        XCTAssertEqual(m.name, "camara-kyc-match")
        XCTAssertEqual(m.metadata.provider, "Example Telco (CAMARA KYC Match v0.3)")
        XCTAssertEqual(m.metadata.version, "1.0.0")
        XCTAssertNotNil(m.metadata.description)
        XCTAssertEqual(m.library.declaredPath, "lib/libpv_camara_kyc_match.so")
        XCTAssertEqual(m.library.path, folder + "/lib/libpv_camara_kyc_match.so")
        XCTAssertEqual(m.library.sha256, String(repeating: "0", count: 64))
        XCTAssertEqual(m.library.abi, 1)
        XCTAssertEqual(m.formats, Manifest.Formats(input: ["json"], output: ["json"], credentials: ["vc+jwt", "dc+sd-jwt"]))
        XCTAssertEqual(m.claims.map(\.name), ["given_name_match", "birthdate_match"])
        XCTAssertEqual(m.claims.first?.type, "match")
        XCTAssertEqual(m.claims.first?.dataCategories, ["identity"])
        XCTAssertEqual(m.settings, ["api_base": "/kyc-match/v0.3", "token_path": "/oauth2/token"])
        XCTAssertEqual(m.secrets.map(\.name), ["client_id", "client_secret"])
        XCTAssertEqual(m.inputSchema?["required"], ["phone_number"])
        XCTAssertEqual(m.inputSchema?["properties"]?["phone_number"]?["pattern"], "^\\+[1-9][0-9]{4,14}$")
        XCTAssertEqual(m.outputSchema?["additionalProperties"]?["enum"], ["true", "false", "not_available", true, false])
        XCTAssertEqual(m.regions, [
            Manifest.Region(name: "eu-west", residency: .eu, priority: 1, endpoints: ["https://kyc.eu-west.telco.example"]),
            Manifest.Region(name: "eu-central", residency: .eu, priority: 2, endpoints: ["https://kyc.eu-central.telco.example"]),
        ])
        XCTAssertEqual(m.compliance, Manifest.Compliance(
            jurisdictions: ["gdpr"], dataCategories: ["identity", "contact"], lawfulBases: ["consent", "legal_obligation"],
            purposes: ["kyc", "account_opening", "fraud_prevention"], retention: "P90D", transferBasis: nil))
        var connection = Manifest.Connection()
        connection.tlsCAFile = folder + "/ca.pem"
        XCTAssertEqual(m.connection, connection)
        XCTAssertEqual(m.health, Manifest.Health(intervalMs: 10_000, timeoutMs: 2_000))
        XCTAssertEqual(m.fixtures, [folder + "/fixtures/camara-kyc-match.json"])
    }

    func testLocationsPointAtEveryKeyAndListItem() throws {
        let m = try ManifestLoader.load(path: Self.example.path)
        let file = Self.example.path
        XCTAssertEqual(m.location(of: ""), SourceLocation(file: file, line: 2, column: 1))
        XCTAssertEqual(m.location(of: "spec.library.sha256"), SourceLocation(file: file, line: 12, column: 5))
        XCTAssertEqual(m.location(of: "spec.regions[1]"), SourceLocation(file: file, line: 48, column: 7))
        XCTAssertEqual(m.location(of: "spec.regions[1].residency"), SourceLocation(file: file, line: 49, column: 7))
        XCTAssertEqual(m.location(of: "spec.schemas.input.properties.phone_number"), SourceLocation(file: file, line: 36, column: 9))
        XCTAssertEqual(m.location(of: "spec.connection.pool.max_idle"), SourceLocation(file: file, line: 61, column: 34))
        XCTAssertEqual(m.location(of: "no.such.key"), m.location(of: ""))
    }

    func testOmittedSectionsTakeTheirDefaults() throws {
        let m = try ManifestLoader.load(path: Self.minimal.path)
        XCTAssertEqual(m.connection, Manifest.Connection())
        XCTAssertEqual(m.connection.maxConnections, 64)
        XCTAssertEqual(m.connection.tlsMinVersion, "1.2")
        XCTAssertEqual(m.settings, .object([:]))
        XCTAssertEqual(m.secrets, [])
        XCTAssertNil(m.inputSchema)
        XCTAssertNil(m.health)
        XCTAssertEqual(m.fixtures, [])
        XCTAssertNil(m.compliance.transferBasis)
    }

    func testACopyIsIndependentOfItsOriginalAndEqualityIsByContent() throws {
        let text = try String(contentsOf: Self.minimal, encoding: .utf8)
        let original = try load(text)
        var copy = original
        XCTAssertEqual(copy, original)
        copy.connection.maxIdle = 3
        copy.metadata.version = "9.9.9"
        XCTAssertEqual(original.connection.maxIdle, 64, "mutating a copy leaves the original alone")
        XCTAssertEqual(original.metadata.version, try load(text).metadata.version)
        XCTAssertNotEqual(copy, original)
        // Two loads of one file: separate storage, equal content, equal hashes.
        let again = try load(text)
        XCTAssertEqual(again, original)
        XCTAssertEqual(again.hashValue, original.hashValue)
        XCTAssertEqual(Set([original, again, copy]).count, 2)
    }

    func testOmittedMaxIdleKeepsEveryConnectionThePoolMayOpen() throws {
        XCTAssertEqual(try load(try String(contentsOf: Self.minimal, encoding: .utf8)).connection.maxIdle, 64)
        let m = try load(try minimal(replacing: "    retention: P30D\n",
                                     with: "    retention: P30D\n  connection:\n    pool: { max_connections: 200 }\n"))
        XCTAssertEqual(m.connection.maxIdle, 200)
        let explicit = try load(try minimal(replacing: "    retention: P30D\n",
                                            with: "    retention: P30D\n  connection:\n    pool: { max_connections: 200, max_idle: 8 }\n"))
        XCTAssertEqual(explicit.connection.maxIdle, 8)
    }

    func testOmittedMaxIdleNeverExceedsASmallMaxConnections() throws {
        let m = try load(try minimal(replacing: "    retention: P30D\n",
                                     with: "    retention: P30D\n  connection:\n    pool: { max_connections: 4 }\n"))
        XCTAssertEqual(m.connection.maxConnections, 4)
        XCTAssertEqual(m.connection.maxIdle, 4)
    }

    func testRelativePathsResolveAgainstTheBaseDirectoryAndTheFileNameStaysAsGiven() throws {
        let m = try load(try minimal(replacing: "path: lib/libpv_minimal.so", with: "path: ./lib/../lib/libpv_minimal.so"),
                         file: "connectors.d/minimal.yaml")
        XCTAssertEqual(m.file, "connectors.d/minimal.yaml")
        XCTAssertEqual(m.library.declaredPath, "./lib/../lib/libpv_minimal.so")
        XCTAssertEqual(m.library.path, "/srv/pavilion/connectors.d/lib/libpv_minimal.so")
        XCTAssertEqual(m.location(of: "spec.library.path").file, "connectors.d/minimal.yaml")
        let absolute = try load(try minimal(replacing: "path: lib/libpv_minimal.so", with: "path: /opt/lib/x.so"))
        XCTAssertEqual(absolute.library.path, "/opt/lib/x.so")
    }

    func testUnknownKeySuggestsNearestKey() throws {
        let d = diagnostics(try minimal(replacing: "    abi: 1", with: "    abi: 1\n    sha265: x"))
        XCTAssertEqual(d.map(\.message), ["spec.library.sha265: unknown key; did you mean 'sha256'?"])
        XCTAssertEqual(d.first?.location.line, 13)
        XCTAssertEqual(d.first?.location.column, 5)
    }

    func testUnknownWordInAClosedSetSuggestsTheNearestWord() throws {
        let d = diagnostics(try minimal(replacing: "lawful_bases: [consent]", with: "lawful_bases: [consnet]"))
        XCTAssertTrue(d.first?.message.contains("unknown lawful basis \"consnet\"; did you mean 'consent'?") ?? false)
    }

    func testTypeErrorsSayWhatWasExpectedAndWhatWasFound() throws {
        let d = diagnostics(try minimal(replacing: "priority: 0", with: "priority: high"))
        XCTAssertEqual(d.map(\.message), ["spec.regions[0].priority: expected an integer, found string \"high\""])
        let n = diagnostics(try minimal(replacing: "      endpoints: [\"https://dp.example\"]", with: "      endpoints: https://dp.example"))
        XCTAssertEqual(n.map(\.message), ["spec.regions[0].endpoints: expected a list, found string \"https://dp.example\""])
    }

    func testEveryProblemInAFileIsReportedInPositionOrder() throws {
        var text = try minimal(replacing: "version: 0.1.0", with: "version: one")
        text = text.replacingOccurrences(of: "residency: eu", with: "residency: moon")
        text = text.replacingOccurrences(of: "credentials: [vc+jwt]", with: "credentials: [jwt]")
        let d = diagnostics(text)
        XCTAssertEqual(d.count, 3, "\(d)")
        XCTAssertEqual(d, d.sorted { $0.location < $1.location })
        XCTAssertEqual(d.map(\.location.line), [7, 16, 23])
        XCTAssertEqual(d.first?.description, "m.yaml:7:12: error: metadata.version: \"one\" is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0)")
    }

    func testGDPRRegionOutsideAdequacyNeedsATransferBasisEvenBesideAnEURegion() throws {
        let extra = "      endpoints: [\"https://dp.example\"]\n    - name: brazil\n      residency: br\n      priority: 1\n      endpoints: [\"https://br.example\"]\n"
        let text = try minimal(replacing: "      endpoints: [\"https://dp.example\"]\n", with: extra)
        XCTAssertTrue(diagnostics(text).first?.message.contains("brazil (br)") ?? false)
        XCTAssertNoThrow(try load(text.replacingOccurrences(of: "retention: P30D", with: "retention: P30D\n    transfer_basis: bcr")))
    }

    func testUKGDPRUsesTheUKAdequacySet() throws {
        let text = try minimal(replacing: "jurisdictions: [gdpr]", with: "jurisdictions: [uk-gdpr]")
        XCTAssertNoThrow(try load(text))
        let d = diagnostics(text.replacingOccurrences(of: "residency: eu", with: "residency: au")
            .replacingOccurrences(of: "name: eu-west", with: "name: sydney"))
        XCTAssertTrue(d.first?.message.contains("jurisdiction 'uk-gdpr' with regions outside") ?? false, "\(d)")
    }

    func testHIPAARequiresTheHealthCategory() throws {
        let text = try minimal(replacing: "jurisdictions: [gdpr]", with: "jurisdictions: [hipaa]")
            .replacingOccurrences(of: "residency: eu", with: "residency: us")
            .replacingOccurrences(of: "name: eu-west", with: "name: us-west")
        let d = diagnostics(text)
        XCTAssertEqual(d.map(\.message), ["spec.compliance.jurisdictions[0]: jurisdiction 'hipaa' requires data category 'health' in spec.compliance.data_categories"])
    }

    func testCCPARequiresAUSRegion() throws {
        let d = diagnostics(try minimal(replacing: "jurisdictions: [gdpr]", with: "jurisdictions: [gdpr, ccpa]"))
        XCTAssertEqual(d.map(\.message), ["spec.compliance.jurisdictions[1]: jurisdiction 'ccpa' requires at least one region in us or us-ca"])
    }

    func testLoadOfAMissingFileSaysItCannotBeRead() {
        XCTAssertThrowsError(try ManifestLoader.load(path: "/nonexistent/pavilion/m.yaml")) { error in
            XCTAssertEqual((error as? ManifestError)?.description,
                           "/nonexistent/pavilion/m.yaml:1:1: error: cannot read the manifest file")
        }
    }

    func testManifestFilesListsYAMLFilesSortedAndSkipsHiddenOnes() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("manifest-files")
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["b.yaml", "a.yml", ".hidden.yaml", "notes.txt", "c.yaml.bak"] {
            try Data().write(to: dir.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("d.yaml"), withIntermediateDirectories: false)
        XCTAssertEqual(try ManifestLoader.manifestFiles(in: dir.path), [dir.path + "/a.yml", dir.path + "/b.yaml"])
        XCTAssertThrowsError(try ManifestLoader.manifestFiles(in: dir.appendingPathComponent("missing").path))
    }

    func testOversizedFileIsRefusedBeforeReadingIt() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("manifest-size")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("big.yaml")
        try Data(repeating: UInt8(ascii: "#"), count: ManifestLoader.maxFileBytes + 1).write(to: file)
        XCTAssertThrowsError(try ManifestLoader.load(path: file.path)) { error in
            XCTAssertTrue((error as? ManifestError)?.description.contains("a manifest may be at most 1048576 bytes") ?? false)
        }
    }
}
