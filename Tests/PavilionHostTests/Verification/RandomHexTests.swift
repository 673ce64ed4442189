@testable import PavilionHost
import XCTest

final class RandomHexTests: XCTestCase {
    func testHexHasTwoLowercaseDigitsPerByteAndDiffersEachTime() throws {
        var seen = Set<String>()
        for count in [1, 8, 16, 64] {
            for _ in 0..<200 {  // crosses several refills of the 512-byte buffer
                let hex = try XCTUnwrap(RandomHex.make(bytes: count))
                XCTAssertEqual(hex.utf8.count, count * 2)
                XCTAssertTrue(hex.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }, hex)
                if count >= 8 { XCTAssertTrue(seen.insert(hex).inserted, "repeated \(hex)") }
            }
        }
    }

    func testCountsOutOfRangeAreRefused() {
        XCTAssertNil(RandomHex.make(bytes: 0))
        XCTAssertNil(RandomHex.make(bytes: 65))
    }

    func testEncodeMatchesKnownBytes() {
        XCTAssertEqual(RandomHex.encode([0x00, 0x09, 0x0a, 0xf0, 0xff][...]), "00090af0ff")
    }
}
