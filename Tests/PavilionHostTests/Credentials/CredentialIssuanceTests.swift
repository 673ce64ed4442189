import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionHSM
import PavilionHost
import PavilionTestSupport
import XCTest

/// Verifications that ask for a credential get one, signed with the key of
/// the region that processed the data, verifiable with the served JWKS or
/// the proof's did:key, holding exactly the requested claims.
final class CredentialIssuanceTests: XCTestCase {
    static let issuer = "https://issuer.example"

    /// A software key store with ES256 and EdDSA keys for `local` (the echo
    /// connector's region) and `elsewhere` (never used by echo).
    private func credentials() throws -> CredentialsConfiguration {
        let dir = try TestEnvironment.makeTemporaryDirectory("pavilion-credential-keys")
        let master = dir.appendingPathComponent("master.key").path
        try SoftwareKeyStore.createMasterKeyFile(at: master)
        let keys = dir.appendingPathComponent("keys").path
        let store = try SoftwareKeyStore(directory: keys, masterKey: .file(master))
        for region in ["local", "elsewhere"] {
            _ = try store.generate(label: "\(region)-es256", algorithm: .es256)
            _ = try store.generate(label: "\(region)-eddsa", algorithm: .edDSA)
        }
        return CredentialsConfiguration(
            issuer: Self.issuer, keys: .software(directory: keys, masterKeyFile: master),
            regions: ["local": .init(es256: "local-es256", edDSA: "local-eddsa"),
                      "elsewhere": .init(es256: "elsewhere-es256", edDSA: "elsewhere-eddsa")])
    }

    private func withHost(_ body: (HostHarness) async throws -> Void) async throws {
        let host = try await HostHarness(credentials: try credentials())
        do { try await body(host) } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }

    private func issue(_ host: HostHarness, format: String, extra: String = "") async throws -> JSONValue {
        let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey,
                                    body: HostHarness.echoBody(extra: #","credential_format":"\#(format)""# + extra))
        XCTAssertEqual(r.status, 200, r.text)
        let json = try XCTUnwrap(r.json)
        XCTAssertEqual(json["credential_format"]?.stringValue, format)
        XCTAssertEqual(json["region"], "local")
        return try XCTUnwrap(json["credential"])
    }

    /// The served JWKS: kid → (key, region).
    private func servedKeys(_ host: HostHarness) async throws -> [String: (JWK, String)] {
        let r = try await host.send("GET", "/.well-known/jwks.json")
        XCTAssertEqual(r.status, 200, r.text)
        XCTAssertEqual(r.headers["cache-control"], "max-age=300")
        var keys: [String: (JWK, String)] = [:]
        for member in try XCTUnwrap(r.json?["keys"]?.arrayValue) {
            XCTAssertEqual(member["use"], "sig")
            XCTAssertNil(member["d"])
            let key = try JWK(json: member)
            let kid = try XCTUnwrap(key.keyID)
            XCTAssertEqual(kid, key.thumbprint)
            keys[kid] = (key, try XCTUnwrap(member["pavilion_region"]?.stringValue))
        }
        XCTAssertEqual(keys.count, 4)
        return keys
    }

    func testVCJWTVerifiesWithTheServedKeyOfTheProcessingRegion() async throws {
        try await withHost { host in
            let issued = try await issue(host, format: "vc+jwt")
            let token = try XCTUnwrap(issued.stringValue)
            let keys = try await servedKeys(host)
            let header = try JWS.unverifiedHeader(ofCompact: token)
            XCTAssertEqual(header["alg"], "ES256")
            let (key, region) = try XCTUnwrap(keys[try XCTUnwrap(header["kid"]?.stringValue)])
            XCTAssertEqual(region, "local")
            let verified = try VCJWT.verify(token, key: key, clock: SystemCredentialClock())
            XCTAssertEqual(verified.credential.issuer, Self.issuer)
            XCTAssertEqual(verified.credential.types, ["VerifiableCredential", "PavilionVerification"])
            XCTAssertEqual(verified.credential.json["credentialSubject"], ["echo": true])
            XCTAssertNotNil(verified.credential.validUntil)
            XCTAssertEqual(verified.credential.json["evidence"]?.arrayValue?.first?["region"], "local")
        }
    }

    func testSDJWTVCDisclosesExactlyTheRequestedClaims() async throws {
        try await withHost { host in
            let issued = try await issue(host, format: "dc+sd-jwt")
            let text = try XCTUnwrap(issued.stringValue)
            let keys = try await servedKeys(host)
            let header = try JWS.unverifiedHeader(ofCompact: String(text.prefix { $0 != "~" }))
            XCTAssertEqual(keys[try XCTUnwrap(header["kid"]?.stringValue)]?.1, "local")
            let verifier = SDJWTVCVerifier(issuerKeys: keys.values.map(\.0), expectedIssuer: Self.issuer, keyBinding: .notRequired)
            let verified = try verifier.verify(text, now: Int64(Date().timeIntervalSince1970))
            XCTAssertEqual(verified.vct, CredentialIssuer.vct)
            XCTAssertEqual(verified.sdJWT.disclosurePaths.map(\.description), ["echo"])
            XCTAssertEqual(verified.sdJWT.processedPayload["echo"], true)
            let personal = Set(verified.sdJWT.processedPayload.keys).subtracting(["iss", "vct", "iat", "exp", "pavilion_evidence", "status"])
            XCTAssertEqual(personal, ["echo"])
        }
    }

    func testSDJWTVCBindsTheHolderKey() async throws {
        try await withHost { host in
            let holder = try JWK(.ed25519(try Ed25519PrivateKey().publicKey(), nil)).jsonValue()
            let issued = try await issue(host, format: "dc+sd-jwt", extra: #","holder_jwk":\#(holder.serialized)"#)
            let text = try XCTUnwrap(issued.stringValue)
            let keys = try await servedKeys(host)
            let verified = try SDJWTVCVerifier(issuerKeys: keys.values.map(\.0), expectedIssuer: Self.issuer, keyBinding: .notRequired)
                .verify(text, now: Int64(Date().timeIntervalSince1970))
            XCTAssertEqual(verified.sdJWT.processedPayload["cnf"]?["jwk"], holder)
        }
    }

    func testDataIntegrityCredentialsVerifyThroughTheirDIDKey() async throws {
        try await withHost { host in
            let keys = try await servedKeys(host)
            for (format, alg) in [("vc-di-ecdsa-jcs-2019", "ES256"), ("vc-di-eddsa-jcs-2022", "EdDSA")] {
                let document = try await issue(host, format: format, extra: #","subject_did":"did:example:holder-1""#)
                XCTAssertNotNil(document.objectValue, format)
                let verified = try await DataIntegrity.verify(document, resolver: DIDResolver(), clock: SystemCredentialClock())
                XCTAssertEqual(verified.proof.cryptosuite.rawValue, String(format.dropFirst("vc-di-".count)))
                let served = try XCTUnwrap(keys[verified.publicKey.thumbprint], format)
                XCTAssertEqual(served.1, "local")
                XCTAssertEqual(served.0.algorithm, alg)
                let credential = try VerifiableCredential(json: verified.document)
                XCTAssertEqual(credential.json["credentialSubject"], ["echo": true, "id": "did:example:holder-1"])
            }
        }
    }

    func testEveryIssuedCredentialsDigestIsInItsAuditRecord() async throws {
        try await withHost { host in
            for format in ["vc+jwt", "dc+sd-jwt", "vc-di-ecdsa-jcs-2019"] {
                let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey,
                                            body: HostHarness.echoBody(extra: #","credential_format":"\#(format)""#))
                XCTAssertEqual(r.status, 200, r.text)
                let json = try XCTUnwrap(r.json)
                let credential = try XCTUnwrap(json["credential"])
                let bytes = credential.stringValue.map { Array($0.utf8) } ?? credential.serializedBytes
                let id = try XCTUnwrap(json["id"]?.stringValue)
                let audit = try await host.send("GET", "/v1/audit", key: host.acmeKey)
                XCTAssertEqual(audit.status, 200, audit.text)
                let record = try XCTUnwrap(audit.json?["records"]?.arrayValue?.first { $0["verification_id"]?.stringValue == id })
                XCTAssertEqual(record["artifacts"]?["credential"]?.stringValue, "sha256:" + SHA256.hex(bytes), format)
            }
            let plain = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
            let id = try XCTUnwrap(plain.json?["id"]?.stringValue)
            let audit = try await host.send("GET", "/v1/audit", key: host.acmeKey)
            let record = try XCTUnwrap(audit.json?["records"]?.arrayValue?.first { $0["verification_id"]?.stringValue == id })
            XCTAssertNil(record["artifacts"]?["credential"], "no credential, no credential digest")
            XCTAssertEqual(record["artifacts"]?.objectValue.map { Array($0.keys).sorted() }, ["lineage", "privacy_receipt"],
                           "every stored verification has its lineage and privacy receipt, and no credential here")
        }
    }

    func testUnknownFormatIsRefusedWith400() async throws {
        try await withHost { host in
            let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey,
                                        body: HostHarness.echoBody(extra: #","credential_format":"mdoc""#))
            XCTAssertEqual(r.status, 400, r.text)
            XCTAssertEqual(r.json?["code"], "unsupported_credential_format")
        }
    }

    func testWithoutFormatTheAnswerCarriesNoCredential() async throws {
        try await withHost { host in
            let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertNil(r.json?["credential"])
            XCTAssertNil(r.json?["credential_format"])
        }
    }

    func testIssuerMetadataCarriesTheJWKS() async throws {
        try await withHost { host in
            let r = try await host.send("GET", "/.well-known/jwt-vc-issuer")
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual(r.headers["cache-control"], "max-age=300")
            XCTAssertEqual(r.json?["issuer"]?.stringValue, Self.issuer)
            XCTAssertEqual(r.json?["jwks"]?["keys"]?.arrayValue?.count, 4)
        }
    }

    func testHostWithoutCredentialsRefusesAFormatAndServesNoJWKS() async throws {
        let host = try await HostHarness()
        let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey,
                                    body: HostHarness.echoBody(extra: #","credential_format":"vc+jwt""#))
        XCTAssertEqual(r.status, 400, r.text)
        XCTAssertEqual(r.json?["code"], "unsupported_credential_format")
        let jwks = try await host.send("GET", "/.well-known/jwks.json")
        XCTAssertEqual(jwks.status, 404)
        await host.stop()
    }
}
