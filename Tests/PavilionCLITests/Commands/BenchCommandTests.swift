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

    func testUnknownSuiteIsAUsageError() throws {
        XCTAssertEqual(try TestEnvironment.pavilion(["bench", "nonsense"]).status, 2)
    }
}
