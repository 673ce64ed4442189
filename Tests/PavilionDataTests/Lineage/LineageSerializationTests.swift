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
        let sha = ContentDigester.sha256 { SHA256.hash($0) }
        var r = LineageRecorder(verificationID: "vrf_\u{1}\"quoted\\", connector: "kyc", connectorVersion: "2.0.0-rc.1",
                                startedAt: LineageTimestamp(millisecondsSinceEpoch: -1), digester: sha)
        r.recordRequest(requestID: "req", tenant: nil, purpose: "kyc ✓ 🎉", requestedClaims: [], subject: .null,
                        at: LineageTimestamp(millisecondsSinceEpoch: 0))
        r.recordPolicyDecision(permitted: false, lawfulBasis: nil, region: nil, allowedRegions: [], reasonCode: "residency_not_allowed",
                               at: LineageTimestamp(millisecondsSinceEpoch: 1))
        r.recordExchange(region: "eu", endpoint: "https://dp.example/x", index: 0, httpStatus: nil, responseBody: nil, errorCode: "timeout",
                         at: LineageTimestamp(millisecondsSinceEpoch: 2), duration: nil)
        r.recordExchange(region: "eu", endpoint: "https://dp.example/x", index: 1, httpStatus: 502, responseBody: [0xFF, 0x00],
                         signature: VerifiedResponseSignature(scheme: .httpMessageSignatures, keyID: "k\"1", algorithm: "ed25519",
                                                              coveredComponents: ["@status"], payload: []),
                         errorCode: nil, at: LineageTimestamp(millisecondsSinceEpoch: 3), duration: .microseconds(7))
        r.recordValidation(target: "output", schema: "s", document: ["a": 1],
                           errors: [ValidationError(instanceLocation: "/a", keyword: "type", message: "quoted 1"),
                                    ValidationError(instanceLocation: "", keyword: "required", message: "")],
                           at: LineageTimestamp(millisecondsSinceEpoch: 4))
        r.recordQuality(QualityReport(scores: [.completeness: 0.5], overall: 0.5, decision: .flag, reasons: []),
                        at: LineageTimestamp(millisecondsSinceEpoch: 5))
        r.recordMinimisation(MinimisationResult(claims: [:], withheld: ["w"], unavailable: ["u"], dropped: ["d", "e"]),
                             at: LineageTimestamp(millisecondsSinceEpoch: 6))
        try assertSameBytes(r.graph, "failures and absent members")
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
