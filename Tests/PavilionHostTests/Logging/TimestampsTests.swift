import Foundation
@testable import PavilionHost
import XCTest

/// RFC 3339 UTC timestamps with milliseconds, as logs and answers carry them.
final class TimestampsTests: XCTestCase {
    func testTimestampsAreUTCWithThreeFractionDigits() {
        XCTAssertEqual(Timestamps.rfc3339(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(Timestamps.rfc3339(Date(timeIntervalSince1970: 951_782_400.5)), "2000-02-29T00:00:00.500Z")
        XCTAssertEqual(Timestamps.rfc3339(Date(timeIntervalSince1970: 1_767_225_599.25)), "2025-12-31T23:59:59.250Z")
    }

    func testTimesBefore1970BorrowASecondForTheMilliseconds() {
        XCTAssertEqual(Timestamps.rfc3339(Date(timeIntervalSince1970: -0.5)), "1969-12-31T23:59:59.500Z")
    }

    func testAppendWritesTwentyFourBytesAfterWhatIsThere() {
        var out = Array("ts=".utf8)
        Timestamps.append(Date(timeIntervalSince1970: 86_400), to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "ts=1970-01-02T00:00:00.000Z")
    }
}
