import Foundation
import PavilionCore
import PavilionCrypto
import PavilionData
import XCTest

/// `LineageGraph.serializedBytes` (the direct writer the host stores) is
/// byte for byte `json.serializedBytes`, for every kind of node and every
/// optional member present or absent, and parses back to the same graph.
final class LineageSerializationTests: XCTestCase {
    func assertSameBytes(_ graph: LineageGraph, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let direct = graph.serializedBytes
        XCTAssertEqual(String(decoding: direct, as: UTF8.self), String(decoding: graph.json.serializedBytes, as: UTF8.self), name,
                       file: file, line: line)
        XCTAssertEqual(try LineageGraph(json: JSONParser().parse(String(decoding: direct, as: UTF8.self))), graph, name, file: file, line: line)
    }

    func testTheFullSampleGraphSerialisesAlike() throws {
        try assertSameBytes(try LineageSample.graph(), "full sample")
    }

    func testFailuresSignaturesAndAbsentMembersSerialiseAlike() throws {
        try assertSameBytes(LineageSample.failuresGraph(), "failures and absent members")
    }

    func testTimestampsFormatAsRFC3339WithMilliseconds() {
        let cases: [(Int64, String)] = [
            (0, "1970-01-01T00:00:00.000Z"), (-1, "1969-12-31T23:59:59.999Z"), (1, "1970-01-01T00:00:00.001Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"), (1_772_355_600_125, "2026-03-01T09:00:00.125Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"), (-62_167_219_200_000, "0000-01-01T00:00:00.000Z"),
        ]
        for (ms, text) in cases {
            XCTAssertEqual(LineageTimestamp(millisecondsSinceEpoch: ms).description, text)
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            let ms = Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &generator)
            let t = LineageTimestamp(millisecondsSinceEpoch: ms)
            XCTAssertEqual(LineageTimestamp.parse(t.description), t, t.description)
        }
    }
}
