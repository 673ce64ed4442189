import PavilionPrivacy
import XCTest

final class RandomBitSourceTests: XCTestCase {
    func testUniformBelowSevenFitsTheUniformDistribution() throws {
        let source = HMACDRBG(label: "uniform-7")
        var counts = [Double](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[Int(try source.uniform(below: 7 as UInt64))] += 1 }
        let result = StatisticalChecks.chiSquared(observed: counts, expected: [Double](repeating: 10_000, count: 7))
        XCTAssertGreaterThan(result.pValue, 0.001, "\(result)")
    }

    func testUniformBelowALargeBoundHasNoModuloBias() throws {
        // n = 3·2^62: a plain `x % n` would put half the draws in [0, 2^62).
        let source = HMACDRBG(label: "uniform-large")
        let n: UInt64 = 3 << 62
        var counts = [Double](repeating: 0, count: 3)
        for _ in 0..<30_000 {
            let draw = try source.uniform(below: n)
            XCTAssertLessThan(draw, n)
            counts[Int(draw >> 62)] += 1
        }
        let result = StatisticalChecks.chiSquared(observed: counts, expected: [10_000, 10_000, 10_000])
        XCTAssertGreaterThan(result.pValue, 0.001, "\(result)")
    }

    func testUniformBelowA128BitBoundStaysBelowItAndCoversItsThirds() throws {
        let source = HMACDRBG(label: "uniform-128")
        let n: UInt128 = (UInt128(3) << 120) + 5
        var counts = [Double](repeating: 0, count: 3)
        for _ in 0..<30_000 {
            let draw = try source.uniform(below: n)
            XCTAssertLessThan(draw, n)
            counts[min(Int(draw / (n / 3)), 2)] += 1
        }
        let result = StatisticalChecks.chiSquared(observed: counts, expected: [10_000, 10_000, 10_000])
        XCTAssertGreaterThan(result.pValue, 0.001, "\(result)")
    }

    func testUniformBelowZeroIsRefused() {
        let source = HMACDRBG(label: "zero")
        XCTAssertThrowsError(try source.uniform(below: 0 as UInt64)) {
            XCTAssertEqual(($0 as? DifferentialPrivacyError)?.code, .parameterOutOfRange)
        }
        XCTAssertThrowsError(try source.uniform(below: 0 as UInt128))
        XCTAssertEqual(try source.uniform(below: 1 as UInt64), 0)
    }

    func testSecureSourceDrawsAcrossBufferRefillsWithoutRepeating() throws {
        let source = SecureRandomBitSource()
        var seen = Set<UInt64>()
        for _ in 0..<2_000 { seen.insert(try source.nextUInt64()) }
        // 2,000 draws span four 512-word buffers; a repeat would mean a
        // buffer was served twice.
        XCTAssertEqual(seen.count, 2_000)
        var ones = 0
        for _ in 0..<4_000 where try source.fairCoin() { ones += 1 }
        XCTAssert((1_800...2_200).contains(ones), "\(ones) heads in 4,000")
    }
}
