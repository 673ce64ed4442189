import Foundation
@testable import PavilionStore
import XCTest

/// The canonical bytes an audit record's hash covers: netstrings
/// (`<decimal length>:<bytes>,`, `~` for absent), tag first.
final class AuditCanonicalFormTests: XCTestCase {
    /// The netstrings written independently of the store's encoder.
    private func netstrings(_ fields: [String?]) -> [UInt8] {
        Array(fields.map { field in field.map { "\($0.utf8.count):\($0)," } ?? "~" }.joined().utf8)
    }

    func testLengthsOfEveryWidthAreWrittenInDecimal() {
        let lengths = [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12_345]
        var fields: [String?] = lengths.map { String(repeating: "x", count: $0) }
        fields.append("é")  // two UTF-8 bytes: the length counts bytes
        while fields.count < AuditCanonicalForm.recordColumns.count { fields.append(nil) }
        let bytes = AuditCanonicalForm.recordBytes(fields)
        // Without artifacts the v1 form leaves the artifacts field out.
        var expected = fields
        expected.remove(at: AuditCanonicalForm.artifactsIndex)
        XCTAssertEqual(bytes, netstrings([AuditCanonicalForm.recordTag] + expected))
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains(",12345:xxx"))
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).hasSuffix(",2:é,~~~~~~"))
    }

    func testARecordWithArtifactsUsesTheV2TagAndKeepsTheField() {
        var fields = [String?](repeating: "v", count: AuditCanonicalForm.recordColumns.count)
        fields[AuditCanonicalForm.artifactsIndex] = "credential=ab"
        XCTAssertEqual(AuditCanonicalForm.recordBytes(fields), netstrings([AuditCanonicalForm.recordTagWithArtifacts] + fields))
    }
}
