import PavilionCore
import PavilionData
import XCTest

/// XML mapped to the JSON data model, and hostile documents refused:
/// entity expansion, external entities, depth, size, encodings.
final class XMLDecoderTests: XCTestCase {
    func decode(_ text: String, _ options: XMLDecoder.Options = XMLDecoder.Options()) throws -> JSONValue {
        try XMLDecoder(options: options).decode(Array(text.utf8))
    }

    func refusal(_ bytes: [UInt8], _ options: XMLDecoder.Options = XMLDecoder.Options(),
                 file: StaticString = #filePath, line: UInt = #line) -> XMLDataError? {
        do {
            let value = try XMLDecoder(options: options).decode(bytes)
            XCTFail("document was accepted as \(value.serialized)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func refusal(_ text: String, _ options: XMLDecoder.Options = XMLDecoder.Options(),
                 file: StaticString = #filePath, line: UInt = #line) -> XMLDataError? {
        refusal(Array(text.utf8), options, file: file, line: line)
    }

    // MARK: Mapping

    static let registry = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- a civil registry extract -->
        <registry source="civil" xmlns:x="urn:x">
          <person id="p1">
            <name>Ada Lovelace</name>
            <birthDate>1815-12-10</birthDate>
          </person>
          <person id="p2">
            <name>Grace &amp; <![CDATA[<Hopper>]]></name>
            <birthDate>1906-12-09</birthDate>
            <note lang="en">  likes <b>ships</b> a lot </note>
            <empty/>
          </person>
        </registry>
        """

    func testElementsBecomeObjectsAttributesAtNameAndRepeatsArrays() throws {
        let value = try decode(Self.registry)
        XCTAssertEqual(value, [
            "registry": [
                "@source": "civil",
                "@xmlns:x": "urn:x",
                "person": [
                    ["@id": "p1", "name": "Ada Lovelace", "birthDate": "1815-12-10"],
                    ["@id": "p2", "name": "Grace & <Hopper>", "birthDate": "1906-12-09",
                     "note": ["@lang": "en", "b": "ships", "#text": "likes  a lot"], "empty": ""],
                ],
            ],
        ])
    }

    func testLeafTextIsKeptExactlyAndNeverTyped() throws {
        XCTAssertEqual(try decode("<r><age> 036 </age></r>"), ["r": ["age": " 036 "]])
    }

    func testThreeRepeatsStayOneArrayInOrder() throws {
        XCTAssertEqual(try decode("<r><i>1</i><i>2</i><i>3</i></r>"), ["r": ["i": ["1", "2", "3"]]])
    }

    func testArrayElementsOptionMakesASingleOccurrenceAnArray() throws {
        let options = XMLDecoder.Options(arrayElements: ["person"])
        XCTAssertEqual(try decode("<r><person>a</person></r>", options), ["r": ["person": ["a"]]])
        XCTAssertEqual(try decode("<r><person>a</person><person>b</person></r>", options), ["r": ["person": ["a", "b"]]])
    }

    func testIncludeRootOffReturnsTheRootValue() throws {
        XCTAssertEqual(try decode("<r><a>1</a></r>", .init(includeRoot: false)), ["a": "1"])
    }

    func testCharacterReferencesAndPredefinedEntitiesAreResolved() throws {
        XCTAssertEqual(try decode("<r>&#xC5;&#229;&lt;&gt;&quot;&apos;</r>"), ["r": "Åå<>\"'"])
    }

    // MARK: Hostile documents

    func testBillionLaughsIsRefusedBeforeAnyExpansion() {
        let lol = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
             <!ENTITY lol "lol">
             <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
             <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
            ]>
            <lolz>&lol3;</lolz>
            """
        let error = refusal(lol)
        XCTAssertEqual(error?.code, .doctypeRefused)
        XCTAssertEqual(error.map { "\($0.line):\($0.column)" }, "2:1")
    }

    func testExternalEntityIsRefused() {
        let xxe = #"<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>"#
        XCTAssertEqual(refusal(xxe)?.code, .doctypeRefused)
    }

    func testExternalDTDIsRefused() {
        XCTAssertEqual(refusal(#"<!DOCTYPE r SYSTEM "http://example.invalid/r.dtd"><r/>"#)?.code, .doctypeRefused)
    }

    func testDoctypeAfterCommentsAndPIIsStillFound() {
        let error = refusal("<?xml version=\"1.0\"?>\n<!-- c -->\n<?pi x?>\n  <!DOCTYPE r []><r/>")
        XCTAssertEqual(error?.code, .doctypeRefused)
        XCTAssertEqual(error.map { "\($0.line):\($0.column)" }, "4:3")
    }

    func testUndeclaredEntityReferenceIsASyntaxErrorWithPath() {
        let error = refusal("<registry>\n<person/><person>\n<birthDate>&xxe;</birthDate></person></registry>")
        XCTAssertEqual(error?.code, .syntax)
        XCTAssertEqual(error?.path, "/registry/person[2]/birthDate")
        XCTAssertEqual(error?.line, 3)
        XCTAssertTrue(error?.reason.contains("undeclared entity") ?? false, error?.reason ?? "")
    }

    func testMismatchedEndTagIsRefusedWithPosition() {
        let error = refusal("<a>\n<b></c></a>")
        XCTAssertEqual(error?.code, .syntax)
        XCTAssertEqual(error?.line, 2)
        XCTAssertEqual(error?.path, "/a/b")
        XCTAssertTrue(error?.reason.contains("does not match") ?? false, error?.reason ?? "")
    }

    func testDeepNestingIsRefusedAtTheLimit() {
        let deep = String(repeating: "<a>", count: 65) + String(repeating: "</a>", count: 65)
        let error = refusal(deep)
        XCTAssertEqual(error?.code, .tooDeep)
        XCTAssertEqual(error?.path.split(separator: "/").count, 65)
        XCTAssertNoThrow(try decode(String(repeating: "<a>", count: 64) + String(repeating: "</a>", count: 64)))
    }

    func testOversizedDocumentIsRefusedBeforeParsing() {
        XCTAssertEqual(refusal("<r>0123456789</r>", .init(maxBytes: 10))?.code, .tooLarge)
    }

    func testInvalidUTF8IsRefusedAtTheByte() {
        let error = refusal(Array("<r>\n<n>ab".utf8) + [0xC3, 0x28] + Array("</n></r>".utf8))
        XCTAssertEqual(error?.code, .invalidUTF8)
        XCTAssertEqual(error.map { "\($0.line):\($0.column)" }, "2:6")
    }

    func testUTF16ByteOrderMarkIsRefusedAsInvalidUTF8() {
        XCTAssertEqual(refusal([0xFF, 0xFE] + Array("<\0r\0/\0>\0".utf8))?.code, .invalidUTF8)
    }

    func testOtherDeclaredEncodingIsRefused() {
        XCTAssertEqual(refusal("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>")?.code, .unsupportedEncoding)
    }

    func testEmptyAndTruncatedDocumentsAreRefused() {
        XCTAssertEqual(refusal("")?.code, .syntax)
        XCTAssertEqual(refusal("<r><a>")?.code, .syntax)
        XCTAssertEqual(refusal("<r/><s/>")?.code, .syntax)
    }

    func testErrorsNeverQuoteTheDocumentText() {
        let error = refusal("<r><secret>hunter2 &bad;</secret></r>")
        XCTAssertFalse(error?.description.contains("hunter2") ?? true)
    }

    func testDecodedDocumentValidatesAgainstASchema() throws {
        let schema = try JSONSchema(try JSONParser().parse(#"""
            {"properties": {"registry": {"properties": {"person": {"type": "array",
              "items": {"required": ["name", "birthDate"], "properties": {"birthDate": {"format": "date"}}}}}}}}
            """#), options: .init(formatAssertion: true))
        XCTAssertEqual(schema.validate(try decode(Self.registry)).map(\.message), [])
    }
}
