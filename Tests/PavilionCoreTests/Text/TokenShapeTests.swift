import PavilionCore
import XCTest

final class TokenShapeTests: XCTestCase {
    func testTokens() {
        for good in ["a", "kyc.onboarding", "gdpr-6-1-c", "A1:b+c_d", String(repeating: "x", count: 128)] {
            XCTAssertTrue(TokenShape.isToken(good), good)
        }
        for bad in ["", ".a", "-a", "a b", "a/b", "é", String(repeating: "x", count: 129)] {
            XCTAssertFalse(TokenShape.isToken(bad), bad)
        }
        XCTAssertFalse(TokenShape.isToken("abcd", maxLength: 3))
    }

    func testIdentifiersAndSlugs() {
        XCTAssertTrue(TokenShape.isIdentifier("req_AB-12"))
        XCTAssertTrue(TokenShape.isIdentifier("-leading-is-fine"))
        XCTAssertFalse(TokenShape.isIdentifier("a.b"))
        XCTAssertFalse(TokenShape.isIdentifier(String(repeating: "x", count: 129)))
        XCTAssertTrue(TokenShape.isSlug("acme-bank"))
        XCTAssertTrue(TokenShape.isSlug("0day"))
        for bad in ["", "-acme", "Acme", "acme_bank", String(repeating: "a", count: 64)] {
            XCTAssertFalse(TokenShape.isSlug(bad), bad)
        }
    }
}
