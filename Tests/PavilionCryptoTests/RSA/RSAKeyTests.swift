import Foundation
import PavilionCrypto
import XCTest

final class RSAKeyTests: XCTestCase {
    func testPKCS1AndPSSSignaturesVerifyOnlyUnderTheirScheme() throws {
        let key = try RSAPrivateKey(bitCount: 2048)
        XCTAssertEqual(key.publicKey.bitCount, 2048)
        let message = Array("payload".utf8)
        let pkcs1 = try key.signature(for: message, scheme: .pkcs1v15(.sha256))
        let pss = try key.signature(for: message, scheme: .pss(.sha256))
        XCTAssertEqual(pkcs1.count, 256)
        XCTAssertTrue(key.publicKey.isValidSignature(pkcs1, for: message, scheme: .pkcs1v15(.sha256)))
        XCTAssertTrue(key.publicKey.isValidSignature(pss, for: message, scheme: .pss(.sha256)))
        XCTAssertFalse(key.publicKey.isValidSignature(pkcs1, for: message, scheme: .pss(.sha256)))
        XCTAssertFalse(key.publicKey.isValidSignature(pss, for: message, scheme: .pkcs1v15(.sha256)))
        XCTAssertFalse(key.publicKey.isValidSignature(pkcs1, for: message, scheme: .pkcs1v15(.sha384)))
        XCTAssertFalse(key.publicKey.isValidSignature(pkcs1, for: Array("payloaD".utf8), scheme: .pkcs1v15(.sha256)))
        XCTAssertFalse(key.publicKey.isValidSignature(Array(pkcs1.dropFirst()), for: message, scheme: .pkcs1v15(.sha256)))
        // PKCS#1 v1.5 is deterministic; PSS is salted.
        XCTAssertEqual(try key.signature(for: message, scheme: .pkcs1v15(.sha256)), pkcs1)
        XCTAssertNotEqual(try key.signature(for: message, scheme: .pss(.sha256)), pss)
    }

    func testPublicKeyRoundTripsThroughComponentsDERAndPEM() throws {
        let key = try RSAPrivateKey(bitCount: 2048)
        let pub = key.publicKey
        XCTAssertEqual(pub.publicExponent, [0x01, 0x00, 0x01])
        XCTAssertEqual(try RSAPublicKey(modulus: pub.modulus, publicExponent: pub.publicExponent), pub)
        XCTAssertEqual(try RSAPublicKey(derRepresentation: pub.derRepresentation()), pub)
        XCTAssertEqual(try RSAPublicKey(pemRepresentation: pub.pemRepresentation()), pub)
        XCTAssertEqual(try RSAPrivateKey(pemRepresentation: key.pemRepresentation()).publicKey, pub)
    }

    func testKeysOutsideTheAllowedSizesAreRefused() throws {
        XCTAssertThrowsError(try RSAPrivateKey(bitCount: 1024))
        XCTAssertThrowsError(try RSAPrivateKey(bitCount: 8192))
        var small = try SecureRandom.bytes(128)
        small[0] |= 0x80
        small[127] |= 1
        XCTAssertThrowsError(try RSAPublicKey(modulus: small, publicExponent: [1, 0, 1])) { error in
            XCTAssertEqual((error as? CryptoError)?.call, "EVP_PKEY_get_bits")
        }
        var modulus = try SecureRandom.bytes(256)
        modulus[0] |= 0x80
        modulus[255] |= 1
        XCTAssertThrowsError(try RSAPublicKey(modulus: modulus, publicExponent: [1]))
        XCTAssertThrowsError(try RSAPublicKey(modulus: modulus, publicExponent: [1, 0, 0]))
        XCTAssertNoThrow(try RSAPublicKey(modulus: modulus, publicExponent: [1, 0, 1]))
        XCTAssertThrowsError(try RSAPublicKey(derRepresentation: ECPrivateKey(curve: .p256).publicKey.derRepresentation()))
    }
}
