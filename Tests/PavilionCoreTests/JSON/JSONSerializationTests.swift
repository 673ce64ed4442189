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

    func testKeysSortByUTF16CodeUnitsWhenTheyShareLongPrefixes() {
        // Keys that tie on their first eight bytes, differ after them, end
        // early, hold NUL, or put U+E000/U+1F600 after a long common prefix.
        let keys = ["abcdefgh", "abcdefghi", "abcdefgh\u{0}", "abcdefgha", "abcdefgg", "abcdefg", "abcdefgh\u{E000}",
                    "abcdefgh\u{1F600}", "abcdefgh\u{FFFD}", "abcdefghé", "\u{0}", "", "ABCDEFGH", "abcdefgz"]
        let value = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.map { ($0, JSONValue.null) }))
        let expected = keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
        XCTAssertEqual(value.serialized, "{" + expected.map { JSONValue.string($0).serialized + ":null" }.joined(separator: ",") + "}")
    }

    func testRandomObjectsSerialiseWithKeysInUTF16Order() throws {
        // A fixed linear congruential generator: the same objects every run.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet: [Character] = ["a", "b", "z", "A", "_", "0", "\u{0}", "é", "\u{7FF}", "\u{E000}", "\u{FFFD}", "\u{1F600}", "\u{10FFFF}"]
        for _ in 0..<300 {
            var members: [String: JSONValue] = [:]
            for _ in 0..<(1 + next(12)) {
                let key = String((0..<next(14)).map { _ in alphabet[next(alphabet.count)] })
                members[key] = .int(Int64(next(100)))
            }
            let expected = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            let text = "{" + expected.map { key in
                JSONValue.string(key).serialized + ":" + (members[key]?.serialized ?? "")
            }.joined(separator: ",") + "}"
            XCTAssertEqual(JSONValue.object(members).serialized, text)
            XCTAssertEqual(try JSONParser().parse(text), JSONValue.object(members))
            var direct: [UInt8] = []
            JSONValue.serializeObject(members.map { (key: $0.key, value: $0.value) }.shuffled(), into: &direct)
            XCTAssertEqual(String(decoding: direct, as: UTF8.self), text)
        }
    }

    func testObjectFromMembersSerialisesLikeTheDictionary() {
        let members: [(key: String, value: JSONValue)] = [
            ("zeta", .int(1)), ("alpha", ["b": true, "a": .null]), ("\u{1F600}", "x"), ("\u{E000}", .array([])),
            ("", .object([:])), ("quote\"d", .double(0.5)),
        ]
        var out: [UInt8] = [UInt8(ascii: "[")]
        JSONValue.serializeObject(members, into: &out)
        XCTAssertEqual(String(decoding: out.dropFirst(), as: UTF8.self),
                       JSONValue.object(Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) })).serialized)
        var empty: [UInt8] = []
        JSONValue.serializeObject([], into: &empty)
        XCTAssertEqual(empty, Array("{}".utf8))
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
