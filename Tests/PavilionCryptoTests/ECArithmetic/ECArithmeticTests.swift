import PavilionCrypto
import XCTest

/// ECGroup, ECPoint, ECScalar and ECFieldElement over OpenSSL's EC_POINT and BN_*.
final class ECArithmeticTests: XCTestCase {
    private let curves: [ECCurve] = [.p256, .p384]

    private func scalar(_ value: UInt64, _ group: ECGroup) throws -> ECScalar { try ECScalar(value, in: group) }

    func testGeneratorEncodesToTheStandardCoordinates() throws {
        let group = try ECGroup.named(.p256)
        // SEC 2 / FIPS 186-4 P-256 base point x.
        XCTAssertEqual(Hex.encode(try group.generator.sec1()),
                       "036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296")
        let p384 = try ECGroup.named(.p384)
        XCTAssertEqual(try p384.generator.sec1().count, 49)
        XCTAssertEqual(try p384.generator.sec1(compressed: false).count, 97)
        XCTAssertEqual(group.order.description, "0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
    }

    func testPointsRoundTripThroughCompressedAndUncompressedSEC1() throws {
        for curve in curves {
            let group = try ECGroup.named(curve)
            let point = try group.generatorMultiplied(by: try ECScalar.random(in: group))
            XCTAssertEqual(try ECPoint(sec1: try point.sec1(), in: group), point)
            XCTAssertEqual(try ECPoint(sec1: try point.sec1(compressed: false), in: group), point)
        }
    }

    func testDecodingRefusesIdentityWrongFormsAndPointsOffTheCurve() throws {
        let group = try ECGroup.named(.p256)
        var uncompressed = try group.generator.sec1(compressed: false)
        var hybrid = uncompressed
        hybrid[0] = 0x06
        uncompressed[64] ^= 0x01  // y + 1: off the curve
        let xTooLarge = [0x02] + [UInt8](repeating: 0xFF, count: 32)
        // Compressed points whose x has no y: try small x until one fails on the curve equation.
        var noY: [UInt8]?
        for x in UInt8(1)...UInt8(50) where (try? ECPoint(sec1: [0x02] + [UInt8](repeating: 0, count: 31) + [x], in: group)) == nil {
            noY = [0x02] + [UInt8](repeating: 0, count: 31) + [x]
            break
        }
        for bad in [[], [0x00], hybrid, uncompressed, xTooLarge, Array(try group.generator.sec1().dropLast()),
                    try group.generator.sec1() + [0], try XCTUnwrap(noY)] {
            XCTAssertThrowsError(try ECPoint(sec1: bad, in: group), "accepted \(Hex.encode(bad))") { error in
                XCTAssertTrue(error is CryptoError)
            }
        }
    }

    func testIdentityBehavesAndHasNoEncoding() throws {
        let group = try ECGroup.named(.p384)
        let g = group.generator
        let sum = try g.adding(try g.negated())
        XCTAssertTrue(sum.isIdentity)
        XCTAssertEqual(sum, try group.identity())
        XCTAssertThrowsError(try sum.sec1()) { XCTAssertEqual(($0 as? CryptoError)?.call, "EC_POINT_point2oct") }
        XCTAssertThrowsError(try sum.affineCoordinates())
        XCTAssertEqual(try sum.adding(g), g)
    }

    func testScalarMultiplicationIsLinear() throws {
        for curve in curves {
            let group = try ECGroup.named(curve)
            let a = try ECScalar.random(in: group), b = try ECScalar.random(in: group)
            let lhs = try group.generatorMultiplied(by: try a.adding(b))
            XCTAssertEqual(lhs, try group.generatorMultiplied(by: a).adding(try group.generatorMultiplied(by: b)))
            let p = try group.generatorMultiplied(by: b)
            XCTAssertEqual(try p.multiplied(by: a), try group.generatorMultiplied(by: try a.multiplied(by: b)))
            XCTAssertEqual(try ECPoint.linearCombination(a, b, p), try group.generatorMultiplied(by: a).adding(try p.multiplied(by: b)))
            let minusOne = try scalar(1, group).negated()
            XCTAssertEqual(try group.generatorMultiplied(by: minusOne), try group.generator.negated())
        }
    }

    func testScalarArithmeticModTheOrder() throws {
        for curve in curves {
            let group = try ECGroup.named(curve)
            let k = try ECScalar.random(in: group)
            XCTAssertFalse(k.isZero)
            XCTAssertEqual(try k.multiplied(by: try k.inverted()), try scalar(1, group))
            XCTAssertTrue(try k.subtracting(k).isZero)
            XCTAssertTrue(try k.adding(try k.negated()).isZero)
            XCTAssertEqual(try ECScalar(bigEndian: k.bigEndianBytes(), in: group), k)
            XCTAssertThrowsError(try scalar(0, group).inverted())
        }
    }

    func testScalarDecodingRefusesNonCanonicalValues() throws {
        let group = try ECGroup.named(.p256)
        let n = try group.order.bigEndianBytes(paddedTo: 32)
        let nMinusOne = try group.order.subtracting(BigNumber(1)).bigEndianBytes(paddedTo: 32)
        XCTAssertNoThrow(try ECScalar(bigEndian: nMinusOne, in: group))
        for bad in [n, [UInt8](repeating: 0xFF, count: 32), [UInt8](repeating: 0, count: 31), [UInt8](repeating: 0, count: 33)] {
            XCTAssertThrowsError(try ECScalar(bigEndian: bad, in: group), "accepted \(Hex.encode(bad))")
        }
        XCTAssertTrue(try ECScalar(reducing: n, in: group).isZero)
        XCTAssertFalse(try ECScalar.random(in: group).description.contains("0x"))
    }

    func testFieldArithmeticForTheSSWUMap() throws {
        let group = try ECGroup.named(.p256)
        let x = try ECFieldElement(reducing: try SecureRandom.bytes(48), in: group)
        let square = try x.squared()
        XCTAssertTrue(try square.isSquare())
        let root = try square.squareRoot3Mod4()
        let minusX = try x.negated()
        XCTAssertTrue(root == x || root == minusX)
        // Z = -10 is the suite's non-square.
        let z = try ECFieldElement(10, in: group).negated()
        XCTAssertFalse(try z.isSquare())
        XCTAssertThrowsError(try z.squareRoot3Mod4())
        let (isSquare, y) = try ECFieldElement.sqrtRatio(square, try ECFieldElement(1, in: group), z: z)
        XCTAssertTrue(isSquare)
        XCTAssertEqual(try y.squared(), square)
        let (zIsSquare, zy) = try ECFieldElement.sqrtRatio(z, try ECFieldElement(1, in: group), z: z)
        XCTAssertFalse(zIsSquare)
        XCTAssertEqual(try zy.squared(), try z.multiplied(by: z))  // sqrt(Z·u/v) with u = Z
        XCTAssertTrue(try ECFieldElement(0, in: group).inverse0().isZero)
        XCTAssertEqual(try x.multiplied(by: try x.inverse0()), try ECFieldElement(1, in: group))
        XCTAssertTrue(try ECFieldElement(3, in: group).sign)
        XCTAssertFalse(try ECFieldElement(4, in: group).sign)
    }

    func testAffineCoordinatesRebuildThePoint() throws {
        let group = try ECGroup.named(.p384)
        let p = try group.generatorMultiplied(by: try ECScalar.random(in: group))
        let (x, y) = try p.affineCoordinates()
        XCTAssertEqual(try ECPoint(x: x, y: y), p)
        XCTAssertThrowsError(try ECPoint(x: x, y: try y.adding(try ECFieldElement(1, in: group))))
    }
}
