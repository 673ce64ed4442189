import PavilionCore
import PavilionData
import XCTest

/// CSV mapped to the JSON data model: header → objects, typed columns.
final class CSVDecoderTests: XCTestCase {
    func decode(_ text: String, _ options: CSVDecoder.Options = CSVDecoder.Options()) throws -> JSONValue {
        try CSVDecoder(options: options).decode(Array(text.utf8))
    }

    func refusal(_ text: String, _ options: CSVDecoder.Options = CSVDecoder.Options(),
                 file: StaticString = #filePath, line: UInt = #line) -> CSVError? {
        do {
            _ = try decode(text, options)
            XCTFail("input was accepted", file: file, line: line)
            return nil
        } catch let error as CSVError {
            return error
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
            return nil
        }
    }

    func testHeaderRecordNamesTheObjectMembers() throws {
        let value = try decode("name,city\r\nAda,London\r\n\"Grace \"\"Amazing\"\" Hopper\",\"New York, NY\"\r\n")
        XCTAssertEqual(value, [["name": "Ada", "city": "London"], ["name": "Grace \"Amazing\" Hopper", "city": "New York, NY"]])
    }

    func testHeaderOnlyGivesAnEmptyArray() throws {
        XCTAssertEqual(try decode("a,b\r\n"), [])
    }

    func testExplicitNamesReadEveryRecordAsData() throws {
        let value = try decode("1,2\n3,4", .init(header: .names(["x", "y"]), columnTypes: ["x": .integer]))
        XCTAssertEqual(value, [["x": 1, "y": "2"], ["x": 3, "y": "4"]])
    }

    func testTypedColumnsConvertAndEmptyTypedFieldIsNull() throws {
        let options = CSVDecoder.Options(columnTypes: ["age": .integer, "score": .number, "member": .boolean])
        let value = try decode("name,age,score,member\nAda,36,1.5e2,true\nBob,,7,false\n", options)
        XCTAssertEqual(value, [["name": "Ada", "age": 36, "score": .double(150), "member": true],
                               ["name": "Bob", "age": nil, "score": 7, "member": false]])
    }

    func testUntypedFieldsStayStringsIncludingLeadingZeros() throws {
        XCTAssertEqual(try decode("zip,phone\n01234,+44 20\n"), [["zip": "01234", "phone": "+44 20"]])
    }

    func testBadTypedValueIsRefusedAtTheField() {
        let error = refusal("name,age\nAda,36\nBob,thirty\n", .init(columnTypes: ["age": .integer]))
        XCTAssertEqual(error?.code, .invalidValue)
        XCTAssertEqual(error.map { "\($0.line):\($0.column)" }, "3:5")
        XCTAssertTrue(error?.reason.contains("\"age\"") ?? false)
        XCTAssertFalse(error?.reason.contains("thirty") ?? true)
    }

    func testHugeAndMalformedNumbersAreRefused() {
        let options = CSVDecoder.Options(columnTypes: ["n": .number, "i": .integer])
        XCTAssertEqual(refusal("n,i\n1e400,1\n", options)?.code, .invalidValue)
        XCTAssertEqual(refusal("n,i\n1,99999999999999999999\n", options)?.code, .invalidValue)
        XCTAssertEqual(refusal("n,i\n1,007\n", options)?.code, .invalidValue)
        XCTAssertEqual(refusal("n,i\n.5,1\n", options)?.code, .invalidValue)
        XCTAssertEqual(refusal("n,i\nNaN,1\n", options)?.code, .invalidValue)
        XCTAssertEqual(refusal("n,i\n0x10,1\n", options)?.code, .invalidValue)
    }

    func testBooleanColumnAcceptsOnlyLowercaseTrueFalse() {
        XCTAssertEqual(refusal("b\nyes\n", .init(columnTypes: ["b": .boolean]))?.code, .invalidValue)
        XCTAssertEqual(refusal("b\nTRUE\n", .init(columnTypes: ["b": .boolean]))?.code, .invalidValue)
    }

    func testDuplicateHeaderNameIsRefused() {
        let error = refusal("field_name,field_name\na,b\n")
        XCTAssertEqual(error?.code, .badHeader)
        XCTAssertEqual(error?.column, 12)
    }

    func testEmptyHeaderNameIsRefused() {
        XCTAssertEqual(refusal("a,,c\n1,2,3\n")?.code, .badHeader)
    }

    func testTypedColumnMissingFromHeaderIsRefused() {
        XCTAssertEqual(refusal("a,b\n1,2\n", .init(columnTypes: ["c": .integer]))?.code, .badHeader)
    }

    func testEmptyInputIsRefusedWhenAHeaderIsExpected() {
        XCTAssertEqual(refusal("")?.code, .badHeader)
    }

    func testRecordWithFewerFieldsThanExplicitNamesIsRagged() {
        XCTAssertEqual(refusal("1,2\n", .init(header: .names(["a", "b", "c"])))?.code, .raggedRow)
    }

    func testStreamHandsBackObjectsAsRecordsComplete() throws {
        var stream = CSVDecoder().makeStream()
        XCTAssertEqual(try stream.read(Array("id\n1\n2".utf8)), [["id": "1"]])
        XCTAssertEqual(try stream.finish(), [["id": "2"]])
    }

    func testDecodedRowsValidateAgainstASchema() throws {
        let schema = try JSONSchema(try JSONParser().parse(
            #"{"type": "array", "items": {"required": ["name", "age"], "properties": {"age": {"type": "integer"}}}}"#))
        let rows = try decode("name,age\nAda,36\n", .init(columnTypes: ["age": .integer]))
        XCTAssertTrue(schema.isValid(rows))
    }
}
