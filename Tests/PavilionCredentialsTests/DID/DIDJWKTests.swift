import PavilionCore
import PavilionCredentials
import PavilionCrypto
import XCTest

final class DIDJWKTests: XCTestCase {
    /// The RFC 7517 A.1 P-256 key as a did:jwk: base64url of its members, sorted, without whitespace.
    let specExample = "did:jwk:" + Base64URL.encode(Array(#"{"crv":"P-256","kty":"EC","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}"#.utf8))

    func testDIDJWKResolvesToItsKey() throws {
        let document = try DIDJWK.resolve(specExample)
        XCTAssertEqual(document.id, specExample)
        let method = try document.verificationMethod("#0", for: .assertionMethod)
        XCTAssertEqual(method.id, specExample + "#0")
        XCTAssertEqual(try method.publicKey.jsonValue()["x"]?.stringValue, "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4")
        XCTAssertNoThrow(try document.verificationMethod(specExample + "#0", for: .keyAgreement))
        // Re-encoding the same members in sorted order gives the same DID.
        XCTAssertEqual(try DIDJWK.did(for: method.publicKey), specExample)
    }

    func testUseRestrictsRelationships() throws {
        var signing = JWK(.ed25519(try Ed25519PrivateKey().publicKey(), nil))
        signing.use = "sig"
        let did = try DIDJWK.did(for: signing)
        XCTAssertNoThrow(try DIDJWK.resolve(did).verificationMethod("#0", for: .assertionMethod))
        XCTAssertDIDError(try DIDJWK.resolve(did).verificationMethod("#0", for: .keyAgreement), .verificationMethodNotFound)
    }

    func testPrivateKeysAndGarbageAreRefused() throws {
        let privateKey = try ECPrivateKey(curve: .p256)
        let withD = Base64URL.encode(try JWK(.ec(privateKey.publicKey, privateKey)).jsonValue(includingPrivate: true).serializedBytes)
        XCTAssertDIDError(try DIDJWK.resolve("did:jwk:" + withD), .invalidKey)
        XCTAssertDIDError(try DIDJWK.resolve("did:jwk:" + Base64URL.encode(Array("{\"kty\":\"oct\",\"k\":\"AAAA\"}".utf8))), .unsupportedKey)
        XCTAssertDIDError(try DIDJWK.resolve("did:jwk:" + Base64URL.encode(Array("[1]".utf8))), .invalidKey)
        XCTAssertDIDError(try DIDJWK.resolve("did:jwk:e30="), .invalidDID, "padding")
        XCTAssertDIDError(try DIDJWK.resolve("did:jwk:" + Base64URL.encode(Array("{".utf8))), .invalidDID)
        XCTAssertDIDError(try DIDJWK.resolve(specExample + "#1"), .invalidDID)
    }
}
