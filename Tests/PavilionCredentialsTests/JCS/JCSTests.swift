import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionTestSupport
import XCTest

final class JCSTests: XCTestCase {
    private func fixture(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: TestEnvironment.fixtures("jcs").appendingPathComponent(path)))
    }

    func testReferenceInputsCanonicaliseToReferenceOutputs() throws {
        for name in ["arrays", "french", "structures", "unicode", "values", "weird"] {
            let input = try fixture("input/\(name).json")
            let expected = try fixture("output/\(name).json")
            let actual = try JCS.canonicalize(jsonText: input)
            XCTAssertEqual(String(decoding: actual, as: UTF8.self), String(decoding: expected, as: UTF8.self), name)
            XCTAssertEqual(actual, expected, name)
        }
    }

    func testRFC8785AppendixBNumbers() throws {
        let lines = String(decoding: try fixture("es6-numbers-sample.txt"), as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, 26)
        for line in lines {
            let parts = line.split(separator: ",")
            let bits = try XCTUnwrap(UInt64(parts[0], radix: 16))
            XCTAssertEqual(try ECMAScriptNumber.string(Double(bitPattern: bits)), String(parts[1]), String(line))
        }
    }

    /// Regenerates the reference file's first lines (testdata/README.md) and
    /// compares the SHA-256 of our output with the published checksum.
    func testReferenceNumberSequenceMatchesPublishedChecksums() throws {
        let statics = String(decoding: try fixture("es6testfile-static-values.txt"), as: UTF8.self)
            .split(separator: "\n").compactMap { UInt64($0, radix: 16) }
        XCTAssertEqual(statics.count, 168)
        var block = [UInt8](repeating: 0, count: 32)
        var pending: [Double] = []
        var text: [UInt8] = []
        text.reserveCapacity(4_100_000)
        var firstMismatchReport: String?
        for index in 0..<100_000 {
            var value: Double
            if index < statics.count {
                value = Double(bitPattern: statics[index])
            } else if index < statics.count + 2000 {
                value = Double(bitPattern: 0x0010_0000_0000_0000 + UInt64(index - statics.count))
            } else {
                value = 0
                while value == 0 || !value.isFinite {
                    if pending.isEmpty {
                        block = SHA256.hash(block)
                        pending = (0..<4).map { j in
                            var bits: UInt64 = 0
                            for b in 0..<8 { bits |= UInt64(block[8 * j + b]) << (8 * UInt64(b)) }
                            return Double(bitPattern: bits)
                        }
                    }
                    value = pending.removeFirst()
                }
            }
            let serialised = try ECMAScriptNumber.string(value)
            if firstMismatchReport == nil, let reread = Double(serialised), reread != value, !(value == 0 && reread == 0) {
                firstMismatchReport = "\(String(value.bitPattern, radix: 16)) -> \(serialised) does not read back"
            }
            text += Array("\(String(value.bitPattern, radix: 16)),\(serialised)\n".utf8)
            if index == 9_999 {
                XCTAssertEqual(SHA256.hex(text), "b9f7a8e75ef22a835685a52ccba7f7d6bdc99e34b010992cbc5864cd12be6892", "first 10 000 lines")
            }
        }
        XCTAssertNil(firstMismatchReport)
        XCTAssertEqual(SHA256.hex(text), "22776e6d4b49fa294a0d0f349268e5c28808fe7e0cb2bcbe28f63894e494d4c7", "first 100 000 lines")
    }

    func testIntegersAreSerialisedAsTheirDouble() throws {
        XCTAssertEqual(try JCS.canonicalString(.int(0)), "0")
        XCTAssertEqual(try JCS.canonicalString(.int(-42)), "-42")
        XCTAssertEqual(try JCS.canonicalString(.int(9_007_199_254_740_992)), "9007199254740992")
        XCTAssertEqual(try JCS.canonicalString(.int(-9_007_199_254_740_992)), "-9007199254740992")
        // A double beyond 2^53 is what ES6 says, even though it reads back as another integer.
        XCTAssertEqual(try JCS.canonicalString(.double(0x1p62)), "4611686018427388000")
        XCTAssertEqual(try JCS.canonicalString(.double(1e21)), "1e+21")
        XCTAssertEqual(try JCS.canonicalString(.double(-0.0)), "0")
        XCTAssertEqual(try JCS.canonicalString(.double(100)), "100")
    }

    func testIntegersADoubleCannotHoldAreRefused() {
        XCTAssertJCSError(try JCS.canonicalize(.int(9_007_199_254_740_993)), .inexactInteger)
        XCTAssertJCSError(try JCS.canonicalize(.int(Int64.max)), .inexactInteger)
        XCTAssertJCSError(try JCS.canonicalize(.int(1 << 62)), .inexactInteger, "exact as a double, but its ES6 text is not")
        XCTAssertJCSError(try JCS.canonicalize(.int(Int64.min)), .inexactInteger)
        XCTAssertJCSError(try JCS.canonicalize(jsonText: Array("[9007199254740993]".utf8)), .inexactInteger)
    }

    func testNonFiniteNumbersAreRefused() {
        XCTAssertJCSError(try JCS.canonicalize(.double(.nan)), .nonFiniteNumber)
        XCTAssertJCSError(try JCS.canonicalize(.array([.double(.infinity)])), .nonFiniteNumber)
        XCTAssertJCSError(try JCS.canonicalize(.double(-.infinity)), .nonFiniteNumber)
    }

    func testBadJSONIsRefused() {
        for bad in ["{\"a\":1,\"a\":2}", "{\"a\":1", "", "[1,]", "\"\u{7}\""] {
            XCTAssertJCSError(try JCS.canonicalize(jsonText: Array(bad.utf8)), .invalidJSON, bad)
        }
        XCTAssertJCSError(try JCS.canonicalize(jsonText: [0x22, 0xFF, 0x22]), .invalidJSON, "invalid UTF-8")
    }

    func testKeysSortByUTF16CodeUnitsNotScalars() throws {
        // U+1F600 is D83D DE00 in UTF-16 and sorts before U+FB33; by scalar it would sort after.
        let value: JSONValue = .object(["\u{FB33}": 1, "\u{1F600}": 2, "\u{80}": 3])
        XCTAssertEqual(try JCS.canonicalString(value), "{\"\u{80}\":3,\"\u{1F600}\":2,\"\u{FB33}\":1}")
    }

    func testControlCharactersAreEscapedInLowerCase() throws {
        XCTAssertEqual(try JCS.canonicalString(.string("\u{1F}\u{0F}\u{7F}/\u{08}\u{0C}")), "\"\\u001f\\u000f\u{7F}/\\b\\f\"")
    }
}

func XCTAssertJCSError<T>(_ expression: @autoclosure () throws -> T, _ code: JCSError.Code, _ message: String = "",
                          file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try expression(), message, file: file, line: line) { error in
        XCTAssertEqual((error as? JCSError)?.code, code, "\(message) — \(error)", file: file, line: line)
    }
}
