import Foundation
import PavilionCrypto
import PavilionHSM
import XCTest

/// Keys generated in SoftHSM2: they stay inside, sign there, and verify outside.
final class PKCS11TokenTests: XCTestCase {
    func testGeneratedP256KeyCannotBeReadOut() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let token = try hsm.openToken()
        let key = try token.generateKeyPair(labeled: "issuer-es256", algorithm: .es256)

        XCTAssertEqual(key.policy.isTokenObject, true)
        XCTAssertEqual(key.policy.isSensitive, true)
        XCTAssertEqual(key.policy.isExtractable, false)
        XCTAssertEqual(key.policy.wasAlwaysSensitive, true)
        XCTAssertEqual(key.policy.wasNeverExtractable, true)
        XCTAssertEqual(key.policy.canSign, true)
        XCTAssertEqual(key.policy.otherUses, [])
        XCTAssertEqual(key.policy.violations, [])

        let read = try token.attemptToReadPrivateValue(of: key)
        XCTAssertEqual(read.returnValue.name, "CKR_ATTRIBUTE_SENSITIVE", "\(read)")
        XCTAssertEqual(read.leakedByteCount, 0)

        let wrap = try token.attemptToWrapOut(key)
        XCTAssertEqual(wrap.returnValue.name, "CKR_KEY_UNEXTRACTABLE", "\(wrap)")
        XCTAssertEqual(wrap.leakedByteCount, 0)

        for attempt in try token.attemptToLiftProtection(of: key) {
            XCTAssertFalse(attempt.returnValue.isOK, "\(attempt) must be refused")
        }
        // And the refusals changed nothing.
        XCTAssertEqual(try token.keyPair(labeled: "issuer-es256").policy.violations, [])
    }

    func testP256SignatureMadeInTheHSMVerifiesWithOpenSSL() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let token = try hsm.openToken()
        let signer = try HSMSigner.generate(in: token, label: "issuer-es256", algorithm: .es256)
        let message = Array("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9".utf8)
        let signature = try signer.sign(message)
        XCTAssertEqual(signature.count, 64)
        XCTAssertEqual(signer.publicKey.rawRepresentation.count, 65)
        XCTAssertEqual(signer.publicKey.jwkMembers["crv"], "P-256")

        let der = try ECDSASignature.der(fromRaw: signature)
        XCTAssertTrue(try OpenSSLCLI.verifies(der: der, of: message, publicKey: signer.publicKey, in: hsm.directory))
        XCTAssertFalse(try OpenSSLCLI.verifies(der: der, of: message + [0x2e], publicKey: signer.publicKey, in: hsm.directory),
                       "a changed message must not verify")
    }

    func testP384SignatureMadeInTheHSMVerifiesWithOpenSSL() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let token = try hsm.openToken()
        let signer = try HSMSigner.generate(in: token, label: "issuer-es384", algorithm: .es384)
        let message = Array("ES384 signing input".utf8)
        let signature = try signer.sign(message)
        XCTAssertEqual(signature.count, 96)
        XCTAssertEqual(signer.publicKey.jwkMembers["crv"], "P-384")
        XCTAssertTrue(try OpenSSLCLI.verifies(der: ECDSASignature.der(fromRaw: signature), of: message,
                                              publicKey: signer.publicKey, in: hsm.directory))
    }

    func testEd25519SignatureMadeInTheHSMVerifies() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let token = try hsm.openToken()
        guard token.supports(.edDSA) else { throw XCTSkip("this SoftHSM2 lacks CKM_EC_EDWARDS_KEY_PAIR_GEN/CKM_EDDSA") }
        let signer = try HSMSigner.generate(in: token, label: "issuer-eddsa", algorithm: .edDSA)
        let message = Array("EdDSA signing input".utf8)
        let signature = try signer.sign(message)
        XCTAssertEqual(signature.count, 64)
        XCTAssertEqual(signer.publicKey.jwkMembers["kty"], "OKP")
        let verifier = try Ed25519PublicKey(rawRepresentation: signer.publicKey.rawRepresentation)
        XCTAssertTrue(verifier.isValidSignature(signature, for: message))
        XCTAssertFalse(verifier.isValidSignature(signature, for: message + [0]))
        XCTAssertTrue(try OpenSSLCLI.verifiesEd25519(signature, of: message, publicKey: signer.publicKey, in: hsm.directory))
        XCTAssertEqual(try token.attemptToReadPrivateValue(of: signer.keyPair).returnValue.name, "CKR_ATTRIBUTE_SENSITIVE")
    }

    func testKeyIsFoundByLabelAfterReopening() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let created: PublicKeyDescription
        do {
            let token = try hsm.openToken()
            created = try token.generateKeyPair(labeled: "issuer-es256", algorithm: .es256).publicKey
        }
        // Every module reference is gone: C_Finalize ran. Load and log in again.
        let token = try hsm.openToken()
        XCTAssertEqual(try token.keyLabels(), ["issuer-es256"])
        let signer = try HSMSigner(token: token, label: "issuer-es256")
        XCTAssertEqual(signer.publicKey, created)
        XCTAssertEqual(signer.keyID, created.jwkThumbprint)
        let message = Array("after reopening".utf8)
        XCTAssertTrue(try OpenSSLCLI.verifies(der: ECDSASignature.der(fromRaw: signer.sign(message)), of: message,
                                              publicKey: created, in: hsm.directory))
    }

    func testUnknownKeyLabelIsKeyNotFound() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let token = try hsm.openToken()
        XCTAssertThrowsError(try HSMSigner(token: token, label: "nobody")) { error in
            XCTAssertEqual((error as? SignerError)?.code, .keyNotFound)
        }
    }

    func testSecondKeyWithTheSameLabelIsRefused() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let token = try hsm.openToken()
        _ = try token.generateKeyPair(labeled: "issuer", algorithm: .es256)
        XCTAssertThrowsError(try token.generateKeyPair(labeled: "issuer", algorithm: .es256)) { error in
            XCTAssertEqual((error as? PKCS11Error)?.code, .keyExists)
        }
    }
}
