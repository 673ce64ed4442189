import Foundation
import PavilionCore
import PavilionTestSupport
import XCTest

/// `bench signing|privacy|data|connectivity --quick` print their contract's keys. The
/// figures are not asserted: tests never judge wall-clock time.
final class ExtraBenchCommandTests: XCTestCase {
    private func figures(_ suite: String, _ extra: [String] = []) throws -> JSONValue {
        let result = try TestEnvironment.pavilion(["bench", suite, "--quick"] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try parseJSON(result.stdout)
    }

    private func assertNumbers(_ figures: JSONValue, _ keys: [String], file: StaticString = #filePath, line: UInt = #line) {
        for key in keys {
            XCTAssertNotNil(figures[key]?.doubleValue, "\(key) missing or not a number in \(figures.serialized)", file: file, line: line)
        }
    }

    private static var softHSMInstalled: Bool {
        FileManager.default.fileExists(atPath: "/usr/lib/softhsm/libsofthsm2.so")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/softhsm2-util")
    }

    private static var opensslInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") }

    private static var pythonJSONSchemaInstalled: Bool {
        guard let child = try? Spawn.start("/usr/bin/env", ["python3", "-c", "import jsonschema"],
                                           stdout: .discard, stderr: .discard) else { return false }
        child.closeInput()
        return child.wait() == 0
    }

    func testSigningBenchmarkPrintsTheContractKeys() throws {
        let f = try figures("signing")
        assertNumbers(f, ["es256_sign_per_s", "es256_sign_wall_per_s", "es256_verify_per_s", "issue_sd_jwt_vc_per_s", "status_lookup_ns"])
        if Self.opensslInstalled { assertNumbers(f, ["openssl_es256_sign_per_s", "ratio"]) }
        if Self.softHSMInstalled {
            assertNumbers(f, ["hsm_es256_sign_per_s"])
        } else {
            XCTAssertEqual(f["hsm_es256_sign_per_s"], .null, "without SoftHSM2 the HSM figure is null")
        }
    }

    func testPrivacyBenchmarkPrintsTheContractKeys() throws {
        // With --psi-10m (20,000 elements with --quick) the large run's keys join the default ones.
        let f = try figures("privacy", ["--psi-10m"])
        assertNumbers(f, ["oprf_evaluate_per_s", "dgauss_samples_per_s", "log_append_per_s", "psi_1m_seconds", "psi_1m_online_seconds",
                          "psi_1m_peak_rss_mb", "range_proof_ms", "range_proof_bytes"])
        assertNumbers(f, ["psi_10m_seconds", "psi_10m_preprocessing_seconds", "psi_10m_query_seconds", "psi_10m_client_peak_rss_mb",
                          "psi_10m_server_peak_rss_mb"])
        XCTAssertEqual(f["psi_10m_elements"], .int(20_000))
        XCTAssertEqual(f["range_proof_bytes"], .int(1 + 195 * 32), "a 32-bit bit-decomposition proof")
        let venv = TestEnvironment.packageRoot.appendingPathComponent(".build/bench-venv/bin/python").path
        if FileManager.default.isExecutableFile(atPath: venv), f["openmined_psi_1m_seconds"] != .null {
            assertNumbers(f, ["openmined_psi_1m_seconds", "psi_speedup", "openmined_psi_1m_online_seconds", "psi_online_speedup"])
        } else {
            XCTAssertEqual(f["psi_speedup"], .null, "no reference, no ratio")
        }
    }

    func testDataBenchmarkPrintsTheContractKeys() throws {
        let f = try figures("data")
        assertNumbers(f, ["validate_per_s", "transform_per_s", "lineage_write_per_s"])
        if Self.pythonJSONSchemaInstalled {
            assertNumbers(f, ["python_jsonschema_per_s", "ratio"])
            XCTAssertEqual(f["documents_valid"], f["python_documents_valid"], "both validators agree on the documents")
        } else {
            XCTAssertEqual(f["python_jsonschema_per_s"], .null)
        }
    }

    func testConnectivityBenchmarkPrintsTheContractKeys() throws {
        let f = try figures("connectivity")
        assertNumbers(f, ["failover_median_ms", "failover_max_ms", "dp_connections_held", "dp_connections_rss_mb", "pooled_overhead_us"])
        XCTAssertGreaterThanOrEqual(f["failover_outages"]?.intValue ?? 0, 20, "at least 20 outages")
        XCTAssertEqual(f["dp_connections_held"], f["dp_connections_requested"], "every requested connection is held open")
    }
}
