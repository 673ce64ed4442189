import PavilionCore
import PavilionCredentials
import PavilionCrypto
import XCTest

/// The official JWS examples: RFC 7515 Appendix A, RFC 7520 §4, RFC 8037 Appendix A.
final class JWSVectorTests: XCTestCase {
    private let all = Set(JWSAlgorithm.allCases)

    func testRFC7515A2RS256Verifies() throws {
        let doc = try JOSEFixtures.json("rfc7515-appendix-a.json")
        let key = try JWK(json: try XCTUnwrap(doc["A.2"]?["jwk"]))
        let compact = try JOSEFixtures.string(doc["A.2"]?["compact"])
        let verified = try JWS.verifyCompact(compact, key: key.publicJWK, allowedAlgorithms: [.rs256])
        XCTAssertEqual(verified.algorithm, .rs256)
        XCTAssertEqual(Base64URL.encode(verified.payload), try JOSEFixtures.string(doc["payload_b64"]))
        // PKCS#1 v1.5 is deterministic: re-signing gives the RFC's bytes. The
        // RFC's header is exactly {"alg":"RS256"}, which is what we write.
        let resigned = try JWS.signCompact(payload: verified.payload, signer: try JWKSigner(key: key, algorithm: .rs256))
        XCTAssertEqual(resigned, compact)
    }

    func testRFC7515A3ES256Verifies() throws {
        let doc = try JOSEFixtures.json("rfc7515-appendix-a.json")
        let key = try JWK(json: try XCTUnwrap(doc["A.3"]?["jwk"]))
        let compact = try JOSEFixtures.string(doc["A.3"]?["compact"])
        XCTAssertEqual(try JWS.verifyCompact(compact, key: key.publicJWK, allowedAlgorithms: [.es256]).algorithm, .es256)
        // ECDSA is randomised: our own signature differs but verifies.
        let payload = try Base64URL.decode(try JOSEFixtures.string(doc["payload_b64"]))
        let ours = try JWS.signCompact(payload: payload, signer: try JWKSigner(key: key, algorithm: .es256))
        XCTAssertNotEqual(ours, compact)
        XCTAssertEqual(try JWS.verifyCompact(ours, key: key.publicJWK, allowedAlgorithms: [.es256]).payload, payload)
    }

    func testRFC7515A4ES512IsRefusedAsUnsupported() throws {
        let doc = try JOSEFixtures.json("rfc7515-appendix-a.json")
        XCTAssertJOSEError(try JWK(json: try XCTUnwrap(doc["A.4"]?["jwk"])), .unsupportedKey, "P-521 key")
        let anyKey = try JWK(json: try XCTUnwrap(doc["A.3"]?["jwk"]))
        XCTAssertJOSEError(try JWS.verifyCompact(try JOSEFixtures.string(doc["A.4"]?["compact"]), key: anyKey, allowedAlgorithms: all),
                           .unsupportedAlgorithm)
    }

    func testRFC7515A5UnsecuredJWSIsRefused() throws {
        let doc = try JOSEFixtures.json("rfc7515-appendix-a.json")
        let key = try JWK(json: try XCTUnwrap(doc["A.3"]?["jwk"]))
        XCTAssertJOSEError(try JWS.verifyCompact(try JOSEFixtures.string(doc["A.5"]?["compact"]), key: key, allowedAlgorithms: all),
                           .unsecuredJWSRefused)
    }

    func testRFC7515A6GeneralAndA7FlattenedJSONVerify() throws {
        let doc = try JOSEFixtures.json("rfc7515-appendix-a.json")
        var rsa = try JWK(json: try XCTUnwrap(doc["A.2"]?["jwk"])).publicJWK
        var ec = try JWK(json: try XCTUnwrap(doc["A.3"]?["jwk"])).publicJWK
        let general = try XCTUnwrap(doc["A.6"]).serialized
        XCTAssertEqual(try JWS.verifyJSON(general, key: rsa, allowedAlgorithms: [.rs256]).signatureIndex, 0)
        let byEC = try JWS.verifyJSON(general, key: ec, allowedAlgorithms: [.es256])
        XCTAssertEqual(byEC.signatureIndex, 1)
        XCTAssertEqual(byEC.unprotectedHeader["kid"], "e9bc097a-ce51-4036-9562-d2ade882db0d")
        // kid in the header must match the key's kid when both are present.
        ec.keyID = "e9bc097a-ce51-4036-9562-d2ade882db0d"
        XCTAssertEqual(try JWS.verifyJSON(general, key: ec, allowedAlgorithms: [.es256]).signatureIndex, 1)
        rsa.keyID = "another"
        XCTAssertJOSEError(try JWS.verifyJSON(general, key: rsa, allowedAlgorithms: [.rs256]), .keyMismatch)
        XCTAssertJOSEError(try JWS.verifyJSON(general, key: ec, allowedAlgorithms: [.rs256]), .keyMismatch, "RS256 entry with an EC key")

        let flattened = try XCTUnwrap(doc["A.7"]).serialized
        XCTAssertEqual(try JWS.verifyJSON(flattened, key: ec, allowedAlgorithms: [.es256]).algorithm, .es256)
        XCTAssertJOSEError(try JWS.verifyJSON(flattened, key: ec, allowedAlgorithms: [.es384]), .algorithmNotAllowed)
    }

    func testRFC7520S41RS256SignatureIsReproducedAndVerifies() throws {
        let doc = try JOSEFixtures.json("rfc7520/4_1.rsa_v15_signature.json")
        let key = try JWK(json: try XCTUnwrap(doc["input"]?["key"]))
        let payload = Array(try JOSEFixtures.string(doc["input"]?["payload"]).utf8)
        let signed = try JWS.signCompact(payload: payload, signer: try JWKSigner(key: key, algorithm: .rs256))
        XCTAssertEqual(signed, try JOSEFixtures.string(doc["output"]?["compact"]))
        XCTAssertEqual(try JWS.verifyCompact(signed, key: key.publicJWK, allowedAlgorithms: [.rs256]).payload, payload)
        XCTAssertEqual(try JWS.verifyJSON(try XCTUnwrap(doc["output"]?["json"]).serialized, key: key.publicJWK,
                                          allowedAlgorithms: [.rs256]).payload, payload)
        XCTAssertEqual(try JWS.verifyJSON(try XCTUnwrap(doc["output"]?["json_flat"]).serialized, key: key.publicJWK,
                                          allowedAlgorithms: [.rs256]).payload, payload)
        let flat = try JWS.signJSON(payload: payload, signatures: [JWSSignatureRequest(signer: try JWKSigner(key: key, algorithm: .rs256))],
                                    flattened: true)
        XCTAssertEqual(try JSONParser().parse(flat), doc["output"]?["json_flat"])
    }

    func testRFC7520S42PS384IsRefusedButItsSignatureVerifiesInPavilionCrypto() throws {
        let doc = try JOSEFixtures.json("rfc7520/4_2.rsa-pss_signature.json")
        let key = try JWK(json: try XCTUnwrap(doc["input"]?["key"]))
        XCTAssertJOSEError(try JWS.verifyCompact(try JOSEFixtures.string(doc["output"]?["compact"]), key: key, allowedAlgorithms: all),
                           .unsupportedAlgorithm)
        guard case .rsa(let rsa, _) = key.material else { return XCTFail("not RSA") }
        let signature = try Base64URL.decode(try JOSEFixtures.string(doc["signing"]?["sig"]))
        let input = Array(try JOSEFixtures.string(doc["signing"]?["sig-input"]).utf8)
        XCTAssertTrue(rsa.isValidSignature(signature, for: input, scheme: .pss(.sha384)))
        XCTAssertFalse(rsa.isValidSignature(signature, for: input, scheme: .pss(.sha256)))
    }

    func testRFC7520S43ES512IsRefusedAsUnsupported() throws {
        let doc = try JOSEFixtures.json("rfc7520/4_3.ecdsa_signature.json")
        XCTAssertJOSEError(try JWK(json: try XCTUnwrap(doc["input"]?["key"])), .unsupportedKey)
        let p256 = JWK(.ec(try ECPrivateKey(curve: .p256).publicKey, nil))
        XCTAssertJOSEError(try JWS.verifyCompact(try JOSEFixtures.string(doc["output"]?["compact"]), key: p256, allowedAlgorithms: all),
                           .unsupportedAlgorithm)
    }

    func testRFC7520S48MultipleSignaturesVerifyTheRS256OneAndReportTheOthers() throws {
        let doc = try JOSEFixtures.json("rfc7520/4_8.multiple_signatures.json")
        let keys = try XCTUnwrap(doc["input"]?["key"]?.arrayValue)
        let rsa = try JWK(json: keys[0])
        XCTAssertJOSEError(try JWK(json: keys[1]), .unsupportedKey, "P-521")
        XCTAssertJOSEError(try JWK(json: keys[2]), .unsupportedKey, "oct")
        let json = try XCTUnwrap(doc["output"]?["json"]).serialized
        let verified = try JWS.verifyJSON(json, key: rsa.publicJWK, allowedAlgorithms: [.rs256])
        XCTAssertEqual(verified.signatureIndex, 0)
        XCTAssertEqual(verified.unprotectedHeader["kid"], "bilbo.baggins@hobbiton.example")
        XCTAssertEqual(String(decoding: verified.payload, as: UTF8.self), try JOSEFixtures.string(doc["input"]?["payload"]))
        // With RS256 not allowed, nothing verifies: ES512 and HS256 are unsupported.
        XCTAssertJOSEError(try JWS.verifyJSON(json, key: rsa.publicJWK, allowedAlgorithms: [.ps256]), .algorithmNotAllowed)
    }

    func testRFC8037A4EdDSASignatureIsReproducedAndVerifies() throws {
        let doc = try JOSEFixtures.json("rfc8037-appendix-a.json")
        let key = try JWK(json: try XCTUnwrap(doc["A.1"]))
        let compact = try JOSEFixtures.string(doc["A.4"]?["compact"])
        let payload = Array(try JOSEFixtures.string(doc["A.4"]?["payload"]).utf8)
        XCTAssertEqual(try JWS.signCompact(payload: payload, signer: try JWKSigner(key: key, algorithm: .edDSA)), compact)
        XCTAssertEqual(try JWS.verifyCompact(compact, key: key.publicJWK, allowedAlgorithms: [.edDSA]).payload, payload)
        var tampered = Array(compact.utf8)
        tampered[tampered.count - 5] = tampered[tampered.count - 5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        XCTAssertJOSEError(try JWS.verifyCompact(String(decoding: tampered, as: UTF8.self), key: key.publicJWK, allowedAlgorithms: [.edDSA]),
                           .badSignature)
    }
}
