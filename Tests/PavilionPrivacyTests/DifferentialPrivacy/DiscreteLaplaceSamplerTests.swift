import PavilionPrivacy
import XCTest

final class DiscreteLaplaceSamplerTests: XCTestCase {
    private let samples = 20_000

    private func check(t: UInt64, s: UInt64, file: StaticString = #filePath, line: UInt = #line) throws {
        let source = HMACDRBG(label: "laplace-\(t)/\(s)")
        let sampler = try DiscreteLaplaceSampler(scale: ExactRational(t, s))
        let draws = try (0..<samples).map { _ in try sampler.sample(using: source) }
        let tau = Double(t) / Double(s)
        let pmf = StatisticalChecks.discreteLaplacePMF(scale: tau)
        let fit = StatisticalChecks.chiSquared(samples: draws, pmf: pmf)
        XCTAssertGreaterThan(fit.pValue, 0.001, "scale \(t)/\(s): \(fit)", file: file, line: line)

        let span = Int64(80 * tau + 80)
        let theory = StatisticalChecks.moments(pmf, over: -span...span)
        let observed = StatisticalChecks.sampleMoments(draws)
        let n = Double(samples)
        XCTAssertEqual(observed.mean, 0, accuracy: 5 * (theory.variance / n).squareRoot(), "mean", file: file, line: line)
        let varianceError = ((theory.fourth - theory.variance * theory.variance) / n).squareRoot()
        XCTAssertEqual(observed.variance, theory.variance, accuracy: 5 * varianceError, "variance", file: file, line: line)
    }

    func testScaleOneFitsTheDiscreteLaplace() throws { try check(t: 1, s: 1) }
    func testScaleThreeFitsTheDiscreteLaplace() throws { try check(t: 3, s: 1) }
    func testScaleSevenHalvesFitsTheDiscreteLaplace() throws { try check(t: 7, s: 2) }
    func testScaleOneThirdFitsTheDiscreteLaplace() throws { try check(t: 1, s: 3) }

    func testZeroScaleAndScalesAboveTwoToTheFortyAreRefused() {
        XCTAssertThrowsError(try DiscreteLaplaceSampler(scale: ExactRational(0, 1))) {
            XCTAssertEqual(($0 as? DifferentialPrivacyError)?.code, .parameterOutOfRange)
        }
        XCTAssertThrowsError(try DiscreteLaplaceSampler(scale: ExactRational((1 << 41) + 1, 2))) {
            XCTAssertEqual(($0 as? DifferentialPrivacyError)?.code, .parameterOutOfRange)
        }
        XCTAssertNoThrow(try DiscreteLaplaceSampler(scale: ExactRational(1 << 41, 2)))
    }

    func testExtremeScalesSampleWithoutOverflow() throws {
        let source = HMACDRBG(label: "laplace-extreme")
        let huge = try DiscreteLaplaceSampler(scale: ExactRational(1 << 40, 1))
        let tiny = try DiscreteLaplaceSampler(scale: ExactRational(1, 1 << 62))
        for _ in 0..<200 {
            _ = try huge.sample(using: source)
            XCTAssertEqual(try tiny.sample(using: source), 0)
        }
    }
}
