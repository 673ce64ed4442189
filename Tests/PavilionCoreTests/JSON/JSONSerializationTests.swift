import PavilionCore
import XCTest

final class JSONSerializationTests: XCTestCase {
    func testKeysSortByUTF16CodeUnitsEvenAcrossSurrogates() {
        // U+1F600 is a surrogate pair (0xD83D…) in UTF-16, so it sorts before
        // U+E000 and U+FFFD there, though its code point (and UTF-8) is larger.
        let keys = ["\u{FFFD}", "\u{1F600}", "\u{E000}", "z", "a", "é", "ab", ""]
        let value = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.map { ($0, JSONValue.bool(true)) }))
        let expected = keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
        let text = "{" + expected.map { "\"\($0)\":true" }.joined(separator: ",") + "}"
        XCTAssertEqual(value.serialized, text)
    }

    func testStringsEscapeQuotesBackslashesAndControlsOnly() {
        let value = JSONValue.string("a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}é😀/")
        XCTAssertEqual(value.serialized, #""a\"b\\c\n\r\t\b\f\u0001\u001fé😀/""#)
        XCTAssertEqual(value.serializedBytes, Array(value.serialized.utf8))
    }

    func testNumbersKeepTheirShortestForm() {
        let value: JSONValue = [.int(0), .int(7), .int(-12), .int(Int64.max), .double(2), .double(0.25), .double(-1e300), .double(.nan)]
        XCTAssertEqual(value.serialized, "[0,7,-12,9223372036854775807,2,0.25,-1e+300,null]")
    }

    func testPrettyFormIndentsByTwoSpaces() {
        let value: JSONValue = ["b": [1, 2], "a": [:], "c": []]
        XCTAssertEqual(value.prettySerialized, "{\n  \"a\": {},\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": []\n}")
    }
}
