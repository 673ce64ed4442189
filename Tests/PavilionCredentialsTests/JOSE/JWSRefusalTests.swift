import PavilionCore
import PavilionCredentials
import PavilionCrypto
import XCTest

/// Bad input to JWS verification: each is refused with its named reason.
final class JWSRefusalTests: XCTestCase {
    private let all = Set(JWSAlgorithm.allCases)

    private func ecKey(_ curve: ECCurve = .p256) throws -> JWK {
        let key = try ECPrivateKey(curve: curve)
        return JWK(.ec(key.publicKey, key))
    }

    /// A compact JWS with `header` signed by `key` under `algorithm`, however
    /// odd the header (built by hand, not by ``JWS/signCompact``).
    private func forge(header: String, payload: String = "hello", key: JWK, algorithm: JWSAlgorithm) throws -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        let signature = try JWKSigner(key: key, algorithm: algorithm).sign(Array(input.utf8))
        return input + "." + Base64URL.encode(signature)
    }

    func testAlgorithmConfusionIsRefused() throws {
        let p256 = try ecKey()
        let p384 = try ecKey(.p384)
        let rsaPrivate = try RSAPrivateKey(bitCount: 2048)
        let rsa = JWK(.rsa(rsaPrivate.publicKey, rsaPrivate))
        let ed = JWK(.ed25519(try Ed25519PrivateKey().publicKey(), nil))
        let es256 = try JWS.signCompact(payload: [1], signer: try JWKSigner(key: p256, algorithm: .es256))
        // An ES256 key is not used for ES384, nor an EdDSA or RSA key for ES256.
        let es384Header = try forge(header: #"{"alg":"ES384"}"#, key: p384, algorithm: .es384)
        XCTAssertJOSEError(try JWS.verifyCompact(es384Header, key: p256.publicJWK, allowedAlgorithms: all), .keyMismatch)
        XCTAssertJOSEError(try JWS.verifyCompact(es256, key: p384.publicJWK, allowedAlgorithms: all), .keyMismatch)
        XCTAssertJOSEError(try JWS.verifyCompact(es256, key: ed, allowedAlgorithms: all), .keyMismatch)
        XCTAssertJOSEError(try JWS.verifyCompact(es256, key: rsa.publicJWK, allowedAlgorithms: all), .keyMismatch)
        // HS256 "signed" with the RSA public key's bytes: HMAC is never accepted.
        let hmacInput = Base64URL.encode(Array(#"{"alg":"HS256"}"#.utf8)) + "." + Base64URL.encode([1])
        guard case .rsa(let publicRSA, _) = rsa.material else { return XCTFail() }
        let mac = try HMACSHA256.authenticate(Array(hmacInput.utf8), key: try publicRSA.pemRepresentation().utf8.map { $0 })
        XCTAssertJOSEError(try JWS.verifyCompact(hmacInput + "." + Base64URL.encode(mac), key: rsa.publicJWK, allowedAlgorithms: all),
                           .unsupportedAlgorithm)
        // RS256 and PS256 share the key type but not the padding.
        let rs256 = try JWS.signCompact(payload: [1], signer: try JWKSigner(key: rsa, algorithm: .rs256))
        let relabelled = try forge(header: #"{"alg":"PS256"}"#, key: rsa, algorithm: .rs256)
        XCTAssertEqual(try JWS.verifyCompact(rs256, key: rsa.publicJWK, allowedAlgorithms: [.rs256]).algorithm, .rs256)
        XCTAssertJOSEError(try JWS.verifyCompact(relabelled, key: rsa.publicJWK, allowedAlgorithms: all), .badSignature)
        // A key restricted by its alg, use or key_ops.
        var restricted = p256.publicJWK
        restricted.algorithm = "ES384"
        XCTAssertJOSEError(try JWS.verifyCompact(es256, key: restricted, allowedAlgorithms: all), .keyMismatch)
        restricted = p256.publicJWK
        restricted.use = "enc"
        XCTAssertJOSEError(try JWS.verifyCompact(es256, key: restricted, allowedAlgorithms: all), .keyMismatch)
        restricted = p256.publicJWK
        restricted.keyOperations = ["sign"]
        XCTAssertJOSEError(try JWS.verifyCompact(es256, key: restricted, allowedAlgorithms: all), .keyMismatch)
        // A public key cannot sign.
        XCTAssertJOSEError(try JWKSigner(key: p256.publicJWK, algorithm: .es256), .keyMismatch)
        XCTAssertJOSEError(try JWKSigner(key: p256, algorithm: .edDSA), .keyMismatch)
    }

    func testAllowedAlgorithmsAreEnforced() throws {
        let key = try ecKey()
        let jws = try JWS.signCompact(payload: [1], signer: try JWKSigner(key: key, algorithm: .es256))
        XCTAssertJOSEError(try JWS.verifyCompact(jws, key: key, allowedAlgorithms: [.edDSA, .rs256]), .algorithmNotAllowed)
        XCTAssertJOSEError(try JWS.verifyCompact(jws, key: key, allowedAlgorithms: []), .algorithmNotAllowed)
    }

    func testNoneIsRefusedEvenWhenSignedOrWithEmptySignature() throws {
        let key = try ecKey()
        let none = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "." + Base64URL.encode([1]) + "."
        XCTAssertJOSEError(try JWS.verifyCompact(none, key: key, allowedAlgorithms: all), .unsecuredJWSRefused)
        XCTAssertJOSEError(try JWS.verifyCompact(forge(header: #"{"alg":"none"}"#, key: key, algorithm: .es256), key: key,
                                                 allowedAlgorithms: all), .unsecuredJWSRefused)
        let flat = #"{"payload":"AQ","header":{"alg":"none"},"signature":""}"#
        XCTAssertJOSEError(try JWS.verifyJSON(flat, key: key, allowedAlgorithms: all), .unsecuredJWSRefused)
    }

    func testTamperedPayloadSignatureAndHeaderAreRefused() throws {
        let key = try ecKey()
        let jws = try JWS.signCompact(payload: Array("pay me 10".utf8), signer: try JWKSigner(key: key, algorithm: .es256),
                                      header: ["typ": "JWT"])
        let parts = jws.split(separator: ".").map(String.init)
        let otherPayload = Base64URL.encode(Array("pay me 99".utf8))
        XCTAssertJOSEError(try JWS.verifyCompact([parts[0], otherPayload, parts[2]].joined(separator: "."), key: key, allowedAlgorithms: all),
                           .badSignature)
        let otherHeader = Base64URL.encode(Array(#"{"alg":"ES256","typ":"JOSE"}"#.utf8))
        XCTAssertJOSEError(try JWS.verifyCompact([otherHeader, parts[1], parts[2]].joined(separator: "."), key: key, allowedAlgorithms: all),
                           .badSignature)
        var signature = try Base64URL.decode(parts[2])
        signature[10] ^= 1
        XCTAssertJOSEError(try JWS.verifyCompact([parts[0], parts[1], Base64URL.encode(signature)].joined(separator: "."), key: key,
                                                 allowedAlgorithms: all), .badSignature)
        // A DER signature is not the JOSE form.
        guard case .ec(_, let p?) = key.material else { return XCTFail() }
        let der = try p.signature(for: Array("\(parts[0]).\(parts[1])".utf8)).derRepresentation()
        XCTAssertJOSEError(try JWS.verifyCompact([parts[0], parts[1], Base64URL.encode(der)].joined(separator: "."), key: key,
                                                 allowedAlgorithms: all), .badSignature)
        XCTAssertJOSEError(try JWS.verifyCompact(jws, key: try ecKey(), allowedAlgorithms: all), .badSignature, "another key")
    }

    func testMalformedSerialisationsAreRefused() throws {
        let key = try ecKey()
        let jws = try JWS.signCompact(payload: [1], signer: try JWKSigner(key: key, algorithm: .es256))
        for bad in ["", "a.b", jws + ".x", "a.b.c.d.e", jws.replacingOccurrences(of: ".", with: "=.")] {
            XCTAssertThrowsError(try JWS.verifyCompact(bad, key: key, allowedAlgorithms: all), bad)
        }
        XCTAssertJOSEError(try JWS.verifyCompact("a.b.c.d.e", key: key, allowedAlgorithms: all), .invalidEncoding)
        XCTAssertJOSEError(try JWS.verifyCompact(".AQ.AQ", key: key, allowedAlgorithms: all), .invalidHeader)
        for header in [#"{"alg":"ES256","alg":"ES256"}"#, #"["ES256"]"#, #"{"alg":256}"#, #"{"typ":"JWT"}"#, "{\"alg\":\"ES256\"", "\u{FF}"] {
            XCTAssertJOSEError(try JWS.verifyCompact(try forge(header: header, key: key, algorithm: .es256), key: key, allowedAlgorithms: all),
                               .invalidHeader, header)
        }
        for json in ["[]", #"{"payload":"AQ"}"#, #"{"payload":"AQ","signatures":[]}"#, #"{"payload":"AQ","signature":"AQ"}"#,
                     #"{"payload":"AQ","signatures":[{"protected":"eyJhbGciOiJFUzI1NiJ9","signature":"AQ"}],"signature":"AQ"}"#,
                     #"{"payload":1,"protected":"eyJhbGciOiJFUzI1NiJ9","signature":"AQ"}"#] {
            XCTAssertThrowsError(try JWS.verifyJSON(json, key: key, allowedAlgorithms: all), json)
        }
        // A name in both the protected and the unprotected header.
        let flat = try JWS.signJSON(payload: [1], signatures: [JWSSignatureRequest(signer: try JWKSigner(key: key, algorithm: .es256))],
                                    flattened: true)
        guard case .object(var object) = try JSONParser().parse(flat) else { return XCTFail() }
        object["header"] = ["alg": "ES256"]
        XCTAssertJOSEError(try JWS.verifyJSON(JSONValue.object(object).serialized, key: key, allowedAlgorithms: all), .invalidHeader)
        XCTAssertJOSEError(try JWS.signCompact(payload: [1], signer: try JWKSigner(key: key, algorithm: .es256), header: ["alg": "none"]),
                           .invalidHeader)
    }

    func testCriticalHeadersAreHonoured() throws {
        let key = try ecKey()
        func verify(_ header: String, understood: Set<String> = []) throws -> VerifiedJWS {
            try JWS.verifyCompact(try forge(header: header, key: key, algorithm: .es256), key: key, allowedAlgorithms: all,
                                  understoodCriticalHeaders: understood)
        }
        XCTAssertJOSEError(try verify(#"{"alg":"ES256","crit":["exp"],"exp":1}"#), .criticalHeaderUnsupported)
        XCTAssertEqual(try verify(#"{"alg":"ES256","crit":["exp"],"exp":1}"#, understood: ["exp"]).protectedHeader["exp"], 1)
        XCTAssertJOSEError(try verify(#"{"alg":"ES256","crit":["exp"]}"#, understood: ["exp"]), .invalidHeader, "named but absent")
        XCTAssertJOSEError(try verify(#"{"alg":"ES256","crit":[],"exp":1}"#), .invalidHeader, "empty")
        XCTAssertJOSEError(try verify(#"{"alg":"ES256","crit":"exp","exp":1}"#), .invalidHeader, "not an array")
        XCTAssertJOSEError(try verify(#"{"alg":"ES256","crit":["alg"]}"#), .invalidHeader, "registered name")
        XCTAssertJOSEError(try verify(#"{"alg":"ES256","crit":["exp","exp"],"exp":1}"#, understood: ["exp"]), .invalidHeader)
        // RFC 7797 unencoded payloads are refused clearly.
        XCTAssertJOSEError(try verify(#"{"alg":"ES256","b64":false,"crit":["b64"]}"#), .criticalHeaderUnsupported)
        XCTAssertJOSEError(try verify(#"{"alg":"ES256","b64":false}"#), .invalidHeader)
        XCTAssertNoThrow(try verify(#"{"alg":"ES256","b64":true}"#))
        // crit in the unprotected header is refused.
        let flat = try JWS.signJSON(payload: [1], signatures: [JWSSignatureRequest(signer: try JWKSigner(key: key, algorithm: .es256),
                                                                                   unprotectedHeader: ["crit": ["exp"], "exp": 1])],
                                    flattened: true)
        XCTAssertJOSEError(try JWS.verifyJSON(flat, key: key, allowedAlgorithms: all, understoodCriticalHeaders: ["exp"]), .invalidHeader)
    }

    func testSignedJSONRoundTripsWithSeveralSigners() throws {
        let ec = try ecKey()
        let edPrivate = try Ed25519PrivateKey()
        let ed = JWK(.ed25519(try edPrivate.publicKey(), edPrivate)).withThumbprintKeyID()
        let payload = Array(#"{"sub":"x"}"#.utf8)
        let text = try JWS.signJSON(payload: payload, signatures: [
            JWSSignatureRequest(signer: try JWKSigner(key: ec, algorithm: .es256), protectedHeader: ["typ": "JOSE+JSON"]),
            JWSSignatureRequest(signer: try JWKSigner(key: ed, algorithm: .edDSA), unprotectedHeader: ["note": "second"]),
        ])
        XCTAssertEqual(try JWS.verifyJSON(text, key: ec.publicJWK, allowedAlgorithms: [.es256]).protectedHeader["typ"], "JOSE+JSON")
        let second = try JWS.verifyJSON(text, key: ed.publicJWK, allowedAlgorithms: [.edDSA])
        XCTAssertEqual(second.signatureIndex, 1)
        XCTAssertEqual(second.protectedHeader["kid"], .string(ed.thumbprint))
        XCTAssertEqual(second.payload, payload)
        XCTAssertJOSEError(try JWS.verifyJSON(text, key: try ecKey().publicJWK, allowedAlgorithms: all), .badSignature)
        XCTAssertJOSEError(try JWS.signJSON(payload: payload, signatures: []), .invalidHeader)
    }
}
