import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionTestSupport
import XCTest

/// Pavilion against independent implementations: Python's jwcrypto and
/// PyJWT (Debian packages python3-jwcrypto and python3-jwt, installed by
/// script/deps). Each direction is checked: what Pavilion signs or
/// encrypts, they verify or decrypt, and the other way round.
final class JOSEInteroperabilityTests: XCTestCase {
    /// Reads a JSON request on stdin and answers with a JSON object.
    private static let script = #"""
import json, sys
import jwt
from jwcrypto import jwk, jws, jwe
from jwcrypto.common import json_encode

request = json.load(sys.stdin)
answer = {"jwcrypto_verified": [], "pyjwt_verified": [], "decrypted": [], "made": [], "encrypted": []}
for item in request["verify"]:
    key = jwk.JWK.from_json(json.dumps(item["jwk"]))
    token = jws.JWS()
    token.deserialize(item["token"], key, alg=item["alg"])
    answer["jwcrypto_verified"].append(token.payload.decode())
    claims = jwt.decode(item["token"], key=jwt.PyJWK(item["jwk"]).key, algorithms=[item["alg"]])
    answer["pyjwt_verified"].append(claims["sub"])
for item in request["decrypt"]:
    key = jwk.JWK.from_json(json.dumps(item["jwk"]))
    token = jwe.JWE()
    token.deserialize(item["token"], key=key)
    answer["decrypted"].append(token.payload.decode())
for alg, params in [("ES256", {"kty": "EC", "crv": "P-256"}), ("ES384", {"kty": "EC", "crv": "P-384"}),
                    ("EdDSA", {"kty": "OKP", "crv": "Ed25519"}), ("PS256", {"kty": "RSA", "size": 2048}),
                    ("RS256", {"kty": "RSA", "size": 2048})]:
    key = jwk.JWK.generate(**params)
    payload = json.dumps({"sub": "from-python-" + alg})
    token = jws.JWS(payload.encode())
    token.add_signature(key, None, json_encode({"alg": alg}))
    answer["made"].append({"alg": alg, "jwk": json.loads(key.export_public()), "token": token.serialize(compact=True), "payload": payload})
for item in request["encrypt"]:
    key = jwk.JWK.from_json(json.dumps(item["jwk"]))
    token = jwe.JWE(item["plaintext"].encode(), json_encode({"alg": item["alg"], "enc": "A256GCM"}))
    token.add_recipient(key)
    answer["encrypted"].append(token.serialize(compact=True))
print(json.dumps(answer))
"""#

    private func runPython(_ request: JSONValue) throws -> JSONValue {
        let python = URL(fileURLWithPath: "/usr/bin/python3")
        guard FileManager.default.isExecutableFile(atPath: python.path),
              let probe = try? TestEnvironment.run(python, ["-c", "import jwcrypto, jwt"]), probe.status == 0 else {
            throw XCTSkip("python3 with jwcrypto and PyJWT is missing; script/deps installs python3-jwcrypto and python3-jwt")
        }
        let result = try TestEnvironment.run(python, ["-c", Self.script], stdin: Data(request.serializedBytes))
        guard result.status == 0 else {
            XCTFail("python failed: \(result.stderr)")
            return .null
        }
        return try JSONParser().parse(result.stdout)
    }

    func testJWSAndJWEInteroperateWithJwcryptoAndPyJWT() throws {
        // What Pavilion makes.
        var verify: [JSONValue] = []
        var expectedSubjects: [JSONValue] = []
        let es256 = try ECPrivateKey(curve: .p256)
        let es384 = try ECPrivateKey(curve: .p384)
        let ed = try Ed25519PrivateKey()
        let rsa = try RSAPrivateKey(bitCount: 2048)
        let signers: [(JWK, JWSAlgorithm)] = [
            (JWK(.ec(es256.publicKey, es256)).withThumbprintKeyID(), .es256),
            (JWK(.ec(es384.publicKey, es384)).withThumbprintKeyID(), .es384),
            (JWK(.ed25519(try ed.publicKey(), ed)).withThumbprintKeyID(), .edDSA),
            (JWK(.rsa(rsa.publicKey, rsa)), .ps256),
        ]
        for (key, alg) in signers {
            let subject = "from-pavilion-\(alg.rawValue)"
            let token = try JWS.signCompact(payload: JSONValue.object(["sub": .string(subject)]).serializedBytes,
                                            signer: try JWKSigner(key: key, algorithm: alg), header: ["typ": "JWT"])
            verify.append(["jwk": try key.publicJWK.jsonValue(), "token": .string(token), "alg": .string(alg.rawValue)])
            expectedSubjects.append(.string(subject))
        }
        var decrypt: [JSONValue] = []
        var expectedPlaintexts: [JSONValue] = []
        var recipients: [JWK] = []
        for curve in ECCurve.allCases {
            let recipient = try ECPrivateKey(curve: curve)
            let jwk = JWK(.ec(recipient.publicKey, recipient))
            recipients.append(jwk)
            for alg in [JWEKeyManagementAlgorithm.ecdhES, .ecdhESA256KW] {
                let text = "to python \(curve.rawValue) \(alg.rawValue)"
                let token = try JWE.encryptCompact(Array(text.utf8), to: jwk.publicJWK, keyManagement: alg)
                decrypt.append(["jwk": try jwk.jsonValue(includingPrivate: true), "token": .string(token)])
                expectedPlaintexts.append(.string(text))
            }
        }
        var encrypt: [JSONValue] = []
        for recipient in recipients {
            for alg in ["ECDH-ES", "ECDH-ES+A256KW"] {
                encrypt.append(["jwk": try recipient.publicJWK.jsonValue(), "alg": .string(alg), "plaintext": .string("from python \(alg)")])
            }
        }

        let answer = try runPython(["verify": .array(verify), "decrypt": .array(decrypt), "encrypt": .array(encrypt)])

        // They verify and decrypt what Pavilion made.
        XCTAssertEqual(answer["pyjwt_verified"], .array(expectedSubjects))
        XCTAssertEqual(answer["jwcrypto_verified"]?.arrayValue?.count, signers.count)
        XCTAssertEqual(answer["decrypted"], .array(expectedPlaintexts))

        // Pavilion verifies and decrypts what they made.
        let made = try XCTUnwrap(answer["made"]?.arrayValue)
        XCTAssertEqual(made.count, 5)
        for item in made {
            let alg = try JWSAlgorithm(headerValue: try JOSEFixtures.string(item["alg"]))
            let key = try JWK(json: try XCTUnwrap(item["jwk"]))
            let verified = try JWS.verifyCompact(try JOSEFixtures.string(item["token"]), key: key, allowedAlgorithms: [alg])
            XCTAssertEqual(String(decoding: verified.payload, as: UTF8.self), try JOSEFixtures.string(item["payload"]), alg.rawValue)
        }
        let encrypted = try XCTUnwrap(answer["encrypted"]?.arrayValue)
        XCTAssertEqual(encrypted.count, 4)
        for (index, token) in encrypted.enumerated() {
            let recipient = recipients[index / 2]
            let decrypted = try JWE.decryptCompact(try JOSEFixtures.string(token), key: recipient)
            XCTAssertEqual(String(decoding: decrypted.plaintext, as: UTF8.self), index % 2 == 0 ? "from python ECDH-ES" : "from python ECDH-ES+A256KW")
        }
    }
}
