import Foundation
import PavilionManifest
import PavilionTestSupport
import XCTest

/// docs/manifest.schema.json and the loader accept the same manifests.
///
/// Each file goes through `ManifestLoader` and through python3's
/// `jsonschema.Draft202012Validator` (Tests/Fixtures/manifests/schema_check.py,
/// which reads YAML with the same YAML 1.2 core rules and YAML-level
/// refusals as the loader). Both must accept it or both refuse it.
final class SchemaAgreementTests: XCTestCase {
    /// Fixtures that break a rule JSON Schema cannot state, so the schema
    /// accepts what the loader refuses. The schema's top-level description
    /// and docs/manifest.md list the same rules.
    static let inexpressible: [String: String] = [
        "duplicate-claim.yaml": "claim names must be unique; uniqueItems compares whole objects",
        "duplicate-region-name.yaml": "region names must be unique; uniqueItems compares whole objects",
        "undeclared-claim-category.yaml": "claim categories must be a subset of compliance categories; no cross-field subset in JSON Schema",
        "max-idle-over-max-connections.yaml": "max_idle <= max_connections compares two values; JSON Schema cannot",
        "min-idle-over-max-idle.yaml": "min_idle <= max_idle compares two values; JSON Schema cannot",
        "health-timeout-not-below-interval.yaml": "timeout_ms < interval_ms compares two values; JSON Schema cannot",
        "outlier-max-below-base.yaml": "max_ejection_ms >= base_ejection_ms compares two values; JSON Schema cannot",
        "transform-field-not-in-output-schema.yaml": "fields a transform reads are checked against spec.schemas.output; JSON Schema cannot look across",
        "quality-flag-above-accept.yaml": "thresholds.flag <= thresholds.accept compares two values; JSON Schema cannot",
    ]

    func testSchemaAndLoaderAgreeOnEveryManifest() throws {
        let root = TestEnvironment.packageRoot
        var files = try ManifestLoader.manifestFiles(in: TestEnvironment.fixtures("manifests/good").path)
        files += try ManifestLoader.manifestFiles(in: TestEnvironment.fixtures("manifests/bad").path)
        files.append(root.appendingPathComponent("docs/examples/connector.yaml").path)
        let connectors = root.appendingPathComponent("connectors.d").path
        if FileManager.default.fileExists(atPath: connectors) {
            files += try ManifestLoader.manifestFiles(in: connectors)
        }

        let verdicts = try Self.schemaVerdicts(files)
        XCTAssertEqual(verdicts.count, files.count, "the Python harness must answer for every file")
        var checked = 0
        for file in files {
            let name = (file as NSString).lastPathComponent
            let isBadFixture = file.contains("/manifests/bad/")
            if isBadFixture, let reason = Self.inexpressible[name] {
                // Still make sure the loader refuses it: the rule is enforced somewhere.
                XCTAssertThrowsError(try ManifestLoader.load(path: file), "\(name) (skipped for the schema: \(reason))")
                continue
            }
            let loaderAccepts: Bool
            var loaderSays = "accepted"
            do {
                _ = try ManifestLoader.load(path: file)
                loaderAccepts = true
            } catch {
                loaderAccepts = false
                loaderSays = error.description
            }
            guard let verdict = verdicts[file] else {
                XCTFail("no schema verdict for \(file)")
                continue
            }
            XCTAssertEqual(loaderAccepts, verdict.accepts,
                           "\(file): loader \(loaderAccepts ? "accepts" : "refuses"), schema \(verdict.accepts ? "accepts" : "refuses")\nloader: \(loaderSays)\nschema: \(verdict.reason)")
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 40)
    }

    func testInexpressibleRulesAreListedInTheSchemaDescription() throws {
        let url = TestEnvironment.packageRoot.appendingPathComponent("docs/manifest.schema.json")
        let text = try String(contentsOf: url, encoding: .utf8)
        for phrase in ["unique", "spec.compliance.data_categories", "max_idle <= max_connections", "min_idle <= max_idle",
                       "timeout_ms < spec.health.interval_ms", "sha256",
                       "spec.transforms"] {
            XCTAssertTrue(text.contains(phrase), "schema description should mention \(phrase)")
        }
    }

    struct Verdict {
        var accepts: Bool
        var reason: String
    }

    /// Run the Python harness once over all `files`.
    static func schemaVerdicts(_ files: [String]) throws -> [String: Verdict] {
        let root = TestEnvironment.packageRoot
        let script = TestEnvironment.fixtures("manifests").appendingPathComponent("schema_check.py").path
        let schema = root.appendingPathComponent("docs/manifest.schema.json").path
        let result = try TestEnvironment.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script, schema] + files)
        guard result.status == 0 else {
            throw NSError(domain: "schema_check.py", code: Int(result.status), userInfo: [
                NSLocalizedDescriptionKey: "python3 with jsonschema and yaml is needed (script/deps installs them): \(result.stderr)",
            ])
        }
        var out: [String: Verdict] = [:]
        for line in result.stdout.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2 else { continue }
            out[fields[1]] = Verdict(accepts: fields[0] == "ACCEPT", reason: fields.count > 2 ? fields[2] : "")
        }
        return out
    }
}
