import PavilionPrivacy
import XCTest

/// The benchmark entry point runs in every mode (a smoke test, not a measurement).
final class OPRFBenchmarkTests: XCTestCase {
    func testBenchmarkRunsInEveryModeAndReportsARate() throws {
        for mode in OPRFMode.allCases {
            let rate = try OPRFBenchmark.evaluationsPerSecond(suite: .p256SHA256, mode: mode, count: 8, batchSize: 4)
            XCTAssertGreaterThan(rate, 0, "\(mode)")
        }
    }
}
