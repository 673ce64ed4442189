import PavilionCore
import PavilionCredentials
import XCTest

/// SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): issuance, verification, issuer
/// and type metadata.
final class SDJWTVCTests: XCTestCase {
    private let now: Int64 = 1_760_000_000
    private let issuerID = "https://issuer.pavilion.example/tenants/acme"

    private func credential() -> SDJWTVCClaims {
        SDJWTVCClaims(issuer: issuerID, vct: "https://credentials.pavilion.example/identity_match",
                      claims: ["given_name": "Erika", "address": ["locality": "Köln", "country": "DE"], "age_over": ["18": true]],
                      issuedAt: now, notBefore: now, expiresAt: now + 86_400,
                      status: ["status_list": ["idx": 412, "uri": "https://issuer.pavilion.example/statuslists/1"]],
                      subject: "user-42")
    }

    func testAnIssuedVCKeepsRegisteredClaimsVisibleAndHidesTheRest() throws {
        let keys = try SDJWTTestKeys()
        let issued = try SDJWTVCIssuer(signer: keys.issuerSigner).issue(credential(), holderKey: keys.holder)
        let header = try JWS.unverifiedHeader(ofCompact: issued.sdJWT.issuerSignedJWT)
        XCTAssertEqual(header["typ"], "dc+sd-jwt")
        for name in ["iss", "vct", "iat", "nbf", "exp", "cnf", "status", "_sd_alg"] {
            XCTAssertNotNil(issued.payload[name], "\(name) stays in the clear")
        }
        for name in ["given_name", "address", "age_over", "sub"] { XCTAssertNil(issued.payload[name], "\(name) is hidden") }
        XCTAssertGreaterThanOrEqual(issued.decoyCount, 3, "decoys in the top level, address and age_over")

        let verifier = SDJWTVCVerifier(issuerKeys: [keys.issuer.publicJWK], expectedIssuer: issuerID, keyBinding: .forbidden)
        let received = try verifier.verify(issued.sdJWT.serialized, now: now)
        let presentation = try SDJWTHolder.presentation(
            of: received.sdJWT, disclosing: [["age_over", "18"]],
            keyBinding: KeyBindingRequest(audience: "https://rp.example", nonce: "abc", issuedAt: now + 30, signer: keys.holderSigner))
        var bound = verifier
        bound.base.keyBinding = .required(KeyBindingExpectation(audience: "https://rp.example", nonce: "abc"))
        let verified = try bound.verify(presentation.serialized, now: now + 40)
        XCTAssertEqual(verified.vct, "https://credentials.pavilion.example/identity_match")
        XCTAssertEqual(verified.issuer, issuerID)
        XCTAssertEqual(verified.status?["status_list"]?["idx"], 412)
        XCTAssertEqual(verified.sdJWT.processedPayload["age_over"], ["18": true])
        XCTAssertNil(verified.sdJWT.processedPayload["given_name"])
        XCTAssertNil(verified.sdJWT.processedPayload["sub"])
    }

    func testTheRFC9901AppendixA3PIDVerifiesAsAnSDJWTVC() throws {
        let example = try XCTUnwrap(try SDJWTFixtures.json("rfc9901-appendix-a.json")["A.3"])
        let verifier = SDJWTVCVerifier(issuerKeys: [try SDJWTFixtures.rfcIssuerKey()], expectedIssuer: "https://pid-issuer.bund.de.example",
                                       keyBinding: .required(KeyBindingExpectation(audience: "https://verifier.example.org", nonce: "1234567890")))
        let verified = try verifier.verify(try SDJWTFixtures.string(example["presentation"]), now: 1_748_537_243)
        XCTAssertEqual(verified.vct, "urn:eudi:pid:de:1")
        XCTAssertEqual(verified.sdJWT.processedPayload["age_equal_or_over"], ["18": true])
    }

    func testRegisteredClaimsMustNotBeSelectivelyDisclosed() throws {
        let keys = try SDJWTTestKeys()
        XCTAssertSDJWTError(try SDJWTVCIssuer(signer: keys.issuerSigner).issue(credential(), holderKey: nil, disclosable: [["exp"]]),
                            .vcClaimMustNotBeDisclosable)
        let verifier = SDJWTVCVerifier(issuerKeys: [keys.issuer.publicJWK], expectedIssuer: nil, keyBinding: .notRequired)
        for name in ["vct", "status", "cnf", "iss"] {
            let hidden = try Disclosure(claimName: name, value: name == "vct" || name == "iss" ? "x" : [:])
            var payload: [String: JSONValue] = ["iss": .string(issuerID), "vct": "x", "_sd": [.string(hidden.digest())]]
            payload[name] = nil
            let sdJWT = try keys.sdJWT(payload: payload, disclosures: [hidden], header: ["typ": "dc+sd-jwt"])
            XCTAssertSDJWTError(try verifier.verify(sdJWT.serialized, now: now), .vcClaimMustNotBeDisclosable, name)
        }
    }

    func testAVCWithoutVctOrWithTheOldTypIsRefused() throws {
        let keys = try SDJWTTestKeys()
        let verifier = SDJWTVCVerifier(issuerKeys: [keys.issuer.publicJWK], expectedIssuer: issuerID, keyBinding: .notRequired)
        let noVct = try keys.sdJWT(payload: ["iss": .string(issuerID)], disclosures: [], header: ["typ": "dc+sd-jwt"])
        XCTAssertSDJWTError(try verifier.verify(noVct.serialized, now: now), .vcMissingClaim)
        let oldTyp = try keys.sdJWT(payload: ["iss": .string(issuerID), "vct": "x"], disclosures: [], header: ["typ": "vc+sd-jwt"])
        XCTAssertSDJWTError(try verifier.verify(oldTyp.serialized, now: now), .unexpectedType)
        let otherIssuer = try keys.sdJWT(payload: ["iss": "https://other.example", "vct": "x"], disclosures: [], header: ["typ": "dc+sd-jwt"])
        XCTAssertSDJWTError(try verifier.verify(otherIssuer.serialized, now: now), .issuerKeyUnknown)
        let badStatus = try keys.sdJWT(payload: ["iss": .string(issuerID), "vct": "x", "status": "revoked"], disclosures: [],
                                       header: ["typ": "dc+sd-jwt"])
        XCTAssertSDJWTError(try verifier.verify(badStatus.serialized, now: now), .vcMissingClaim)
    }

    // MARK: Issuer metadata

    func testIssuerMetadataLivesUnderTheWellKnownPathAndRoundTrips() throws {
        XCTAssertEqual(try JWTVCIssuerMetadata.wellKnownURL(forIssuer: "https://example.com/tenant/1234"),
                       "https://example.com/.well-known/jwt-vc-issuer/tenant/1234")
        XCTAssertEqual(try JWTVCIssuerMetadata.wellKnownURL(forIssuer: "https://example.com"),
                       "https://example.com/.well-known/jwt-vc-issuer")
        XCTAssertEqual(try JWTVCIssuerMetadata.wellKnownURL(forIssuer: "https://example.com:8443/"),
                       "https://example.com:8443/.well-known/jwt-vc-issuer")
        for bad in ["http://example.com", "https://example.com/?q=1", "https://u@example.com", "https:///path", "example.com"] {
            XCTAssertSDJWTError(try JWTVCIssuerMetadata.wellKnownURL(forIssuer: bad), .metadataInvalid, bad)
        }

        let keys = try SDJWTTestKeys()
        let metadata = try JWTVCIssuerMetadata(issuer: issuerID, keys: .jwks(JWKSet(keys: [keys.issuer])))
        let served = try metadata.jsonValue()
        XCTAssertNil(served["jwks"]?["keys"]?.arrayValue?.first?["d"], "only public keys are served")
        let parsed = try JWTVCIssuerMetadata(parsing: served.serializedBytes, expectedIssuer: issuerID)
        guard case .jwks(let set) = parsed.keys else { return XCTFail("expected jwks") }
        XCTAssertEqual(set.keys.first?.thumbprint, keys.issuer.thumbprint)
        let byReference = try JWTVCIssuerMetadata(issuer: issuerID, keys: .jwksURI("https://issuer.pavilion.example/jwks.json"))
        XCTAssertEqual(try byReference.jsonValue()["jwks_uri"], "https://issuer.pavilion.example/jwks.json")
    }

    func testIssuerMetadataForAnotherIssuerOrWithBothKeyFormsIsRefused() throws {
        let other: JSONValue = ["issuer": "https://evil.example", "jwks_uri": "https://evil.example/jwks"]
        XCTAssertSDJWTError(try JWTVCIssuerMetadata(parsing: other.serializedBytes, expectedIssuer: issuerID), .metadataInvalid)
        let both: JSONValue = ["issuer": .string(issuerID), "jwks_uri": "https://x.example/jwks", "jwks": ["keys": []]]
        XCTAssertSDJWTError(try JWTVCIssuerMetadata(parsing: both.serializedBytes, expectedIssuer: issuerID), .metadataInvalid)
        let neither: JSONValue = ["issuer": .string(issuerID)]
        XCTAssertSDJWTError(try JWTVCIssuerMetadata(parsing: neither.serializedBytes, expectedIssuer: issuerID), .metadataInvalid)
        let plainHTTP: JSONValue = ["issuer": .string(issuerID), "jwks_uri": "http://x.example/jwks"]
        XCTAssertSDJWTError(try JWTVCIssuerMetadata(parsing: plainHTTP.serializedBytes, expectedIssuer: issuerID), .metadataInvalid)
        XCTAssertSDJWTError(try JWTVCIssuerMetadata(parsing: Array("{".utf8), expectedIssuer: issuerID), .metadataInvalid)
    }

    // MARK: Type metadata

    /// A registry of documents: the seam where the host's HTTP client goes.
    private struct Documents: SDJWTVCTypeMetadataSource {
        let byType: [String: [UInt8]]
        func typeMetadataDocument(for vct: String) async throws -> [UInt8] {
            guard let bytes = byType[vct] else { throw SDJWTError(.metadataInvalid, "404 for \(vct)") }
            return bytes
        }
    }

    func testTypeMetadataIsFetchedThroughTheHookWithItsExtendsChainAndIntegrity() async throws {
        let base = Array(#"{"vct":"https://types.example/base","name":"Base"}"#.utf8)
        let child = Array(#"{"vct":"https://types.example/child","name":"Child","extends":"https://types.example/base","extends#integrity":"\#(SDJWTVCTypeMetadata.integrity(of: base))"}"#.utf8)
        let source = Documents(byType: ["https://types.example/base": base, "https://types.example/child": child])
        let chain = try await SDJWTVCTypeMetadata.resolve(vct: "https://types.example/child",
                                                          integrity: SDJWTVCTypeMetadata.integrity(of: child), source: source)
        XCTAssertEqual(chain.map(\.name), ["Child", "Base"])

        await assertMetadataRefused(try await SDJWTVCTypeMetadata.resolve(vct: "https://types.example/child",
                                                                           integrity: SDJWTVCTypeMetadata.integrity(of: base), source: source),
                                    "integrity of another document")
        let tamperedBase = Documents(byType: ["https://types.example/base": Array(#"{"vct":"https://types.example/base"}"#.utf8),
                                              "https://types.example/child": child])
        await assertMetadataRefused(try await SDJWTVCTypeMetadata.resolve(vct: "https://types.example/child", integrity: nil,
                                                                           source: tamperedBase), "changed parent")
        let loop = Documents(byType: ["https://types.example/a": Array(#"{"vct":"https://types.example/a","extends":"https://types.example/a"}"#.utf8)])
        await assertMetadataRefused(try await SDJWTVCTypeMetadata.resolve(vct: "https://types.example/a", integrity: nil, source: loop), "cycle")
        await assertMetadataRefused(try await SDJWTVCTypeMetadata.resolve(vct: "https://types.example/missing", integrity: nil, source: loop),
                                    "fetch failure")
        let wrong = Documents(byType: ["https://types.example/a": Array(#"{"vct":"https://types.example/b"}"#.utf8)])
        await assertMetadataRefused(try await SDJWTVCTypeMetadata.resolve(vct: "https://types.example/a", integrity: nil, source: wrong),
                                    "document for another vct")
    }

    private func assertMetadataRefused(_ expression: @autoclosure () async throws -> [SDJWTVCTypeMetadata], _ label: String,
                                       file: StaticString = #filePath, line: UInt = #line) async {
        do {
            _ = try await expression()
            XCTFail("\(label): accepted", file: file, line: line)
        } catch let error as SDJWTError {
            XCTAssertEqual(error.code, .metadataInvalid, label, file: file, line: line)
        } catch {
            XCTFail("\(label): \(error)", file: file, line: line)
        }
    }
}
