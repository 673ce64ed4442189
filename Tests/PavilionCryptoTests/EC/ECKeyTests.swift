import Foundation
import PavilionCrypto
import XCTest

final class ECKeyTests: XCTestCase {
    func testGeneratedKeysSignAndVerifyOnBothCurves() throws {
        for curve in ECCurve.allCases {
            let key = try ECPrivateKey(curve: curve)
            let message = Array("ledger entry".utf8)
            let signature = try key.signature(for: message)
            XCTAssertEqual(signature.rawRepresentation.count, 2 * curve.coordinateLength)
            XCTAssertTrue(key.publicKey.isValidSignature(signature, for: message), curve.rawValue)
            XCTAssertTrue(key.publicKey.isValidSignature(derRepresentation: try signature.derRepresentation(), for: message))
            XCTAssertFalse(key.publicKey.isValidSignature(signature, for: Array("ledger entrY".utf8)))
            XCTAssertFalse(try ECPrivateKey(curve: curve).publicKey.isValidSignature(signature, for: message))
            var raw = signature.rawRepresentation
            raw[raw.count - 1] ^= 1
            XCTAssertFalse(key.publicKey.isValidSignature(try ECDSASignature(rawRepresentation: raw, curve: curve), for: message))
        }
    }

    func testSignatureConvertsBetweenDERAndRaw() throws {
        let key = try ECPrivateKey(curve: .p384)
        let signature = try key.signature(for: [1, 2, 3])
        let der = try signature.derRepresentation()
        XCTAssertEqual(der.first, 0x30)
        XCTAssertEqual(try ECDSASignature(derRepresentation: der, curve: .p384), signature)
        XCTAssertThrowsError(try ECDSASignature(derRepresentation: der + [0], curve: .p384))
        XCTAssertThrowsError(try ECDSASignature(derRepresentation: Array(der.dropLast()), curve: .p384))
        XCTAssertThrowsError(try ECDSASignature(rawRepresentation: [UInt8](repeating: 1, count: 64), curve: .p384))
        // A P-384 signature is not a P-256 one.
        let p256 = try ECPrivateKey(curve: .p256)
        XCTAssertFalse(p256.publicKey.isValidSignature(signature, for: [1, 2, 3]))
    }

    func testKeysRoundTripThroughCoordinatesDERAndPEM() throws {
        for curve in ECCurve.allCases {
            let key = try ECPrivateKey(curve: curve)
            let publicKey = key.publicKey
            XCTAssertEqual(try ECPublicKey(x: publicKey.x, y: publicKey.y, curve: curve), publicKey)
            XCTAssertEqual(try ECPublicKey(derRepresentation: publicKey.derRepresentation()), publicKey)
            XCTAssertEqual(try ECPublicKey(pemRepresentation: publicKey.pemRepresentation()), publicKey)
            XCTAssertTrue(try publicKey.pemRepresentation().hasPrefix("-----BEGIN PUBLIC KEY-----"))
            var d = try key.privateScalar()
            XCTAssertEqual(d.count, curve.coordinateLength)
            let restored = try ECPrivateKey(privateScalar: d, publicKey: publicKey)
            ConstantTime.wipe(&d)
            XCTAssertEqual(restored.publicKey, publicKey)
            let pem = try key.pemRepresentation()
            XCTAssertTrue(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
            XCTAssertEqual(try ECPrivateKey(pemRepresentation: pem).publicKey, publicKey)
            XCTAssertEqual(try ECPrivateKey(pkcs8DERRepresentation: key.pkcs8DERRepresentation()).publicKey, publicKey)
        }
    }

    func testPointsOffTheCurveAndBadEncodingsAreRefused() throws {
        let good = try ECPrivateKey(curve: .p256).publicKey
        var y = good.y
        y[31] ^= 1
        XCTAssertThrowsError(try ECPublicKey(x: good.x, y: y, curve: .p256))
        XCTAssertThrowsError(try ECPublicKey(x: good.x, y: good.y, curve: .p384))
        XCTAssertThrowsError(try ECPublicKey(rawRepresentation: [0x02] + good.x, curve: .p256))
        XCTAssertThrowsError(try ECPublicKey(rawRepresentation: [0x05] + good.x + good.y, curve: .p256))
        XCTAssertThrowsError(try ECPublicKey(derRepresentation: [0x30, 0x03, 0x01, 0x01, 0x00]))
        XCTAssertThrowsError(try ECPublicKey(pemRepresentation: "not pem"))
        XCTAssertThrowsError(try ECPublicKey(derRepresentation: good.derRepresentation() + [0]))
        // An Ed25519 or RSA key is not an EC key.
        let rsa = try RSAPrivateKey(bitCount: 2048)
        XCTAssertThrowsError(try ECPublicKey(derRepresentation: rsa.publicKey.derRepresentation()))
        XCTAssertThrowsError(try ECPrivateKey(pemRepresentation: rsa.pemRepresentation()))
    }

    func testMismatchedPrivateScalarIsRefused() throws {
        let a = try ECPrivateKey(curve: .p256)
        let b = try ECPrivateKey(curve: .p256)
        var d = try a.privateScalar()
        defer { ConstantTime.wipe(&d) }
        XCTAssertThrowsError(try ECPrivateKey(privateScalar: d, publicKey: b.publicKey))
        XCTAssertThrowsError(try ECPrivateKey(privateScalar: Array(d.dropFirst()), publicKey: a.publicKey))
    }

    func testECDHAgreesAndRefusesMixedCurves() throws {
        for curve in ECCurve.allCases {
            let a = try ECPrivateKey(curve: curve)
            let b = try ECPrivateKey(curve: curve)
            let ab = try a.sharedSecret(with: b.publicKey)
            XCTAssertEqual(ab.count, curve.coordinateLength)
            XCTAssertTrue(ab.isEqual(to: try b.sharedSecret(with: a.publicKey)))
            XCTAssertFalse(ab.isEqual(to: try a.sharedSecret(with: try ECPrivateKey(curve: curve).publicKey)))
        }
        XCTAssertThrowsError(try ECPrivateKey(curve: .p256).sharedSecret(with: try ECPrivateKey(curve: .p384).publicKey))
    }
}
