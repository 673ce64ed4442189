import PavilionPrivacy
import XCTest

final class DifferentialPrivacyBenchmarkTests: XCTestCase {
    /// Runs the benchmark briefly so it keeps compiling and working; speed
    /// is reported by `pavilion bench privacy`, never asserted.
    func testTheDiscreteGaussianBenchmarkRuns() throws {
        let rate = try DifferentialPrivacyBenchmark.discreteGaussianSamplesPerSecond(samples: 2_000)
        XCTAssertGreaterThan(rate, 0)
        XCTAssertEqual(DifferentialPrivacyBenchmark.discreteGaussianMetric, "dgauss_samples_per_s")
    }
}
