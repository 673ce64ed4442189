import Foundation
import PavilionCrypto
import XCTest

final class P256SigningKeyTests: XCTestCase {
    func testSignatureVerifiesAndSurvivesDERStorage() throws {
        let key = try P256SigningKey()
        let message = Array("ES256 signing input".utf8)
        let publicKey = try key.publicKeyRawRepresentation()
        XCTAssertEqual(publicKey.count, 65)
        XCTAssertEqual(publicKey.first, 0x04)
        let signature = try key.signature(for: message)
        XCTAssertTrue(P256SigningKey.isValidSignature(signature, for: message, publicKey: publicKey))
        XCTAssertFalse(P256SigningKey.isValidSignature(signature, for: message + [0], publicKey: publicKey))

        var stored = try key.derRepresentation()
        defer { ConstantTime.wipe(&stored) }
        let restored = try P256SigningKey(derRepresentation: stored)
        XCTAssertEqual(try restored.publicKeyRawRepresentation(), publicKey)
        XCTAssertTrue(P256SigningKey.isValidSignature(try restored.signature(for: message), for: message, publicKey: publicKey))
    }

    func testGarbageAndOtherKeyTypesAreRefused() throws {
        XCTAssertThrowsError(try P256SigningKey(derRepresentation: [0x30, 0x03, 0x02, 0x01, 0x01]))
        XCTAssertThrowsError(try P256SigningKey(derRepresentation: []))
        XCTAssertFalse(P256SigningKey.isValidSignature([0x30, 0x00], for: [1], publicKey: [0x04] + [UInt8](repeating: 1, count: 64)))
    }
}
