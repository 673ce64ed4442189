import PavilionCore
import PavilionCredentials
import PavilionCrypto
import XCTest

final class DIDKeyTests: XCTestCase {
    func testNISTCurveVectorsResolveToTheirJWKsAndReencode() throws {
        guard case .object(let vectors) = try VCDIFixtures.json("did-method-key/nist-curves.json") else { return XCTFail("not an object") }
        var checked = 0
        for (did, vector) in vectors {
            guard let jwkJSON = vector["verificationMethod"]?["publicKeyJwk"] else { continue }
            let crv = jwkJSON["crv"]?.stringValue
            if crv == "P-521" {
                XCTAssertDIDError(try DIDKey.resolve(did), .unsupportedKey, "P-521 is not supported")
                continue
            }
            let document = try DIDKey.resolve(did)
            XCTAssertEqual(document.id, did)
            let method = try document.verificationMethod("\(did)#\(did.dropFirst(8))", for: .assertionMethod)
            XCTAssertEqual(method.type, "Multikey")
            XCTAssertEqual(method.controller, did)
            XCTAssertEqual(method.publicKey, try JWK(json: jwkJSON), did)
            XCTAssertEqual(try DIDKey.did(for: JWK(json: jwkJSON)), did)
            // The private JWK's d belongs to the key the DID names.
            let privateJWK = try JWK(json: try XCTUnwrap(vector["verificationMethod"]?["privateKeyJwk"]))
            XCTAssertEqual(try DIDKey.did(for: privateJWK), did)
            let jwkDocument = try DIDKey.resolve(did, representation: .jsonWebKey2020)
            XCTAssertEqual(jwkDocument.verificationMethods.first?.type, "JsonWebKey2020")
            checked += 1
        }
        XCTAssertEqual(checked, 4, "two P-256 and two P-384 vectors")
    }

    func testBase58PublicKeyVectorMatchesTheDID() throws {
        let did = "did:key:zDnaeTiq1PdzvZXUaMdezchcMJQpBdH2VN4pgrrEhMCCbmwSb"
        let vector = try VCDIFixtures.json("did-method-key/nist-curves.json")[did]
        let base58 = try XCTUnwrap(vector?["verificationMethod"]?["publicKeyBase58"]?.stringValue)
        let raw = try Base58BTC.decode(base58)
        guard case .ec(let key, _) = try DIDKey.resolve(did).verificationMethods[0].publicKey.material else { return XCTFail("not EC") }
        XCTAssertTrue(raw == key.rawRepresentation || Array(raw.dropFirst()) == key.x, "publicKeyBase58 is the same point")
    }

    func testEd25519SeedVectorsGiveTheirDIDs() throws {
        guard case .object(let vectors) = try VCDIFixtures.json("did-method-key/ed25519-x25519.json") else { return XCTFail("not an object") }
        XCTAssertEqual(vectors.count, 5)
        for (did, vector) in vectors {
            let seed = try XCTUnwrap(Hex.decode(try XCTUnwrap(vector["seed"]?.stringValue)))
            let key = try Ed25519PrivateKey(seed: seed)
            let jwk = JWK(.ed25519(try key.publicKey(), key))
            XCTAssertEqual(try DIDKey.did(for: jwk), did)
            if let base58 = vector["verificationKeyPair"]?["publicKeyBase58"]?.stringValue {
                XCTAssertEqual(try Base58BTC.decode(base58), try key.publicKey().rawRepresentation)
            } else {
                XCTAssertEqual(try JWK(json: try XCTUnwrap(vector["verificationKeyPair"]?["publicKeyJwk"])), jwk.publicJWK)
            }
            let method = try DIDKey.resolve(did).verificationMethod("#\(did.dropFirst(8))", for: .authentication)
            XCTAssertEqual(method.publicKey, jwk.publicJWK)
            XCTAssertEqual(try method.jsonValue()["publicKeyMultibase"]?.stringValue, String(did.dropFirst(8)))
        }
    }

    func testGeneratedKeysRoundTripOnEveryCurve() throws {
        for curve in ECCurve.allCases {
            for _ in 0..<8 {  // both parities of y
                let key = try ECPrivateKey(curve: curve)
                let jwk = JWK(.ec(key.publicKey, nil))
                XCTAssertEqual(try DIDKey.resolve(DIDKey.did(for: jwk)).verificationMethods[0].publicKey, jwk)
            }
        }
        XCTAssertTrue(try DIDKey.did(for: JWK(.ec(ECPrivateKey(curve: .p256).publicKey, nil))).hasPrefix("did:key:zDn"))
        XCTAssertTrue(try DIDKey.did(for: JWK(.ec(ECPrivateKey(curve: .p384).publicKey, nil))).hasPrefix("did:key:z82"))
    }

    func testMalformedDIDKeysAreRefused() throws {
        let good = "zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv"
        XCTAssertDIDError(try DIDKey.resolve("did:key:"), .invalidEncoding, "empty")
        XCTAssertDIDError(try DIDKey.resolve("did:key:u" + good.dropFirst()), .invalidEncoding, "another multibase")
        XCTAssertDIDError(try DIDKey.resolve("did:key:z0OIl"), .invalidEncoding, "not base58")
        let truncated = Base58BTC.multibase(Array(try Base58BTC.decodeMultibase(good).dropLast(5)))
        XCTAssertDIDError(try DIDKey.resolve("did:key:" + truncated), .invalidKey, "truncated point")
        XCTAssertDIDError(try Multikey(multibase: Base58BTC.multibase([0x80])), .invalidEncoding, "truncated varint")
        XCTAssertDIDError(try DIDKey.resolve("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"), .unsupportedKey, "secp256k1")
        XCTAssertDIDError(try DIDKey.resolve("did:key:1.1:" + good), .invalidDID, "version")
        XCTAssertDIDError(try DIDKey.resolve("did:key:\(good)#other"), .invalidDID, "foreign fragment")
        XCTAssertDIDError(try DIDKey.resolve("did:web:example.com"), .invalidDID)
        // x = 2^256 - 1 is beyond P-256's field: no such point.
        let notOnCurve = Base58BTC.multibase([0x80, 0x24, 0x02] + [UInt8](repeating: 0xFF, count: 32))
        XCTAssertDIDError(try DIDKey.resolve("did:key:" + notOnCurve), .invalidKey, "x beyond the field")
        // A private key where a public one belongs.
        let secret = Base58BTC.multibase([0x86, 0x26] + [UInt8](repeating: 1, count: 32))
        XCTAssertDIDError(try Multikey(multibase: secret), .invalidKey)
        // A non-minimal varint (0xed as 0xed 0x81 0x00).
        XCTAssertDIDError(try Multikey(multibase: Base58BTC.multibase([0xED, 0x81, 0x00] + [UInt8](repeating: 1, count: 32))), .invalidEncoding)
    }

    func testBase58BTCRoundTripsWithLeadingZeros() throws {
        for bytes: [UInt8] in [[], [0], [0, 0, 1], [0xFF, 0xFF], Array(0..<64)] {
            XCTAssertEqual(try Base58BTC.decode(Base58BTC.encode(bytes)), bytes)
        }
        XCTAssertEqual(Base58BTC.encode(Array("Hello World!".utf8)), "2NEpo7TZRRrLZSi2U")
        XCTAssertDIDError(try Base58BTC.decodeMultibase(""), .invalidEncoding)
    }
}
