import Foundation
import PavilionCrypto
import PavilionPrivacy
import PavilionTestSupport
import XCTest

/// RFC 9380 Appendix J.1.1 / J.2.1 (`P256_XMD:SHA-256_SSWU_RO_`,
/// `P384_XMD:SHA-384_SSWU_RO_`) and Appendix K (`expand_message_xmd`).
final class HashToCurveVectorTests: XCTestCase {
    private struct CurveFile: Decodable {
        struct Point: Decodable { let x: String; let y: String }
        struct Vector: Decodable { let P: Point; let Q0: Point; let Q1: Point; let msg: String; let u: [String] }
        let ciphersuite: String
        let dst: String
        let vectors: [Vector]
    }

    private struct ExpandFile: Decodable {
        struct Test: Decodable { let len_in_bytes: String; let msg: String; let uniform_bytes: String }
        let DST: String
        let hash: String
        let tests: [Test]
    }

    private func load<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        let url = TestEnvironment.fixtures("hash-to-curve").appendingPathComponent(name)
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    /// "0x…" to bytes left-padded to `length`.
    private func bytes(_ hex: String, length: Int) throws -> [UInt8] {
        let digits = hex.hasPrefix("0x") ? String(hex.dropFirst(2)) : hex
        let raw = try XCTUnwrap(Hex.decode(digits.count % 2 == 1 ? "0" + digits : digits))
        return [UInt8](repeating: 0, count: max(0, length - raw.count)) + raw
    }

    private func assertPoint(_ point: ECPoint, _ expected: CurveFile.Point, _ label: String,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let length = point.group.fieldElementLength
        let (x, y) = try point.affineCoordinates()
        XCTAssertEqual(Hex.encode(x.bigEndianBytes()), Hex.encode(try bytes(expected.x, length: length)), "\(label).x", file: file, line: line)
        XCTAssertEqual(Hex.encode(y.bigEndianBytes()), Hex.encode(try bytes(expected.y, length: length)), "\(label).y", file: file, line: line)
    }

    private func checkSuite(_ suite: HashToCurveSuite, file name: String) throws {
        let vectors = try load(CurveFile.self, name)
        XCTAssertEqual(vectors.ciphersuite, suite.identifier)
        XCTAssertEqual(vectors.vectors.count, 5)
        let dst = Array(vectors.dst.utf8)
        for vector in vectors.vectors {
            let msg = Array(vector.msg.utf8)
            let label = "\(suite.identifier) msg=\(vector.msg.prefix(16))"
            let u = try suite.hashToField(msg, dst: dst, count: 2)
            for i in 0..<2 {
                XCTAssertEqual(Hex.encode(u[i].bigEndianBytes()), Hex.encode(try bytes(vector.u[i], length: u[i].group.fieldElementLength)),
                               "\(label) u[\(i)]")
            }
            try assertPoint(try suite.mapToCurve(u[0]), vector.Q0, "\(label) Q0")
            try assertPoint(try suite.mapToCurve(u[1]), vector.Q1, "\(label) Q1")
            try assertPoint(try suite.hashToCurve(msg, dst: dst), vector.P, "\(label) P")
        }
    }

    /// `ECSimplifiedSWU` (PavilionCrypto's batch hash-to-curve, used by PSI)
    /// against the same vectors, from `expand_message_xmd`'s `2·L` bytes.
    private func checkBatchSuite(_ suite: HashToCurveSuite, zMagnitude: UInt64, file name: String) throws {
        let vectors = try load(CurveFile.self, name)
        let swu = try ECSimplifiedSWU(group: try suite.group(), zMagnitude: zMagnitude,
                                      fieldElementHashLength: suite.fieldElementHashLength)
        let dst = Array(vectors.dst.utf8)
        for vector in vectors.vectors {
            let uniform = try ExpandMessageXMD.expand(Array(vector.msg.utf8), dst: dst, length: 2 * suite.fieldElementHashLength,
                                                      digest: suite.digest)
            try assertPoint(try swu.hashToCurve(uniform: uniform), vector.P, "batch \(suite.identifier) msg=\(vector.msg.prefix(16)) P")
        }
        XCTAssertThrowsError(try swu.hashToCurve(uniform: [1, 2, 3]), "a wrong length is refused")
    }

    func testBatchHashToCurveMatchesRFC9380AppendixJForBothCurves() throws {
        try checkBatchSuite(.p256SHA256, zMagnitude: 10, file: "P256_XMD-SHA-256_SSWU_RO_.json")
        try checkBatchSuite(.p384SHA384, zMagnitude: 12, file: "P384_XMD-SHA-384_SSWU_RO_.json")
    }

    func testP256SHA256SSWURandomOracleMatchesRFC9380AppendixJ11() throws {
        try checkSuite(.p256SHA256, file: "P256_XMD-SHA-256_SSWU_RO_.json")
    }

    func testP384SHA384SSWURandomOracleMatchesRFC9380AppendixJ21() throws {
        try checkSuite(.p384SHA384, file: "P384_XMD-SHA-384_SSWU_RO_.json")
    }

    private func checkExpand(_ name: String, digest: DigestAlgorithm) throws {
        let vectors = try load(ExpandFile.self, name)
        XCTAssertFalse(vectors.tests.isEmpty)
        for test in vectors.tests {
            let length = try XCTUnwrap(Int(test.len_in_bytes.dropFirst(2), radix: 16))
            let out = try ExpandMessageXMD.expand(Array(test.msg.utf8), dst: Array(vectors.DST.utf8), length: length, digest: digest)
            XCTAssertEqual(Hex.encode(out), test.uniform_bytes, "\(name) msg=\(test.msg.prefix(16)) len=\(length)")
        }
    }

    func testExpandMessageXMDSHA256MatchesRFC9380AppendixK1() throws {
        try checkExpand("expand_message_xmd_SHA256_38.json", digest: .sha256)
    }

    func testExpandMessageXMDSHA256WithOversizeDSTMatchesRFC9380AppendixK2() throws {
        try checkExpand("expand_message_xmd_SHA256_256.json", digest: .sha256)
    }

    func testExpandMessageXMDSHA512MatchesRFC9380AppendixK3() throws {
        try checkExpand("expand_message_xmd_SHA512_38.json", digest: .sha512)
    }

    func testExpandMessageRefusesLengthsBeyondTheRFCLimits() {
        for length in [0, 65536, 255 * 32 + 1] {
            XCTAssertThrowsError(try ExpandMessageXMD.expand([], dst: [1], length: length, digest: .sha256)) { error in
                XCTAssertEqual((error as? HashToCurveError)?.code, .invalidLength, "length \(length)")
            }
        }
        XCTAssertEqual(try ExpandMessageXMD.expand([], dst: [1], length: 255 * 32, digest: .sha256).count, 255 * 32)
    }

    func testHashToCurveIsDeterministicAndDomainSeparated() throws {
        let suite = HashToCurveSuite.p256SHA256
        let a = try suite.hashToCurve(Array("alice@example.com".utf8), dst: Array("DST-A".utf8))
        XCTAssertEqual(a, try suite.hashToCurve(Array("alice@example.com".utf8), dst: Array("DST-A".utf8)))
        XCTAssertNotEqual(a, try suite.hashToCurve(Array("alice@example.com".utf8), dst: Array("DST-B".utf8)))
        XCTAssertFalse(a.isIdentity)
    }
}
