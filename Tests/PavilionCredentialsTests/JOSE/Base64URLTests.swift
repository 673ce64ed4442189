import PavilionCredentials
import XCTest

final class Base64URLTests: XCTestCase {
    func testRoundTripsEveryLengthWithoutPadding() throws {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let text = Base64URL.encode(bytes)
            XCTAssertFalse(text.contains("="))
            XCTAssertFalse(text.contains("+") || text.contains("/"))
            XCTAssertEqual(try Base64URL.decode(text), bytes)
        }
        XCTAssertEqual(Base64URL.encode(Array("{\"alg\":\"ES256\"}".utf8)), "eyJhbGciOiJFUzI1NiJ9")
        XCTAssertEqual(Base64URL.encode([0xFB, 0xFF]), "-_8")
    }

    func testRefusesPaddingForeignCharactersBadLengthsAndTrailingBits() {
        for bad in ["eyJ=", "ey J", "a+b/", "abcde", "ab\n", "é", "-_9"] {
            XCTAssertJOSEError(try Base64URL.decode(bad), .invalidEncoding, bad)
        }
        XCTAssertEqual(try Base64URL.decode(""), [])
    }
}
