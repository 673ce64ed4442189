import Foundation
@testable import PavilionStore
import XCTest

/// The bearer-token parser takes exactly `pvk_<16 hex>_<64 hex>`.
final class APIKeyTokenTests: XCTestCase {
    private let prefix = "0123456789abcdef"
    private let secret = String(repeating: "a1", count: 32)

    func testAWellFormedTokenParsesToItsPrefix() throws {
        let token = try XCTUnwrap(APIKeyToken.parse("pvk_\(prefix)_\(secret)"))
        XCTAssertEqual(token.prefix, prefix)
        XCTAssertEqual(token.text, "pvk_\(prefix)_\(secret)")
    }

    func testAGeneratedTokenParses() throws {
        let token = try APIKeyToken.generate()
        XCTAssertEqual(APIKeyToken.parse(token.text)?.prefix, token.prefix)
    }

    func testMalformedTokensAreRefused() {
        let bad = [
            "", "pvk", "pvk_", "pvk__", "pvk_\(prefix)", "pvk_\(prefix)_",
            "pvk_\(prefix)_\(secret)a", "pvk_\(prefix)_\(secret.dropLast())",  // secret too long, too short
            "pvk_\(prefix.dropLast())_\(secret)0", "pvk_\(prefix)0_\(secret.dropLast())",  // parts of the wrong length
            "pvx_\(prefix)_\(secret)", "PVK_\(prefix)_\(secret)", "pvk-\(prefix)_\(secret)", "pvk_\(prefix)-\(secret)",
            "pvk_\(prefix.uppercased())_\(secret)", "pvk_\(prefix)_\(secret.uppercased())",  // upper-case hex
            "pvk_\(prefix)_\(secret.dropLast())g", "pvk_012345678_abcdef_\(secret)",
            "pvk_\(prefix)_\(secret.dropLast(2))é",  // non-ASCII, same byte count
            " pvk_\(prefix)_\(secret.dropLast())",
        ]
        for text in bad { XCTAssertNil(APIKeyToken.parse(text), text) }
    }
}
