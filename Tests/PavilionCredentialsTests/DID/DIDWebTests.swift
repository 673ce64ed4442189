import PavilionCore
import PavilionCredentials
import PavilionCrypto
import XCTest

final class DIDWebTests: XCTestCase {
    func testSpecificationURLMappings() throws {
        XCTAssertEqual(try DIDWeb.documentURL(for: "did:web:w3c-ccg.github.io"), "https://w3c-ccg.github.io/.well-known/did.json")
        XCTAssertEqual(try DIDWeb.documentURL(for: "did:web:w3c-ccg.github.io:user:alice"), "https://w3c-ccg.github.io/user/alice/did.json")
        XCTAssertEqual(try DIDWeb.documentURL(for: "did:web:example.com%3A3000:user:alice"), "https://example.com:3000/user/alice/did.json")
        XCTAssertEqual(try DIDWeb.documentURL(for: "did:web:example.com%3A3000"), "https://example.com:3000/.well-known/did.json")
        XCTAssertEqual(try DIDWeb.documentURL(for: "did:web:example.com#key-1"), "https://example.com/.well-known/did.json")
    }

    func testUnsafeOrMalformedDIDWebsAreRefused() {
        for bad in ["did:web:", "did:web:localhost", "did:web:192.168.0.1", "did:web:Example.com", "did:web:example.com:",
                    "did:web:example.com::a", "did:web:example.com:..", "did:web:example.com:a%2Fb", "did:web:example.com%3A0",
                    "did:web:example.com%3A99999", "did:web:example.com%3A", "did:web:exa_mple.com", "did:web:-a.com",
                    "did:web:example.com%2F..", "did:key:z6Mk", "did:web:a..com"] {
            XCTAssertDIDError(try DIDWeb.documentURL(for: bad), .invalidDID, bad)
        }
    }

    private func document(id: String, key: JWK) throws -> [UInt8] {
        let multibase = try Multikey(jwk: key).multibase
        let json: JSONValue = [
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": .string(id),
            "verificationMethod": [
                ["id": .string(id + "#key-1"), "type": "Multikey", "controller": .string(id), "publicKeyMultibase": .string(multibase)],
                ["id": "#key-2", "type": "JsonWebKey2020", "controller": .string(id), "publicKeyJwk": try key.jsonValue()],
            ],
            "assertionMethod": ["#key-1"],
            "authentication": [.string(id + "#key-2")],
        ]
        return json.serializedBytes
    }

    func testResolvesThroughTheFetcherAndChecksRelationships() async throws {
        let key = JWK(.ec(try ECPrivateKey(curve: .p256).publicKey, nil))
        let did = "did:web:issuer.example.com:tenants:acme"
        let fetcher = FixtureDIDWebFetcher(documents: ["https://issuer.example.com/tenants/acme/did.json": try document(id: did, key: key)])
        let resolver = DIDResolver(webFetcher: fetcher)
        let method = try await resolver.verificationMethod(did + "#key-1", for: .assertionMethod)
        XCTAssertEqual(method.publicKey, key)
        let jwkMethod = try await resolver.verificationMethod(did + "#key-2", for: .authentication)
        XCTAssertEqual(jwkMethod.publicKey, key)
        await XCTAssertDIDErrorAsync({ try await resolver.verificationMethod(did + "#key-2", for: .assertionMethod) },
                                     .verificationMethodNotFound, "key-2 is not an assertion method")
        await XCTAssertDIDErrorAsync({ try await resolver.verificationMethod(did + "#key-9", for: .assertionMethod) },
                                     .verificationMethodNotFound)
    }

    func testDocumentsForAnotherDIDAreRefused() async throws {
        let key = JWK(.ed25519(try Ed25519PrivateKey().publicKey(), nil))
        let fetcher = FixtureDIDWebFetcher(documents: [
            "https://issuer.example.com/.well-known/did.json": try document(id: "did:web:evil.example.com", key: key),
            "https://broken.example.com/.well-known/did.json": Array("{\"id\":".utf8),
        ])
        let resolver = DIDResolver(webFetcher: fetcher)
        await XCTAssertDIDErrorAsync({ try await resolver.resolve("did:web:issuer.example.com") }, .idMismatch)
        await XCTAssertDIDErrorAsync({ try await resolver.resolve("did:web:broken.example.com") }, .invalidDocument)
        await XCTAssertDIDErrorAsync({ try await resolver.resolve("did:web:absent.example.com") }, .fetchFailed)
        await XCTAssertDIDErrorAsync({ try await DIDResolver().resolve("did:web:issuer.example.com") }, .unsupportedMethod)
        await XCTAssertDIDErrorAsync({ try await resolver.resolve("did:example:123") }, .unsupportedMethod)
    }

    func testDocumentsPublishingPrivateKeysAreRefused() async throws {
        let privateKey = try ECPrivateKey(curve: .p256)
        let did = "did:web:issuer.example.com"
        let json: JSONValue = ["id": .string(did), "verificationMethod": [
            ["id": "#k", "type": "JsonWebKey2020", "controller": .string(did),
             "publicKeyJwk": try JWK(.ec(privateKey.publicKey, privateKey)).jsonValue(includingPrivate: true)],
        ]]
        let resolver = DIDResolver(webFetcher: FixtureDIDWebFetcher(documents: ["https://issuer.example.com/.well-known/did.json": json.serializedBytes]))
        await XCTAssertDIDErrorAsync({ try await resolver.resolve(did) }, .invalidKey)
    }
}
