import PavilionCore
@testable import PavilionManifest
import XCTest

final class YAMLParserTests: XCTestCase {
    func parse(_ text: String) throws -> YAMLNode? {
        try YAMLParser(file: "t.yaml").parse(Array(text.utf8))
    }

    func diagnostics(_ text: String) -> [Diagnostic] {
        do {
            _ = try YAMLParser(file: "t.yaml").parse(Array(text.utf8))
            return []
        } catch {
            return error.diagnostics
        }
    }

    func scalarValue(_ text: String) throws -> YAMLScalar.Value? {
        try parse("v: \(text)\n")?.entries?.first?.value.scalar?.value
    }

    func testPlainScalarsResolveByTheYAML12CoreSchema() throws {
        XCTAssertEqual(try scalarValue("~"), .null)
        XCTAssertEqual(try scalarValue("null"), .null)
        XCTAssertEqual(try scalarValue(""), .null)
        XCTAssertEqual(try scalarValue("true"), .bool(true))
        XCTAssertEqual(try scalarValue("FALSE"), .bool(false))
        XCTAssertEqual(try scalarValue("42"), .int(42))
        XCTAssertEqual(try scalarValue("-7"), .int(-7))
        XCTAssertEqual(try scalarValue("+7"), .int(7))
        XCTAssertEqual(try scalarValue("017"), .int(17))
        XCTAssertEqual(try scalarValue("0o17"), .int(15))
        XCTAssertEqual(try scalarValue("0x1F"), .int(31))
        XCTAssertEqual(try scalarValue("1.5"), .float(1.5))
        XCTAssertEqual(try scalarValue(".5"), .float(0.5))
        XCTAssertEqual(try scalarValue("1e3"), .float(1000))
        XCTAssertEqual(try scalarValue("-.inf"), .float(-.infinity))
        XCTAssertEqual(try scalarValue("99999999999999999999"), .float(1e20))
    }

    func testYesNoOnOffAreStringsInYAML12() throws {
        for word in ["yes", "no", "on", "off", "Yes", "NO", "y", "n"] {
            XCTAssertEqual(try scalarValue(word), .string(word), word)
        }
    }

    func testQuotedAndBlockScalarsAreAlwaysStrings() throws {
        XCTAssertEqual(try scalarValue("\"42\""), .string("42"))
        XCTAssertEqual(try scalarValue("'true'"), .string("true"))
        XCTAssertEqual(try parse("v: |\n  null\n")?.entries?.first?.value.scalar?.value, .string("null\n"))
    }

    func testExplicitCoreTagsAreHonouredAndCheckedAgainstTheText() throws {
        XCTAssertEqual(try scalarValue("!!str 12"), .string("12"))
        XCTAssertEqual(try scalarValue("!!int \"12\""), .int(12))
        XCTAssertEqual(try scalarValue("!!float 3"), .float(3))
        XCTAssertTrue(diagnostics("v: !!int twelve\n").contains { $0.message.contains("not a valid value for its tag") })
        XCTAssertTrue(diagnostics("v: !!bool yes\n").contains { $0.message.contains("not a valid value for its tag") })
    }

    func testNodesAndKeysCarryOneBasedPositions() throws {
        let root = try XCTUnwrap(parse("# comment\na:\n  - x\n  - {b: 1}\n"))
        XCTAssertEqual(root.location.line, 2)
        XCTAssertEqual(root.location.column, 1)
        let entry = try XCTUnwrap(root.entries?.first)
        XCTAssertEqual(entry.key, "a")
        XCTAssertEqual(entry.keyLocation, SourceLocation(file: "t.yaml", line: 2, column: 1))
        let items = try XCTUnwrap(entry.value.items)
        XCTAssertEqual(items[0].location, SourceLocation(file: "t.yaml", line: 3, column: 5))
        let inner = try XCTUnwrap(items[1].entries?.first)
        XCTAssertEqual(inner.keyLocation, SourceLocation(file: "t.yaml", line: 4, column: 6))
        XCTAssertEqual(inner.value.location, SourceLocation(file: "t.yaml", line: 4, column: 9))
    }

    func testColumnsCountCharactersNotBytes() {
        let d = diagnostics("a: \"é\"\nb: [1\n")
        XCTAssertEqual(d.first?.location.line, 3)
        let utf8 = [UInt8]("a: é\nb: é".utf8) + [0xFF]
        XCTAssertThrowsError(try YAMLParser(file: "t.yaml").parse(utf8)) { error in
            let d = (error as? ManifestError)?.diagnostics.first
            XCTAssertEqual(d?.location.line, 2)
            XCTAssertEqual(d?.location.column, 5)
            XCTAssertEqual(d?.message, "invalid UTF-8")
        }
    }

    func testSyntaxErrorReportsLibyamlsProblemAndPosition() {
        let d = diagnostics("a: [1, 2\nb: c\n")
        XCTAssertEqual(d.count, 1)
        XCTAssertTrue(d.first?.message.hasPrefix("YAML syntax error: ") ?? false)
        XCTAssertEqual(d.first?.location.line, 2)
    }

    func testAliasesAreRefusedSoNoBillionLaughs() {
        let text = "a: &a [lol, lol]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n"
        let d = diagnostics(text)
        XCTAssertTrue(d.contains { $0.message.contains("aliases are not allowed") })
        XCTAssertTrue(d.contains { $0.message.contains("anchors are not allowed") })
    }

    func testDuplicateKeysAreRefusedEvenInNestedFlowMappings() {
        let d = diagnostics("a: {x: 1, y: 2, x: 3}\n")
        XCTAssertEqual(d.map(\.message), ["duplicate key 'x' (first written at line 1, column 5)"])
        XCTAssertEqual(d.first?.location.column, 17)
    }

    func testNonScalarKeysAreRefused() {
        XCTAssertTrue(diagnostics("? [a, b]\n: c\n").contains { $0.message.contains("mapping keys must be plain text") })
    }

    func testSecondDocumentIsRefused() {
        XCTAssertTrue(diagnostics("a: 1\n---\nb: 2\n").contains { $0.message.contains("exactly one YAML document") })
    }

    func testNonCoreTagsAreRefused() {
        XCTAssertTrue(diagnostics("a: !!binary aGVsbG8=\n").contains { $0.message.contains("tag 'tag:yaml.org,2002:binary' is not allowed") })
        XCTAssertTrue(diagnostics("%TAG !! tag:example.com,2000:\n---\na: !!str x\n").contains { $0.message.contains("is not allowed") })
    }

    func testNestingBeyondTheLimitIsRefusedWithoutRecursion() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let d = diagnostics(deep)
        XCTAssertEqual(d.first?.message, "nesting deeper than 64 levels")
        XCTAssertEqual(d.first?.location.column, 65)
    }

    func testFilesOverOneMebibyteAreRefused() {
        let big = [UInt8](repeating: UInt8(ascii: "#"), count: (1 << 20) + 1)
        XCTAssertThrowsError(try YAMLParser(file: "t.yaml").parse(big)) { error in
            XCTAssertTrue((error as? ManifestError)?.description.contains("at most 1048576 bytes") ?? false)
        }
    }

    func testEmptyAndCommentOnlyTextHasNoDocument() throws {
        XCTAssertNil(try parse(""))
        XCTAssertNil(try parse("# only a comment\n"))
    }

    func testSubtreeConvertsToJSON() throws {
        let root = try XCTUnwrap(parse("a: [1, 2.5, yes, ~, true, \"3\"]\nb: {c: d}\n"))
        let json = try root.jsonValue()
        XCTAssertEqual(json, ["a": [1, .double(2.5), "yes", nil, true, "3"], "b": ["c": "d"]])
    }

    func testInfinityCannotBecomeJSON() throws {
        let root = try XCTUnwrap(parse("a: .inf\n"))
        XCTAssertThrowsError(try root.jsonValue())
    }
}
