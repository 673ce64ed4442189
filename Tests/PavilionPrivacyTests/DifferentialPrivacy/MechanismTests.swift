import PavilionPrivacy
import XCTest

final class MechanismTests: XCTestCase {
    /// ε = 1000: the noise is non-zero with probability about 2e^-1000, so
    /// clamping and bounding can be checked exactly.
    private var negligibleNoise: NoiseMechanism { get throws { .discreteLaplace(epsilon: try PrivacyAmount("1000")) } }

    func testCountCountsEachUserAtMostKTimes() throws {
        let source = HMACDRBG(label: "count-bound")
        let count = try NoisyCount(maxContributionsPerUser: 2, noise: negligibleNoise)
        let users = ["a", "a", "a", "a", "b", "c", "c", "c"]
        XCTAssertEqual(try count.release(users: users, using: source), 5)
        XCTAssertEqual(count.l1Sensitivity, 2)
        XCTAssertEqual(count.cost, .epsilon(try PrivacyAmount("1000")))
    }

    func testSumClampsEachContributionAndStatesItsSensitivity() throws {
        let source = HMACDRBG(label: "sum-clamp")
        let sum = try BoundedSum(lower: -5, upper: 10, noise: negligibleNoise)
        XCTAssertEqual(try sum.release(values: [3, 100, -50, 7], using: source), 3 + 10 - 5 + 7)
        XCTAssertEqual(sum.sensitivity, 10)
        XCTAssertThrowsError(try BoundedSum(lower: 3, upper: 2, noise: negligibleNoise)) {
            XCTAssertEqual(($0 as? DifferentialPrivacyError)?.code, .parameterOutOfRange)
        }
        XCTAssertThrowsError(try BoundedSum(lower: 0, upper: (1 << 31) + 1, noise: negligibleNoise))
    }

    func testMeanSplitsTheBudgetAndClampsTheQuotient() throws {
        let source = HMACDRBG(label: "mean")
        let mean = try BoundedMean(lower: 0, upper: 100, noise: negligibleNoise)
        let release = try mean.release(values: [10, 20, 30, 1_000], using: source)
        XCTAssertEqual(release.noisySum, 160)
        XCTAssertEqual(release.noisyCount, 4)
        XCTAssertEqual(release.mean, 40)
        XCTAssertEqual(mean.cost, .epsilon(try PrivacyAmount("1000")))
        XCTAssertEqual(NoiseMechanism.discreteGaussian(rho: try PrivacyAmount("0.5")).halved,
                       .discreteGaussian(rho: try PrivacyAmount("0.25")))
        let empty = try mean.release(values: [], using: source)
        XCTAssertEqual(empty.mean, 50, "no users: the midpoint")
    }

    func testHistogramBoundsDistinctBinsPerUserAndDropsUnknownBins() throws {
        let source = HMACDRBG(label: "histogram")
        let histogram = try BoundedHistogram(binCount: 3, maxBinsPerUser: 2, noise: negligibleNoise)
        let records: [(user: String, bin: Int)] = [
            ("a", 0), ("a", 0), ("a", 1), ("a", 2),   // a: bins 0 and 1 only
            ("b", 2), ("b", 7), ("b", -1),            // b: bin 2; 7 and -1 dropped
        ]
        XCTAssertEqual(try histogram.release(records: records, using: source), [1, 1, 1])
        XCTAssertEqual(histogram.l1Sensitivity, 2)
        XCTAssertEqual(histogram.l2SensitivitySquared, 2)
        XCTAssertThrowsError(try BoundedHistogram(binCount: 3, maxBinsPerUser: 4, noise: negligibleNoise))
    }

    func testLaplaceNoiseOfACountHasTheVarianceOfScaleOneOverEpsilon() throws {
        let source = HMACDRBG(label: "count-laplace-variance")
        let count = try NoisyCount(noise: .discreteLaplace(epsilon: PrivacyAmount("0.5")))
        let draws = try (0..<10_000).map { _ in try count.release(boundedCount: 1_000, using: source) - 1_000 }
        let pmf = StatisticalChecks.discreteLaplacePMF(scale: 2)
        let fit = StatisticalChecks.chiSquared(samples: draws, pmf: pmf)
        XCTAssertGreaterThan(fit.pValue, 0.001, "\(fit)")
    }

    func testGaussianNoiseOfAHistogramUsesSigmaSquaredKOverTwoRho() throws {
        let source = HMACDRBG(label: "histogram-gauss")
        // k = 2, ρ = 1/4: σ² = 2/(2·1/4) = 4.
        let histogram = try BoundedHistogram(binCount: 2, maxBinsPerUser: 2, noise: .discreteGaussian(rho: PrivacyAmount("0.25")))
        let records: [(user: Int, bin: Int)] = []
        let draws = try (0..<10_000).map { _ in try histogram.release(records: records, using: source)[0] }
        let fit = StatisticalChecks.chiSquared(samples: draws, pmf: StatisticalChecks.discreteGaussianPMF(sigmaSquared: 4))
        XCTAssertGreaterThan(fit.pValue, 0.001, "\(fit)")
    }

    func testScalesBeyondTheSamplersAreRoundedUpOrRefused() throws {
        // Δ = 2^20, ρ = 0.123456789: σ² = 2^40·10^9/246913578 has terms
        // above 2^62, so it is rounded up to the next integer.
        let rho = try PrivacyAmount("0.123456789")
        let sampler = try NoiseMechanism.discreteGaussian(rho: rho).sampler(l1Sensitivity: 1 << 20, l2SensitivitySquared: 1 << 40)
        guard case .gaussian(let gaussian) = sampler.distribution else { return XCTFail("not Gaussian") }
        XCTAssertEqual(gaussian.sigmaSquared.denominator, 1)
        let exact = (Double(1 << 40) * 1e9) / 246_913_578
        XCTAssertGreaterThanOrEqual(Double(gaussian.sigmaSquared.numerator), exact)
        XCTAssertLessThanOrEqual(Double(gaussian.sigmaSquared.numerator), exact + 1)
        // ε = 10^-9 with Δ = 2^31: scale 2^31·10^9 is above 2^40.
        XCTAssertThrowsError(try BoundedSum(lower: 0, upper: 1 << 31, noise: .discreteLaplace(epsilon: PrivacyAmount(nanos: 1)))) {
            XCTAssertEqual(($0 as? DifferentialPrivacyError)?.code, .parameterOutOfRange)
        }
        XCTAssertThrowsError(try NoisyCount(noise: .discreteLaplace(epsilon: .zero)))
        XCTAssertThrowsError(try NoisyCount(noise: .discreteGaussian(rho: .zero)))
    }

    func testPrivacyAmountsParseExactlyAndRefuseOtherText() throws {
        XCTAssertEqual(try PrivacyAmount("0.1").nanos, 100_000_000)
        XCTAssertEqual(try PrivacyAmount("2").nanos, 2_000_000_000)
        XCTAssertEqual(try PrivacyAmount(".5").description, "0.5")
        XCTAssertEqual(try PrivacyAmount("1.000000001").description, "1.000000001")
        for bad in ["", ".", "-1", "1e-3", "0.0000000001", "1001", "1.", "abc", "1,5"] {
            XCTAssertThrowsError(try PrivacyAmount(bad), bad)
        }
        // ε = 0.3 is ρ = 0.045 under zCDP.
        XCTAssertEqual(try PrivacyAmount("0.3").epsilonToRho, try PrivacyAmount("0.045"))
        XCTAssertEqual(try PrivacyAmount(nanos: 1).epsilonToRho.nanos, 1, "rounded up, never to zero")
    }
}
