import Foundation
import PavilionCore
import XCTest

final class JSONParserTests: XCTestCase {
    private static let suite: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Fixtures/json/test_parsing")
    }()

    /// Pavilion's answers for the implementation-defined (`i_`) cases.
    private static let implementationDefined: [String: Bool] = [
        "i_number_double_huge_neg_exp.json": true,  // underflows to 0
        "i_number_huge_exp.json": false,  // overflows a Double
        "i_number_neg_int_huge_exp.json": false,
        "i_number_pos_double_huge_exp.json": false,
        "i_number_real_neg_overflow.json": false,
        "i_number_real_pos_overflow.json": false,
        "i_number_real_underflow.json": true,
        "i_number_too_big_neg_int.json": true,  // kept as a Double
        "i_number_too_big_pos_int.json": true,
        "i_number_very_big_negative_int.json": true,
        "i_structure_500_nested_arrays.json": false,  // deeper than 128
        "i_structure_UTF-8_BOM_empty_object.json": false,
    ]

    private func cases(prefix: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: Self.suite, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasPrefix(prefix) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// RFC 8259 says member names SHOULD be unique; Pavilion refuses
    /// duplicates on purpose (two parsers reading one document differently
    /// is a known attack), so these two "must accept" cases are refused.
    private static let refusedByPolicy: Set<String> = ["y_object_duplicated_key.json", "y_object_duplicated_key_and_value.json"]

    func testEveryMustAcceptCaseOfJSONTestSuiteParses() throws {
        let files = try cases(prefix: "y_")
        XCTAssertGreaterThan(files.count, 90)
        for file in files {
            let bytes = try Data(contentsOf: file)
            if Self.refusedByPolicy.contains(file.lastPathComponent) {
                XCTAssertThrowsError(try JSONParser().parse(bytes: bytes), file.lastPathComponent)
            } else {
                XCTAssertNoThrow(try JSONParser().parse(bytes: bytes), file.lastPathComponent)
            }
        }
    }

    func testEveryMustRefuseCaseOfJSONTestSuiteIsRefused() throws {
        let files = try cases(prefix: "n_")
        XCTAssertGreaterThan(files.count, 180)
        for file in files {
            let bytes = try Data(contentsOf: file)
            XCTAssertThrowsError(try JSONParser().parse(bytes: bytes), file.lastPathComponent)
        }
    }

    func testImplementationDefinedCasesFollowPavilionsChoices() throws {
        for file in try cases(prefix: "i_") {
            let name = file.lastPathComponent
            let bytes = try Data(contentsOf: file)
            let accepted = (try? JSONParser().parse(bytes: bytes)) != nil
            // Strings with invalid UTF-8 or lone surrogates are always refused.
            let expected = Self.implementationDefined[name] ?? false
            XCTAssertEqual(accepted, expected, name)
        }
    }

    func testDuplicateMemberNameIsRefusedWithItsPosition() {
        XCTAssertThrowsError(try JSONParser().parse("{\"a\": 1,\n \"a\": 2}")) { error in
            guard let error = error as? JSONParseError else { return XCTFail("wrong error type") }
            XCTAssertEqual(error.line, 2)
            XCTAssertEqual(error.column, 2)
            XCTAssertTrue(error.reason.contains("duplicate member name \"a\""), error.reason)
        }
    }

    func testNestingDeeperThanTheLimitIsRefused() {
        let deep = String(repeating: "[", count: 129) + String(repeating: "]", count: 129)
        XCTAssertThrowsError(try JSONParser().parse(deep))
        let ok = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        XCTAssertNoThrow(try JSONParser().parse(ok))
    }

    func testDocumentLargerThanTheLimitIsRefused() {
        let parser = JSONParser(limits: .init(maxDepth: 8, maxBytes: 10))
        XCTAssertThrowsError(try parser.parse("\"0123456789\""))
    }

    func testIntegersStayExactAndFractionsBecomeDoubles() throws {
        XCTAssertEqual(try JSONParser().parse("9007199254740993"), .int(9_007_199_254_740_993))
        XCTAssertEqual(try JSONParser().parse("-0.5e1"), .double(-5))
        XCTAssertEqual(try JSONParser().parse("[1, 2.5]"), .array([.int(1), .double(2.5)]))
    }

    func testEscapesAndSurrogatePairsDecode() throws {
        XCTAssertEqual(try JSONParser().parse(#""a\n\u00e9\ud83d\ude00""#), .string("a\né😀"))
        XCTAssertThrowsError(try JSONParser().parse(#""\ud83d""#))
    }

    func testSerialisationIsCompactSortedAndRoundTrips() throws {
        let value: JSONValue = ["b": [1, true, nil], "a": "x\"\u{01}", "c": .double(0.25)]
        XCTAssertEqual(value.serialized, #"{"a":"x\"\u0001","b":[1,true,null],"c":0.25}"#)
        XCTAssertEqual(try JSONParser().parse(value.serialized), value)
        XCTAssertEqual(try JSONParser().parse(value.prettySerialized), value)
    }
}
