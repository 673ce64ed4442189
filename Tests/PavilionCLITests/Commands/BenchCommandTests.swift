import Foundation
import PavilionCore
import PavilionTestSupport
import XCTest

/// The benchmarks print the JSON their contract names. Their figures are
/// not asserted: tests never judge wall-clock time.
final class BenchCommandTests: XCTestCase {
    func testManifestBenchmarkPrintsItsFigures() throws {
        let workspace = try Workspace.shipped(["echo"])
        defer { workspace.remove() }
        let result = try workspace.pavilion(["bench", "manifests", "--dir", "connectors.d"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let figures = try parseJSON(result.stdout)
        XCTAssertNotNil(figures["load_1000_ms"]?.doubleValue)
        XCTAssertNotNil(figures["hot_reload_ms"]?.doubleValue)
    }

    func testABIBenchmarkPrintsItsFigures() throws {
        let workspace = try Workspace.shipped(["echo"])
        defer { workspace.remove() }
        let result = try workspace.pavilion(["bench", "abi", "--dir", "connectors.d"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let figures = try parseJSON(result.stdout)
        XCTAssertNotNil(figures["step_ns"]?.doubleValue)
        XCTAssertNotNil(figures["exchange_ns"]?.doubleValue)
    }

    /// `bench http --quick` starts the simulator, `pavilion serve`, nginx,
    /// wrk and the idle-connection helper, and prints the contract's keys.
    /// Skipped without nginx or wrk: `script/test` does not install them
    /// (`script/bench` does).
    func testHTTPBenchmarkPrintsTheContractKeys() throws {
        for tool in ["nginx", "wrk", "python3"] {
            try XCTSkipIf(Self.onPath(tool) == nil, "\(tool) is not installed (script/bench installs nginx and wrk)")
        }
        let workspace = try Workspace.shipped(["echo"])
        defer { workspace.remove() }
        let result = try workspace.pavilion(["bench", "http", "--quick", "--duration", "1", "--idle", "200", "--dir", "connectors.d"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let figures = try parseJSON(result.stdout)
        for key in ["pavilion_rps", "nginx_rps", "ratio", "p50_ms", "p99_ms", "p999_ms", "idle_rss_mb"] {
            XCTAssertNotNil(figures[key]?.doubleValue, "\(key) missing or not a number in \(result.stdout)")
        }
        XCTAssertEqual(figures["idle_connections"]?.intValue, 200, result.stdout)
        // The disk's flush latency, the floor under a durable commit.
        let flush = (figures["fsync_p50_ms"]?.doubleValue ?? -1, figures["fsync_p999_ms"]?.doubleValue ?? -1)
        XCTAssertGreaterThan(flush.0, 0, result.stdout)
        XCTAssertGreaterThanOrEqual(flush.1, flush.0, result.stdout)
        XCTAssertEqual(figures["pavilion_errors"]?.intValue, 0, result.stdout)
        XCTAssertEqual(figures["nginx_errors"]?.intValue, 0, result.stdout)
        // The same phase as the serve process timed it, from its access log.
        XCTAssertGreaterThan(figures["server_latency_samples"]?.intValue ?? 0, 0, result.stdout)
        let server = (figures["server_p50_ms"]?.doubleValue ?? -1, figures["server_p999_ms"]?.doubleValue ?? -1)
        XCTAssertGreaterThan(server.0, 0, result.stdout)
        XCTAssertGreaterThanOrEqual(server.1, server.0, result.stdout)
        // And how the store grouped its commits meanwhile.
        XCTAssertGreaterThan(figures["store_commits_per_s"]?.doubleValue ?? 0, 0, result.stdout)
        XCTAssertGreaterThanOrEqual(figures["store_verifications_per_commit"]?.doubleValue ?? 0, 1, result.stdout)
    }

    private static func onPath(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return (path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin"])
            .map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func testUnknownSuiteIsAUsageError() throws {
        XCTAssertEqual(try TestEnvironment.pavilion(["bench", "nonsense"]).status, 2)
    }
}
