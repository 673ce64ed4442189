import Foundation
import PavilionCrypto
import PavilionTestSupport
import XCTest

final class KDFTests: XCTestCase {
    private func rows(_ file: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: TestEnvironment.fixtures("crypto").appendingPathComponent(file))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    private func hex(_ row: [String: Any], _ key: String) throws -> [UInt8] {
        try XCTUnwrap(Hex.decode(try XCTUnwrap(row[key] as? String)), key)
    }

    func testHKDFMatchesRFC5869Vectors() throws {
        let vectors = try rows("hkdf-sha256-rfc5869.json")
        XCTAssertEqual(vectors.count, 3)
        for v in vectors {
            let okm = try HKDFSHA256.deriveKey(inputKeyMaterial: SecretBytes(copying: try hex(v, "ikm")), salt: try hex(v, "salt"),
                                               info: try hex(v, "info"), length: try XCTUnwrap(v["length"] as? Int))
            XCTAssertEqual(okm.copyBytes(), try hex(v, "okm"), v["name"] as? String ?? "?")
        }
    }

    func testHKDFRefusesOutOfRangeLengths() {
        let ikm = SecretBytes(copying: [1, 2, 3])
        XCTAssertThrowsError(try HKDFSHA256.deriveKey(inputKeyMaterial: ikm, length: 0))
        XCTAssertThrowsError(try HKDFSHA256.deriveKey(inputKeyMaterial: ikm, length: 255 * 32 + 1))
        XCTAssertEqual(try HKDFSHA256.deriveKey(inputKeyMaterial: ikm, length: 255 * 32).count, 255 * 32)
    }

    /// RFC 7518 Appendix C: ECDH-ES between Alice's ephemeral key and Bob's
    /// key, then the Concat KDF with "A128GCM", "Alice", "Bob" and 128 bits.
    func testECDHAndConcatKDFMatchRFC7518AppendixC() throws {
        let data = try Data(contentsOf: TestEnvironment.fixtures("jose").appendingPathComponent("rfc7518-appendix-c.json"))
        let v = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        func b64(_ s: Any?) throws -> [UInt8] {
            var t = try XCTUnwrap(s as? String).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while t.count % 4 != 0 { t += "=" }
            return Array(try XCTUnwrap(Data(base64Encoded: t)))
        }
        let alice = try XCTUnwrap(v["alice_ephemeral"] as? [String: Any])
        let bob = try XCTUnwrap(v["bob"] as? [String: Any])
        let alicePublic = try ECPublicKey(x: try b64(alice["x"]), y: try b64(alice["y"]), curve: .p256)
        let alicePrivate = try ECPrivateKey(privateScalar: try b64(alice["d"]), publicKey: alicePublic)
        let bobPublic = try ECPublicKey(x: try b64(bob["x"]), y: try b64(bob["y"]), curve: .p256)
        let bobPrivate = try ECPrivateKey(privateScalar: try b64(bob["d"]), publicKey: bobPublic)
        let z = try alicePrivate.sharedSecret(with: bobPublic)
        XCTAssertTrue(z.isEqual(to: try bobPrivate.sharedSecret(with: alicePublic)))
        XCTAssertEqual(z.copyBytes(), try XCTUnwrap(v["z"] as? [Int]).map { UInt8($0) })
        let otherInfo = ConcatKDF.joseOtherInfo(algorithmID: "A128GCM", partyUInfo: try b64(v["apu"]),
                                                partyVInfo: try b64(v["apv"]), keyDataLengthBits: 128)
        let derived = try ConcatKDF.deriveKey(sharedSecret: z, otherInfo: otherInfo, length: 16)
        XCTAssertEqual(derived.copyBytes(), try b64(v["derived_key"]))
    }
}
