import Foundation
import PavilionCrypto
import PavilionTestSupport
import XCTest

final class CipherTests: XCTestCase {
    private func rows(_ file: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: TestEnvironment.fixtures("crypto").appendingPathComponent(file))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    private func hex(_ row: [String: Any], _ key: String) throws -> [UInt8] {
        try XCTUnwrap(Hex.decode(try XCTUnwrap(row[key] as? String)), key)
    }

    func testAESGCMMatchesGCMSpecificationVectors() throws {
        let vectors = try rows("aes256-gcm-mcgrew-viega.json")
        XCTAssertEqual(vectors.count, 4)
        for v in vectors {
            let name = v["name"] as? String ?? "?"
            let key = SecretBytes(copying: try hex(v, "key"))
            let box = try AESGCM.seal(try hex(v, "plaintext"), key: key, nonce: try hex(v, "iv"), authenticating: try hex(v, "aad"))
            XCTAssertEqual(box.ciphertext, try hex(v, "ciphertext"), name)
            XCTAssertEqual(box.tag, try hex(v, "tag"), name)
            XCTAssertEqual(try AESGCM.open(box, key: key, authenticating: try hex(v, "aad")), try hex(v, "plaintext"), name)
        }
    }

    func testAESGCMRefusesTamperedCiphertextTagAADAndKey() throws {
        let key = try SecretBytes(randomCount: 32)
        let box = try AESGCM.seal(Array("attack at dawn".utf8), key: key, authenticating: [1, 2, 3])
        XCTAssertEqual(box.nonce.count, 12)
        var bad = box
        bad.ciphertext[0] ^= 1
        XCTAssertThrowsError(try AESGCM.open(bad, key: key, authenticating: [1, 2, 3])) { error in
            XCTAssertEqual((error as? CryptoError)?.call, "EVP_DecryptFinal_ex")
        }
        bad = box
        bad.tag[15] ^= 0x80
        XCTAssertThrowsError(try AESGCM.open(bad, key: key, authenticating: [1, 2, 3]))
        XCTAssertThrowsError(try AESGCM.open(box, key: key, authenticating: [1, 2]))
        XCTAssertThrowsError(try AESGCM.open(box, key: try SecretBytes(randomCount: 32), authenticating: [1, 2, 3]))
        bad = box
        bad.tag.removeLast()
        XCTAssertThrowsError(try AESGCM.open(bad, key: key, authenticating: [1, 2, 3]))
        XCTAssertThrowsError(try AESGCM.seal([1], key: try SecretBytes(randomCount: 31)))
        XCTAssertThrowsError(try AESGCM.seal([1], key: key, nonce: [UInt8](repeating: 0, count: 16)))
    }

    func testKeyWrapMatchesRFC3394Vectors() throws {
        let vectors = try rows("aes-keywrap-rfc3394.json")
        XCTAssertEqual(vectors.count, 6)
        for v in vectors {
            let name = v["name"] as? String ?? "?"
            let kek = SecretBytes(copying: try hex(v, "kek"))
            let wrapped = try AESKeyWrap.wrap(SecretBytes(copying: try hex(v, "key")), using: kek)
            XCTAssertEqual(wrapped, try hex(v, "wrapped"), name)
            XCTAssertEqual(try AESKeyWrap.unwrap(wrapped, using: kek).copyBytes(), try hex(v, "key"), name)
        }
    }

    func testKeyUnwrapRefusesTamperingAndBadLengths() throws {
        let kek = try SecretBytes(randomCount: 32)
        var wrapped = try AESKeyWrap.wrap(try SecretBytes(randomCount: 32), using: kek)
        wrapped[3] ^= 1
        XCTAssertThrowsError(try AESKeyWrap.unwrap(wrapped, using: kek))
        XCTAssertThrowsError(try AESKeyWrap.unwrap(Array(wrapped.prefix(20)), using: kek))
        XCTAssertThrowsError(try AESKeyWrap.wrap(SecretBytes(copying: [1, 2, 3]), using: kek))
    }
}
