@testable import PavilionNet
import XCTest

/// Header lookups fold ASCII case only, keep arrival order and never match
/// names of another length or with other non-ASCII bytes.
final class HTTPHeadersTests: XCTestCase {
    func testLookupIgnoresASCIICaseAndKeepsOrder() {
        let headers: HTTPHeaders = ["Content-Type": "a", "X-Many": "1", "x-many": "2", "X-MANY": "3", "Host": "h"]
        XCTAssertEqual(headers["content-type"], "a")
        XCTAssertEqual(headers["CONTENT-TYPE"], "a")
        XCTAssertEqual(headers["x-Many"], "1")
        XCTAssertEqual(headers.values(for: "x-many"), ["1", "2", "3"])
        XCTAssertEqual(headers.values(for: "absent"), [])
        XCTAssertNil(headers["content-typ"])
        XCTAssertNil(headers["content-types"])
        XCTAssertNil(headers[""])
    }

    func testLookupFoldsOnlyASCIILetters() {
        // "[" is 0x5B and "{" 0x7B: they differ by the case bit but are not letters.
        let headers: HTTPHeaders = ["x-[": "bracket", "Straße": "sharp-s", "É": "e-acute"]
        XCTAssertNil(headers["x-{"])
        XCTAssertEqual(headers["x-["], "bracket")
        XCTAssertEqual(headers["STRAßE"], "sharp-s")
        XCTAssertNil(headers["STRASSE"])
        XCTAssertNil(headers["é"])
        XCTAssertEqual(headers["É"], "e-acute")
    }

    func testReplaceAndRemoveMatchEveryCase() {
        var headers: HTTPHeaders = ["Cache-Control": "a", "cache-control": "b", "Other": "c"]
        headers.replace(name: "CACHE-CONTROL", value: "no-store")
        XCTAssertEqual(headers.values(for: "cache-control"), ["no-store"])
        headers.remove(name: "other")
        XCTAssertEqual(headers.count, 1)
        XCTAssertFalse(headers.contains("Other"))
    }

    func testSubstringBackedNamesCompareLikeNativeOnes() {
        // Strings built from substrings and from bytes take the same paths.
        let line = "prefix X-Trace suffix"
        let name = String(line.split(separator: " ")[1])
        let headers = HTTPHeaders([(name, "t"), (String(decoding: Array("Accept".utf8), as: UTF8.self), "json")])
        XCTAssertEqual(headers["x-trace"], "t")
        XCTAssertEqual(headers["ACCEPT"], "json")
    }
}
