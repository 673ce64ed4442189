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
            XCTAssertEqual(try AESGCM.seal(plaintext, key: key, nonce: nonce, aad: aad), expected, name)
            XCTAssertEqual(try AESGCM.open(expected, key: key, nonce: nonce, aad: aad), plaintext, name)
        }
    }

    func testAlteredCiphertextTagOrAADIsRefused() throws {
        let key = try SecureRandom.bytes(32), nonce = try SecureRandom.bytes(12)
        let sealed = try AESGCM.seal(Array("secret".utf8), key: key, nonce: nonce, aad: [1, 2, 3])
        for index in sealed.indices {
            var altered = sealed
            altered[index] ^= 0x01
            XCTAssertThrowsError(try AESGCM.open(altered, key: key, nonce: nonce, aad: [1, 2, 3]), "byte \(index)") { error in
                XCTAssertEqual((error as? CryptoError)?.reason, "authentication failed")
            }
        }
        XCTAssertThrowsError(try AESGCM.open(sealed, key: key, nonce: nonce, aad: [1, 2, 4]))
        XCTAssertThrowsError(try AESGCM.open(sealed, key: try SecureRandom.bytes(32), nonce: nonce, aad: [1, 2, 3]))
        XCTAssertThrowsError(try AESGCM.open(Array(sealed.prefix(15)), key: key, nonce: nonce), "shorter than a tag")
    }

    func testWrongKeyAndNonceLengthsAreRefused() {
        XCTAssertThrowsError(try AESGCM.seal([1], key: [UInt8](repeating: 0, count: 31), nonce: [UInt8](repeating: 0, count: 12)))
        XCTAssertThrowsError(try AESGCM.seal([1], key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 8)))
    }
}
