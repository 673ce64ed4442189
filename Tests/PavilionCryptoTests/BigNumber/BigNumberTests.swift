import PavilionCrypto
import XCTest

/// BigNumber over OpenSSL's BN_*: known values, refusals and secret handling.
final class BigNumberTests: XCTestCase {
    private func n(_ value: UInt64) throws -> BigNumber { try BigNumber(value) }

    func testBytesRoundTripWithoutLeadingZeros() throws {
        let value = try BigNumber(bigEndian: [0x00, 0x01, 0x02, 0xFF])
        XCTAssertEqual(value.bigEndianBytes, [0x01, 0x02, 0xFF])
        XCTAssertEqual(try value.bigEndianBytes(paddedTo: 6), [0, 0, 0, 0x01, 0x02, 0xFF])
        XCTAssertThrowsError(try value.bigEndianBytes(paddedTo: 2))
        XCTAssertEqual(value.bitWidth, 17)
        XCTAssertTrue(try BigNumber(bigEndian: []).isZero)
    }

    func testModularArithmeticKnownValues() throws {
        XCTAssertEqual(try n(4).power(try n(13), modulo: try n(497)), try n(445))  // the textbook example
        XCTAssertEqual(try n(3).inverse(modulo: try n(11)), try n(4))
        XCTAssertEqual(try n(12).greatestCommonDivisor(with: try n(18)), try n(6))
        XCTAssertEqual(try n(7).multiplied(by: try n(8), modulo: try n(10)), try n(6))
        let (q, r) = try n(100).quotientAndRemainder(dividingBy: try n(7))
        XCTAssertEqual(q, try n(14))
        XCTAssertEqual(r, try n(2))
        let negative = try n(3).subtracting(try n(5))
        XCTAssertTrue(negative.isNegative)
        XCTAssertEqual(try negative.modulo(try n(7)), try n(5))
    }

    func testNoInverseIsAnErrorNamingTheCall() throws {
        XCTAssertThrowsError(try n(6).inverse(modulo: try n(9))) { error in
            XCTAssertEqual((error as? CryptoError)?.call, "BN_mod_inverse")
        }
    }

    func testPrimality() throws {
        let mersenne127 = try BigNumber(bigEndian: [0x7F] + [UInt8](repeating: 0xFF, count: 15))  // 2^127 - 1
        XCTAssertTrue(try mersenne127.isProbablePrime())
        XCTAssertFalse(try mersenne127.adding(try n(2)).isProbablePrime())  // 2^127 + 1 is divisible by 3
        XCTAssertFalse(try n(561).isProbablePrime(), "a Carmichael number")
        let prime = try BigNumber.randomPrime(bits: 256)
        XCTAssertEqual(prime.bitWidth, 256)
        XCTAssertTrue(try prime.isProbablePrime())
    }

    func testSecretNumbersExponentiateTheSameInConstantTimeAndHideTheirValue() throws {
        let modulus = try BigNumber.randomPrime(bits: 512, secret: false)
        let base = try BigNumber.random(below: modulus)
        let exponent = try BigNumber.random(bits: 500)
        let secret = try exponent.markedSecret()
        XCTAssertTrue(secret.isSecret)
        XCTAssertEqual(try base.power(secret, modulo: modulus), try base.power(exponent, modulo: modulus))
        XCTAssertTrue(secret.description.hasPrefix("<secret"))
        XCTAssertTrue(exponent.description.hasPrefix("0x"))
    }

    func testRandomBelowStaysInRange() throws {
        let bound = try n(1_000)
        for _ in 0..<200 { XCTAssertLessThan(try BigNumber.random(below: bound), bound) }
    }
}
