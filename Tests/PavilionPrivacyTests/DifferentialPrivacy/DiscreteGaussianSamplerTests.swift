import PavilionPrivacy
import XCTest

final class DiscreteGaussianSamplerTests: XCTestCase {
    private func check(a: UInt64, b: UInt64, samples: Int = 20_000, goodnessOfFit: Bool = true,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let source = HMACDRBG(label: "gauss-\(a)/\(b)")
        let sampler = try DiscreteGaussianSampler(sigmaSquared: ExactRational(a, b))
        let draws = try (0..<samples).map { _ in try sampler.sample(using: source) }
        let s2 = Double(a) / Double(b)
        let pmf = StatisticalChecks.discreteGaussianPMF(sigmaSquared: s2)
        if goodnessOfFit {
            let fit = StatisticalChecks.chiSquared(samples: draws, pmf: pmf)
            XCTAssertGreaterThan(fit.pValue, 0.001, "σ²=\(a)/\(b): \(fit)", file: file, line: line)
        }
        let span = Int64(40 * s2.squareRoot() + 40)
        let theory = StatisticalChecks.moments(pmf, over: -span...span)
        let observed = StatisticalChecks.sampleMoments(draws)
        let n = Double(samples)
        XCTAssertEqual(observed.mean, 0, accuracy: 5 * (theory.variance / n).squareRoot(), "mean", file: file, line: line)
        let varianceError = ((theory.fourth - theory.variance * theory.variance) / n).squareRoot()
        XCTAssertEqual(observed.variance, theory.variance, accuracy: 5 * varianceError, "variance", file: file, line: line)
    }

    func testSigmaSquaredOneFitsTheDiscreteGaussian() throws { try check(a: 1, b: 1) }
    func testSigmaSquaredFourFitsTheDiscreteGaussian() throws { try check(a: 4, b: 1) }
    func testSigmaSquaredTwentyFiveHalvesFitsTheDiscreteGaussian() throws { try check(a: 25, b: 2) }
    func testSigmaSquaredOneThirdFitsTheDiscreteGaussian() throws { try check(a: 1, b: 3) }
    func testSigmaSquaredAMillionHasTheDiscreteGaussianMoments() throws {
        try check(a: 1_000_000, b: 1, samples: 5_000, goodnessOfFit: false)
    }

    func testZeroSigmaIsRefused() {
        XCTAssertThrowsError(try DiscreteGaussianSampler(sigmaSquared: ExactRational(0, 1))) {
            XCTAssertEqual(($0 as? DifferentialPrivacyError)?.code, .parameterOutOfRange)
        }
    }

    func testRangeEdgesSampleWithoutOverflow() throws {
        let source = HMACDRBG(label: "gauss-extreme")
        for (a, b) in [(1 << 62, 1), (1, 1 << 62), (1 << 62, (1 << 62) - 1), ((1 << 62) - 1, 3)] as [(UInt64, UInt64)] {
            let sampler = try DiscreteGaussianSampler(sigmaSquared: ExactRational(a, b))
            for _ in 0..<50 { _ = try sampler.sample(using: source) }
        }
        // σ² = 2^-62: ±1 is accepted with probability about exp(-2^61), and
        // |Y| >= 4 from the proposal takes the two-word division path.
        let narrow = try DiscreteGaussianSampler(sigmaSquared: ExactRational(1, 1 << 62))
        for _ in 0..<500 { XCTAssertEqual(try narrow.sample(using: source), 0) }
    }
}
