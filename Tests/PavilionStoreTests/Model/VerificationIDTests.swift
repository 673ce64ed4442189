import Foundation
import PavilionStore
import XCTest

final class VerificationIDTests: XCTestCase {
    func testGeneratedIDsHaveThePrefixAndThirtyTwoHexDigits() throws {
        let id = try VerificationID.generate().rawValue
        XCTAssertTrue(id.hasPrefix("vrf_"), id)
        let hex = id.dropFirst(4)
        XCTAssertEqual(hex.count, 32)
        XCTAssertTrue(hex.allSatisfy { $0.isHexDigit && !$0.isUppercase }, id)
        XCTAssertNoThrow(try VerificationID(id))
    }

    func testLaterIDsSortLater() throws {
        let earlier = try VerificationID.generate(now: Date(timeIntervalSince1970: 1_700_000_000))
        let later = try VerificationID.generate(now: Date(timeIntervalSince1970: 1_700_000_000.001))
        XCTAssertLessThan(earlier.rawValue, later.rawValue)
        XCTAssertEqual(earlier.rawValue.dropFirst(4).prefix(12), "018bcfe56800")
    }

    func testIDsMadeInTheSameMillisecondDiffer() throws {
        let now = Date()
        let ids = try (0..<100).map { _ in try VerificationID.generate(now: now).rawValue }
        XCTAssertEqual(Set(ids).count, 100)
        XCTAssertEqual(Set(ids.map { $0.prefix(16) }).count, 1)
    }
}
