import PavilionCore
import PavilionCredentials
import PavilionCrypto
import XCTest

final class JWKTests: XCTestCase {
    func testRFC7517AppendixAKeysParseAndSerialiseBack() throws {
        let doc = try JOSEFixtures.json("rfc7517-appendix-a.json")
        let set = try JWKSet(json: try XCTUnwrap(doc["A.1"]))
        XCTAssertEqual(set.keys.count, 2)
        XCTAssertTrue(set.skipped.isEmpty)
        let ec = try XCTUnwrap(set.keys(withID: "1").first)
        XCTAssertEqual(ec.keyType, "EC")
        XCTAssertEqual(ec.use, "enc")
        let rsa = try XCTUnwrap(set.keys(withID: "2011-04-29").first)
        XCTAssertEqual(rsa.algorithm, "RS256")
        // Serialising gives back the same members.
        XCTAssertEqual(try rsa.jsonValue(), doc["A.1"]?["keys"]?.arrayValue?[1])
        XCTAssertEqual(try ec.jsonValue(), doc["A.1"]?["keys"]?.arrayValue?[0])
        XCTAssertEqual(try JWKSet(parsing: set.serialized()), set)

        let privateEC = try JWK(json: try XCTUnwrap(doc["A.2-ec"]))
        XCTAssertTrue(privateEC.isPrivate)
        XCTAssertEqual(privateEC.publicJWK, ec)
        XCTAssertNil(try privateEC.jsonValue()["d"], "private parts are not serialised unless asked")
        XCTAssertEqual(try privateEC.jsonValue(includingPrivate: true), doc["A.2-ec"])
    }

    func testRFC7638ThumbprintAndKidConvention() throws {
        let doc = try JOSEFixtures.json("rfc7638-3.1.json")
        let key = try JWK(json: try XCTUnwrap(doc["jwk"]))
        XCTAssertEqual(key.thumbprint, try JOSEFixtures.string(doc["thumbprint"]))
        XCTAssertEqual(String(decoding: key.thumbprintInput, as: UTF8.self).prefix(14), "{\"e\":\"AQAB\",\"k")
        XCTAssertEqual(key.withThumbprintKeyID().keyID, try JOSEFixtures.string(doc["thumbprint"]))
        // Metadata does not change the thumbprint.
        var renamed = key
        renamed.keyID = "other"
        XCTAssertEqual(renamed.thumbprint, key.thumbprint)
    }

    func testRFC8037Ed25519KeyAndThumbprint() throws {
        let doc = try JOSEFixtures.json("rfc8037-appendix-a.json")
        let privateKey = try JWK(json: try XCTUnwrap(doc["A.1"]))
        let publicKey = try JWK(json: try XCTUnwrap(doc["A.2-public"]))
        XCTAssertEqual(privateKey.publicJWK, publicKey)
        XCTAssertEqual(publicKey.thumbprint, try JOSEFixtures.string(doc["A.3-thumbprint"]))
        XCTAssertEqual(try privateKey.jsonValue(includingPrivate: true), doc["A.1"])
        XCTAssertEqual(try privateKey.serialized(), try publicKey.serialized())
    }

    func testRFC7520CookbookKeys() throws {
        // §3.1/3.2 are P-521 keys, which Pavilion does not support.
        let p521 = try JOSEFixtures.json("rfc7520/3_1.ec_public_key.json")
        XCTAssertJOSEError(try JWK(json: p521), .unsupportedKey)
        let rsa = try JOSEFixtures.json("rfc7520/3_3.rsa_public_key.json")
        let key = try JWK(json: rsa)
        guard case .rsa(let k, nil) = key.material else { return XCTFail("not an RSA public key") }
        XCTAssertEqual(k.bitCount, 2048)
        XCTAssertEqual(key.keyID, "bilbo.baggins@hobbiton.example")
    }

    func testGeneratedKeysRoundTripThroughJWK() throws {
        for curve in ECCurve.allCases {
            let key = JWK(.ec(try ECPrivateKey(curve: curve).publicKey, nil))
            XCTAssertEqual(try JWK(parsing: key.serialized()), key)
        }
        let ec = try ECPrivateKey(curve: .p384)
        let jwk = JWK(.ec(ec.publicKey, ec), keyID: "k")
        let back = try JWK(parsing: jwk.serialized(includingPrivate: true))
        XCTAssertTrue(back.isPrivate)
        XCTAssertEqual(back, jwk)
    }

    func testMalformedAndUnsupportedKeysAreRefused() throws {
        let good = try JOSEFixtures.json("rfc7517-appendix-a.json")["A.2-ec"]?.objectValue ?? [:]
        func variant(_ change: (inout [String: JSONValue]) -> Void) -> JSONValue {
            var copy = good
            change(&copy)
            return .object(copy)
        }
        XCTAssertJOSEError(try JWK(json: variant { $0["kty"] = nil }), .invalidKey)
        XCTAssertJOSEError(try JWK(json: variant { $0["kty"] = 5 }), .invalidKey)
        XCTAssertJOSEError(try JWK(json: variant { $0["crv"] = "P-521" }), .unsupportedKey)
        XCTAssertJOSEError(try JWK(json: variant { $0["crv"] = "P-384" }), .invalidKey, "P-256 coordinates on P-384")
        XCTAssertJOSEError(try JWK(json: variant { $0["x"] = "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D" }), .invalidKey)
        XCTAssertJOSEError(try JWK(json: variant { $0["y"] = "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyA" }), .invalidKey, "off the curve")
        XCTAssertJOSEError(try JWK(json: variant { $0["d"] = "970MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE" }), .invalidKey, "d mismatch")
        XCTAssertJOSEError(try JWK(json: variant { $0["x"] = "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4=" }), .invalidKey, "padding")
        XCTAssertJOSEError(try JWK(json: variant { $0["key_ops"] = ["sign", "sign"] }), .invalidKey)
        XCTAssertJOSEError(try JWK(json: ["kty": "oct", "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"]), .unsupportedKey)
        XCTAssertJOSEError(try JWK(json: ["kty": "OKP", "crv": "X25519", "x": "AAAA"]), .unsupportedKey)
        XCTAssertJOSEError(try JWK(json: ["kty": "RSA", "n": "AQAB", "e": "AQAB"]), .unsupportedKey, "tiny modulus")
        XCTAssertJOSEError(try JWK(json: "not an object"), .invalidKey)
        XCTAssertJOSEError(try JWK(parsing: #"{"kty":"EC","kty":"EC"}"#), .invalidEncoding, "duplicate member")
        XCTAssertJOSEError(try JWK(parsing: "{"), .invalidEncoding)
    }

    func testKeySetSkipsKeysItCannotUse() throws {
        let text = #"{"keys":[{"kty":"oct","k":"AAAA"},{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},{"kty":"EC"}]}"#
        let set = try JWKSet(parsing: text)
        XCTAssertEqual(set.keys.count, 1)
        XCTAssertEqual(set.skipped.map(\.code), [.unsupportedKey, .invalidKey])
        XCTAssertJOSEError(try JWKSet(parsing: #"{"keys":{}}"#), .invalidEncoding)
        XCTAssertJOSEError(try JWKSet(parsing: "[]"), .invalidEncoding)
    }
}
