import PavilionCrypto
import XCTest

/// `ECFixedBaseTable` agrees with the variable-base `EC_POINT_mul` on both curves.
final class ECFixedBaseTableTests: XCTestCase {
    func testTableMultiplicationEqualsVariableBaseMultiplication() throws {
        for curve in [ECCurve.p256, .p384] {
            let group = try ECGroup.named(curve)
            let base = try group.generatorMultiplied(by: try ECScalar.random(in: group))
            let table = try ECFixedBaseTable(base: base)
            for _ in 0..<20 {
                let k = try ECScalar.random(in: group)
                XCTAssertEqual(try table.multiply(k), try base.multiplied(by: k), "\(curve)")
            }
            XCTAssertTrue(try table.multiply(try ECScalar(0, in: group)).isIdentity, "0·B is the identity")
            XCTAssertEqual(try table.multiply(try ECScalar(1, in: group)), base)
        }
    }

    func testTableRefusesTheIdentityAndForeignScalars() throws {
        let p256 = try ECGroup.named(.p256)
        XCTAssertThrowsError(try ECFixedBaseTable(base: try p256.identity()))
        let table = try ECFixedBaseTable(base: p256.generator)
        XCTAssertThrowsError(try table.multiply(try ECScalar.random(in: try ECGroup.named(.p384))))
    }
}
