import Foundation
import PavilionTestSupport
import XCTest

/// `pavilion data validate`, driven through the real binary.
final class DataCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = try TestEnvironment.makeTemporaryDirectory("pavilion-data")
        try write("person.schema.json", """
            {"type": "object", "required": ["name"],
             "properties": {"name": {"type": "string", "minLength": 1}, "age": {"type": "integer", "minimum": 0}},
             "additionalProperties": false}
            """)
        try write("good.json", #"{"name": "Ada", "age": 36}"#)
        try write("bad.json", #"{"name": "", "age": -1, "extra": true}"#)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }

    func writeBytes(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: folder.appendingPathComponent(name))
    }

    func validate(_ arguments: [String], stdin: Data? = nil) throws -> TestEnvironment.ProcessResult {
        try TestEnvironment.run(TestEnvironment.pavilionBinary, ["data", "validate"] + arguments, in: folder, stdin: stdin)
    }

    func testValidFilesPrintNothingAndExitZero() throws {
        let result = try validate(["--schema", "person.schema.json", "good.json", "good.json"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("2 file(s) checked, 0 invalid"), result.stderr)
    }

    func testEachErrorIsPrintedAsFilePointerKeywordMessageAndExitsOne() throws {
        let result = try validate(["--schema", "person.schema.json", "good.json", "bad.json"])
        XCTAssertEqual(result.status, 1)
        let lines = result.stdout.split(separator: "\n").map(String.init).sorted()
        XCTAssertEqual(lines, [
            "bad.json: /age: /properties/age/minimum: -1 is not at least 0",
            "bad.json: /extra: /additionalProperties: no value is allowed here (false schema)",
            "bad.json: /name: /properties/name/minLength: string of 0 characters is shorter than 1",
        ])
        XCTAssertTrue(result.stderr.contains("2 file(s) checked, 1 invalid"), result.stderr)
    }

    func testDashReadsStandardInput() throws {
        let result = try validate(["--schema", "person.schema.json", "-"], stdin: Data(#"{"age": 1}"#.utf8))
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "<stdin>: : /required: required property \"name\" is missing\n")
    }

    func testUsageMistakesExitTwo() throws {
        XCTAssertEqual(try validate(["good.json"]).status, 2)
        XCTAssertEqual(try validate(["--schema", "person.schema.json"]).status, 2)
        XCTAssertEqual(try validate(["--schema", "-", "-"]).status, 2)
        XCTAssertEqual(try validate(["--schema", "person.schema.json", "--strict", "good.json"]).status, 2)
        let unknown = try TestEnvironment.run(TestEnvironment.pavilionBinary, ["data", "transform"], in: folder)
        XCTAssertEqual(unknown.status, 2)
    }

    func testInvalidSchemaIsReportedWithThePointerOfTheBadKeyword() throws {
        try write("broken.schema.json", #"{"properties": {"age": {"minimum": "zero"}}}"#)
        let result = try validate(["--schema", "broken.schema.json", "good.json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "broken.schema.json: /properties/age/minimum: schema error: minimum must be a number\n")
    }

    func testSchemaWithARefCycleIsRefusedQuickly() throws {
        try write("cycle.schema.json", ##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}"##)
        let result = try validate(["--schema", "cycle.schema.json", "good.json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.hasPrefix("cycle.schema.json: /$defs/"), result.stdout)
        XCTAssertTrue(result.stdout.contains("schema error: references loop back"), result.stdout)
    }

    func testUnparsableSchemaIsReportedWithItsPosition() throws {
        try write("truncated.schema.json", "{\"type\":\n  \"object\"")
        let result = try validate(["--schema", "truncated.schema.json", "good.json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.hasPrefix("truncated.schema.json:2:11: invalid JSON:"), result.stdout)
    }

    func testMissingFileIsReportedAndCountsAsInvalid() throws {
        let result = try validate(["--schema", "person.schema.json", "absent.json", "good.json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.hasPrefix("absent.json: cannot read:"), result.stdout)
        XCTAssertTrue(result.stderr.contains("2 file(s) checked, 1 invalid"), result.stderr)
    }

    // MARK: Hostile input

    func testDuplicateKeysAreRefusedWithTheirPosition() throws {
        try write("dup.json", "{\"name\": \"a\",\n \"name\": \"b\"}")
        let result = try validate(["--schema", "person.schema.json", "dup.json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "dup.json:2:2: invalid JSON: duplicate member name \"name\"\n")
    }

    func testDeepNestingIsRefused() throws {
        try write("deep.json", String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
        let result = try validate(["--schema", "person.schema.json", "deep.json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.hasPrefix("deep.json:1:129: invalid JSON: nesting deeper than 128"), result.stdout)
    }

    func testHugeNumberIsRefused() throws {
        try write("huge.json", #"{"name": "x", "age": 1e400}"#)
        let result = try validate(["--schema", "person.schema.json", "huge.json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "huge.json:1:22: invalid JSON: number out of range\n")
    }

    func testInvalidUTF8IsRefused() throws {
        try writeBytes("latin1.json", Array(#"{"name": "Jos"#.utf8) + [0xE9] + Array(#""}"#.utf8))
        let result = try validate(["--schema", "person.schema.json", "latin1.json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.hasPrefix("latin1.json:1:14: invalid JSON: invalid UTF-8"), result.stdout)
    }

    func testFormatAssertionIsOptIn() throws {
        try write("dated.schema.json", #"{"properties": {"born": {"format": "date"}}}"#)
        try write("dated.json", #"{"born": "1815-02-30"}"#)
        XCTAssertEqual(try validate(["--schema", "dated.schema.json", "dated.json"]).status, 0)
        let asserting = try validate(["--schema", "dated.schema.json", "--format-assertion", "dated.json"])
        XCTAssertEqual(asserting.status, 1)
        XCTAssertEqual(asserting.stdout, "dated.json: /born: /properties/born/format: \"1815-02-30\" is not a valid date\n")
    }
}
