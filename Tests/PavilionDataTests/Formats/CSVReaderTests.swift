import PavilionCore
import PavilionData
import XCTest

/// The RFC 4180 reader: the RFC's §2 examples, line ends, chunking, and
/// hostile input refused with a position.
final class CSVReaderTests: XCTestCase {
    func records(_ text: String, limits: CSVReader.Limits = CSVReader.Limits()) throws -> [[String]] {
        try records(bytes: Array(text.utf8), limits: limits)
    }

    func records(bytes: [UInt8], limits: CSVReader.Limits = CSVReader.Limits()) throws -> [[String]] {
        var reader = CSVReader(limits: limits)
        var out = try reader.read(bytes)
        out += try reader.finish()
        return out.map(\.fields)
    }

    func refusal(_ bytes: [UInt8], limits: CSVReader.Limits = CSVReader.Limits(),
                 file: StaticString = #filePath, line: UInt = #line) -> CSVError? {
        do {
            _ = try records(bytes: bytes, limits: limits)
            XCTFail("input was accepted", file: file, line: line)
            return nil
        } catch let error as CSVError {
            return error
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
            return nil
        }
    }

    func refusal(_ text: String, limits: CSVReader.Limits = CSVReader.Limits(),
                 file: StaticString = #filePath, line: UInt = #line) -> CSVError? {
        refusal(Array(text.utf8), limits: limits, file: file, line: line)
    }

    // MARK: RFC 4180 §2 examples

    func testRecordsAreSeparatedByCRLF() throws {
        XCTAssertEqual(try records("aaa,bbb,ccc\r\nzzz,yyy,xxx\r\n"), [["aaa", "bbb", "ccc"], ["zzz", "yyy", "xxx"]])
    }

    func testLastRecordMayLackALineBreak() throws {
        XCTAssertEqual(try records("aaa,bbb,ccc\r\nzzz,yyy,xxx"), [["aaa", "bbb", "ccc"], ["zzz", "yyy", "xxx"]])
    }

    func testHeaderLineIsReadAsARecord() throws {
        XCTAssertEqual(try records("field_name,field_name,field_name\r\naaa,bbb,ccc\r\nzzz,yyy,xxx\r\n").count, 3)
    }

    func testSpacesArePartOfAField() throws {
        XCTAssertEqual(try records(" aaa , bbb,ccc "), [[" aaa ", " bbb", "ccc "]])
    }

    func testQuotedFieldsAreUnquoted() throws {
        XCTAssertEqual(try records("\"aaa\",\"bbb\",\"ccc\"\r\nzzz,yyy,xxx"), [["aaa", "bbb", "ccc"], ["zzz", "yyy", "xxx"]])
    }

    func testLineBreaksInsideQuotesAreKept() throws {
        XCTAssertEqual(try records("\"aaa\",\"b\r\nbb\",\"ccc\"\r\nzzz,yyy,xxx"), [["aaa", "b\r\nbb", "ccc"], ["zzz", "yyy", "xxx"]])
    }

    func testDoubledQuotesInsideQuotesBecomeOne() throws {
        XCTAssertEqual(try records("\"aaa\",\"b\"\"bb\",\"ccc\""), [["aaa", "b\"bb", "ccc"]])
    }

    // MARK: Beyond the RFC

    func testLFLineEndsAreAccepted() throws {
        XCTAssertEqual(try records("a,b\nc,d\n"), [["a", "b"], ["c", "d"]])
    }

    func testEmptyFieldsAndTrailingCommaAreFields() throws {
        XCTAssertEqual(try records(",a,\r\n,,\r\n"), [["", "a", ""], ["", "", ""]])
    }

    func testEmptyInputHasNoRecords() throws {
        XCTAssertEqual(try records(""), [])
    }

    func testLeadingByteOrderMarkIsSkipped() throws {
        XCTAssertEqual(try records(bytes: [0xEF, 0xBB, 0xBF] + Array("a,b".utf8)), [["a", "b"]])
    }

    func testUnicodeFieldsSurvive() throws {
        XCTAssertEqual(try records("Zoë,Åsa,東京"), [["Zoë", "Åsa", "東京"]])
    }

    func testChunksMaySplitAnywhereIncludingInsideUTF8() throws {
        let text = Array("name,city\r\n\"O\"\"Brien\",Zürich\r\nÅsa,\"a,b\"\n".utf8)
        let whole = try records(bytes: text)
        for split in 1..<text.count {
            var reader = CSVReader()
            var out = try reader.read(text[..<split])
            out += try reader.read(text[split...])
            out += try reader.finish()
            XCTAssertEqual(out.map(\.fields), whole, "split at \(split)")
        }
    }

    func testFieldPositionsCountLinesInsideQuotesAndColumnsInScalars() throws {
        var reader = CSVReader()
        var out = try reader.read(Array("é,\"x\ny\",z\nq,r,s".utf8))
        out += try reader.finish()
        XCTAssertEqual(out[0].positions.map(\.description), ["1:1", "1:3", "2:4"])
        XCTAssertEqual(out[1].line, 3)
    }

    // MARK: Hostile input

    func testUnterminatedQuoteIsRefusedAtTheOpeningQuote() {
        let error = refusal("a,b\r\nc,\"never closed\r\nmore")
        XCTAssertEqual(error?.code, .unterminatedQuote)
        XCTAssertEqual(error.map { "\($0.line):\($0.column)" }, "2:3")
    }

    func testQuoteInsideUnquotedFieldIsRefused() {
        let error = refusal("a,b\"c\n")
        XCTAssertEqual(error?.code, .unexpectedQuote)
        XCTAssertEqual(error.map { "\($0.line):\($0.column)" }, "1:4")
    }

    func testTextAfterClosingQuoteIsRefused() {
        XCTAssertEqual(refusal("\"a\"b,c\n")?.code, .unexpectedQuote)
    }

    func testBareCarriageReturnIsRefused() {
        XCTAssertEqual(refusal("a,b\rc,d\r\n")?.code, .bareCarriageReturn)
        XCTAssertEqual(refusal("a,b\r")?.code, .bareCarriageReturn)
    }

    func testRaggedRowIsRefusedWithItsLine() {
        let error = refusal("a,b,c\n1,2,3\n4,5\n")
        XCTAssertEqual(error?.code, .raggedRow)
        XCTAssertEqual(error?.line, 3)
        XCTAssertTrue(error?.reason.contains("2 fields") ?? false)
    }

    func testEmptyLineInTheMiddleIsARaggedRow() {
        XCTAssertEqual(refusal("a,b\n\nc,d\n")?.code, .raggedRow)
    }

    func testInvalidUTF8IsRefusedAtTheByte() {
        let error = refusal(Array("ab,c\nd,e".utf8) + [0xFF] + Array("\n".utf8))
        XCTAssertEqual(error?.code, .invalidUTF8)
        XCTAssertEqual(error.map { "\($0.line):\($0.column)" }, "2:4")
    }

    func testBrokenSequenceIsReportedAtItsLeadByte() {
        let error = refusal(Array("ab,c".utf8) + [0xE2, 0x82, 0x41])
        XCTAssertEqual(error.map { "\($0.line):\($0.column)" }, "1:5")
    }

    func testOverlongAndSurrogateEncodingsAreRefused() {
        XCTAssertEqual(refusal([0xC0, 0xAF])?.code, .invalidUTF8)           // overlong '/'
        XCTAssertEqual(refusal([0xED, 0xA0, 0x80])?.code, .invalidUTF8)     // U+D800
        XCTAssertEqual(refusal([0xF4, 0x90, 0x80, 0x80])?.code, .invalidUTF8) // above U+10FFFF
    }

    func testTruncatedUTF8AtTheEndIsRefused() {
        XCTAssertEqual(refusal(Array("a,".utf8) + [0xC3])?.code, .invalidUTF8)
    }

    func testNulByteIsRefused() {
        let error = refusal(Array("a,b\nc,".utf8) + [0] + Array("d".utf8))
        XCTAssertEqual(error?.code, .nulByte)
        XCTAssertEqual(error.map { "\($0.line):\($0.column)" }, "2:3")
    }

    func testLimitsAreEnforced() {
        XCTAssertEqual(refusal("abcdef", limits: .init(maxFieldBytes: 5))?.code, .fieldTooLong)
        XCTAssertEqual(refusal("a,b,c", limits: .init(maxColumns: 2))?.code, .tooManyColumns)
        XCTAssertEqual(refusal("a\nb\nc\n", limits: .init(maxRecords: 2))?.code, .tooManyRecords)
        XCTAssertEqual(refusal("a,b,c\n", limits: .init(maxBytes: 4))?.code, .tooLarge)
    }

    func testHugeQuotedFieldIsStoppedAtTheLimitNotBuffered() {
        let bytes = [UInt8(ascii: "\"")] + [UInt8](repeating: UInt8(ascii: "x"), count: 100_000)
        let error = refusal(bytes, limits: .init(maxFieldBytes: 1000))
        XCTAssertEqual(error?.code, .fieldTooLong)
        XCTAssertEqual(error.map { "\($0.line):\($0.column)" }, "1:1")
    }

    func testReaderRepeatsItsErrorAfterRefusing() throws {
        var reader = CSVReader()
        XCTAssertThrowsError(try reader.read(Array("a\"".utf8)))
        XCTAssertThrowsError(try reader.read(Array("b\n".utf8))) { XCTAssertEqual(($0 as? CSVError)?.code, .unexpectedQuote) }
    }

    func testErrorsNeverQuoteFieldContents() {
        let error = refusal("name,secret\nAda,\"s3cr3t-value\nunterminated")
        XCTAssertFalse(error?.description.contains("s3cr3t") ?? true)
    }
}
