import Foundation
import PavilionCrypto
import PavilionTestSupport
import XCTest

final class AESGCMTests: XCTestCase {
    private func vectors() throws -> [[String: String]] {
        let data = try Data(contentsOf: TestEnvironment.fixtures("aes-gcm").appendingPathComponent("gcm-spec-vectors.json"))
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: String]])
        XCTAssertEqual(rows.count, 8)
        return rows
    }

    private func hex(_ row: [String: String], _ key: String) throws -> [UInt8] {
        try XCTUnwrap(Hex.decode(try XCTUnwrap(row[key])), key)
    }

    func testGCMSpecVectorsSealAndOpen() throws {
        for row in try vectors() {
            let name = row["name"] ?? "?"
            let key = try hex(row, "key"), nonce = try hex(row, "iv"), aad = try hex(row, "aad")
            let plaintext = try hex(row, "plaintext")
            let expected = try hex(row, "ciphertext") + hex(row, "tag")
            let box = try AESGCM.seal(plaintext, key: SecretBytes(copying: key), nonce: nonce, authenticating: aad)
            XCTAssertEqual(box.ciphertext + box.tag, expected, name)
            XCTAssertEqual(try AESGCM.open(box, key: SecretBytes(copying: key), authenticating: aad), plaintext, name)
        }
    }

    func testAlteredCiphertextTagOrAADIsRefused() throws {
        let key = try SecretBytes(randomCount: 32)
        let box = try AESGCM.seal(Array("secret".utf8), key: key, authenticating: [1, 2, 3])
        let sealed = box.ciphertext + box.tag
        for index in sealed.indices {
            var altered = sealed
            altered[index] ^= 0x01
            let changed = AESGCM.SealedBox(nonce: box.nonce, ciphertext: Array(altered.prefix(box.ciphertext.count)),
                                           tag: Array(altered.suffix(AESGCM.tagLength)))
            XCTAssertThrowsError(try AESGCM.open(changed, key: key, authenticating: [1, 2, 3]), "byte \(index)")
        }
        XCTAssertThrowsError(try AESGCM.open(box, key: key, authenticating: [1, 2, 4]))
        XCTAssertThrowsError(try AESGCM.open(box, key: try SecretBytes(randomCount: 32), authenticating: [1, 2, 3]))
        let shortTag = AESGCM.SealedBox(nonce: box.nonce, ciphertext: box.ciphertext, tag: Array(box.tag.prefix(15)))
        XCTAssertThrowsError(try AESGCM.open(shortTag, key: key), "shorter than a tag")
    }

    func testWrongKeyAndNonceLengthsAreRefused() {
        XCTAssertThrowsError(try AESGCM.seal([1], key: SecretBytes(copying: [UInt8](repeating: 0, count: 31)), nonce: [UInt8](repeating: 0, count: 12)))
        XCTAssertThrowsError(try AESGCM.seal([1], key: SecretBytes(copying: [UInt8](repeating: 0, count: 32)), nonce: [UInt8](repeating: 0, count: 8)))
    }
}
