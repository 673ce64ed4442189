import PavilionPrivacy
import XCTest

final class ExactBernoulliTests: XCTestCase {
    private let samples = 20_000

    private func assertBernoulli(_ draw: () throws -> Bool, probability p: Double, file: StaticString = #filePath, line: UInt = #line) rethrows {
        var ones = 0.0
        for _ in 0..<samples where try draw() { ones += 1 }
        let n = Double(samples)
        let result = StatisticalChecks.chiSquared(observed: [ones, n - ones], expected: [n * p, n * (1 - p)])
        XCTAssertGreaterThan(result.pValue, 0.001, "p=\(p): \(result)", file: file, line: line)
    }

    func testBernoulliOfARationalFitsItsProbability() throws {
        let source = HMACDRBG(label: "bernoulli-rational")
        for (n, d) in [(1, 3), (5, 7), (999, 1000)] as [(UInt64, UInt64)] {
            let p = try ExactRational(n, d)
            try assertBernoulli({ try ExactBernoulli.sample(probability: p, using: source) }, probability: Double(n) / Double(d))
        }
        XCTAssertFalse(try ExactBernoulli.sample(probability: ExactRational(0, 5), using: source))
        XCTAssertTrue(try ExactBernoulli.sample(probability: ExactRational(5, 5), using: source))
    }

    func testBernoulliOfAProbabilityAboveOneIsRefused() throws {
        let source = HMACDRBG(label: "bernoulli-above-one")
        XCTAssertThrowsError(try ExactBernoulli.sample(probability: ExactRational(4, 3), using: source)) {
            XCTAssertEqual(($0 as? DifferentialPrivacyError)?.code, .parameterOutOfRange)
        }
    }

    func testBernoulliOfExpMinusGammaFitsExpMinusGamma() throws {
        let source = HMACDRBG(label: "bernoulli-exp")
        for (n, d) in [(1, 2), (1, 1), (5, 2), (7, 3), (3, 1), (1, 1 << 40)] as [(UInt64, UInt64)] {
            let gamma = try ExactRational(n, d)
            try assertBernoulli({ try ExactBernoulli.sampleExpMinus(gamma, using: source) },
                                probability: exp(-Double(n) / Double(d)))
        }
    }

    func testBernoulliOfExpMinusZeroIsAlwaysOne() throws {
        let source = HMACDRBG(label: "bernoulli-exp-zero")
        for _ in 0..<1_000 { XCTAssertTrue(try ExactBernoulli.sampleExpMinus(ExactRational(0, 1), using: source)) }
    }

    func testRationalsOutsideTheDocumentedRangeAreRefused() {
        XCTAssertThrowsError(try ExactRational(1, 0))
        XCTAssertThrowsError(try ExactRational((1 << 62) + 1, 1))
        XCTAssertThrowsError(try ExactRational(1, (1 << 62) + 1))
        XCTAssertEqual(try ExactRational(6, 4), try ExactRational(3, 2))
    }
}
