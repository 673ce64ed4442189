import Foundation
import PavilionCrypto
import PavilionTestSupport
import XCTest

final class Ed25519Tests: XCTestCase {
    private struct Vector {
        var name: String
        var seed: [UInt8]
        var publicKey: [UInt8]
        var message: [UInt8]
        var signature: [UInt8]
    }

    private func rfc8032Vectors() throws -> [Vector] {
        let data = try Data(contentsOf: TestEnvironment.fixtures("crypto").appendingPathComponent("ed25519-rfc8032.json"))
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: String]])
        XCTAssertEqual(rows.count, 5)
        return try rows.map { row in
            func hex(_ key: String) throws -> [UInt8] { try XCTUnwrap(Hex.decode(try XCTUnwrap(row[key]))) }
            return Vector(name: row["name"] ?? "?", seed: try hex("secret_key"), publicKey: try hex("public_key"),
                          message: try hex("message"), signature: try hex("signature"))
        }
    }

    func testSigningMatchesRFC8032Vectors() throws {
        for v in try rfc8032Vectors() {
            let key = try Ed25519PrivateKey(seed: v.seed)
            XCTAssertEqual(try key.publicKey().rawRepresentation, v.publicKey, v.name)
            XCTAssertEqual(try key.signature(for: v.message), v.signature, v.name)
        }
    }

    func testVerificationAcceptsRFC8032Signatures() throws {
        for v in try rfc8032Vectors() {
            let publicKey = try Ed25519PublicKey(rawRepresentation: v.publicKey)
            XCTAssertTrue(publicKey.isValidSignature(v.signature, for: v.message), v.name)
        }
    }

    func testVerificationRefusesAlteredMessageSignatureAndKey() throws {
        let v = try XCTUnwrap(try rfc8032Vectors().first { $0.name == "TEST 3" })
        let publicKey = try Ed25519PublicKey(rawRepresentation: v.publicKey)
        var message = v.message
        message[0] ^= 1
        XCTAssertFalse(publicKey.isValidSignature(v.signature, for: message))
        var signature = v.signature
        signature[40] ^= 0x80
        XCTAssertFalse(publicKey.isValidSignature(signature, for: v.message))
        XCTAssertFalse(publicKey.isValidSignature(Array(v.signature.prefix(63)), for: v.message))
        XCTAssertFalse(publicKey.isValidSignature([UInt8](), for: v.message))
        let other = try Ed25519PrivateKey().publicKey()
        XCTAssertFalse(other.isValidSignature(v.signature, for: v.message))
    }

    func testGeneratedKeySignsVerifiesAndRoundTripsItsSeed() throws {
        let key = try Ed25519PrivateKey()
        let message = Array("checkpoint".utf8)
        let signature = try key.signature(for: message)
        XCTAssertTrue(try key.publicKey().isValidSignature(signature, for: message))
        var seed = try key.seedRepresentation()
        XCTAssertEqual(seed.count, 32)
        let restored = try Ed25519PrivateKey(seed: seed)
        ConstantTime.wipe(&seed)
        XCTAssertEqual(try restored.publicKey(), try key.publicKey())
        // Ed25519 is deterministic: the same key signs the same message alike.
        XCTAssertEqual(try restored.signature(for: message), signature)
        XCTAssertNotEqual(try Ed25519PrivateKey().publicKey(), try key.publicKey())
    }

    func testWrongLengthSeedAndPublicKeyAreRefused() {
        XCTAssertThrowsError(try Ed25519PrivateKey(seed: [UInt8](repeating: 1, count: 31))) { error in
            XCTAssertEqual((error as? CryptoError)?.call, "EVP_PKEY_new_raw_private_key")
        }
        XCTAssertThrowsError(try Ed25519PrivateKey(seed: []))
        XCTAssertThrowsError(try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 33)))
    }
}
