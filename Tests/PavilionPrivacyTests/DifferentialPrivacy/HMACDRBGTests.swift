import PavilionCrypto
import XCTest

final class HMACDRBGTests: XCTestCase {
    /// NIST CAVP DRBGVS `drbgvectors_no_reseed/HMAC_DRBG.rsp`, [SHA-256],
    /// PredictionResistance = False, no personalization, no additional
    /// input, COUNT = 0: the second 1024-bit Generate returns ReturnedBits.
    func testMatchesTheNISTKnownAnswer() {
        let drbg = HMACDRBG(entropy: Hex.decode("ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488") ?? [],
                            nonce: Hex.decode("659ba96c601dc69fc902940805ec0ca8") ?? [])
        _ = drbg.generate(128)
        XCTAssertEqual(Hex.encode(drbg.generate(128)),
                       "e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89d54fbb978a15b5c443c9ec21036d2460"
                       + "b6f73ebad0dc2aba6e624abf07745bc107694bb7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde0668"
                       + "961df86803482cb37ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8")
    }

    func testSameLabelGivesSameStreamAndOtherLabelsDiffer() throws {
        let a = HMACDRBG(label: "x"), b = HMACDRBG(label: "x"), c = HMACDRBG(label: "y")
        let wa = try (0..<300).map { _ in try a.nextUInt64() }
        let wb = try (0..<300).map { _ in try b.nextUInt64() }
        let wc = try (0..<300).map { _ in try c.nextUInt64() }
        XCTAssertEqual(wa, wb)
        XCTAssertNotEqual(wa, wc)
    }
}
