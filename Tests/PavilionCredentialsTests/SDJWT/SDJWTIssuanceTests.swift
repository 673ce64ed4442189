import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionHSM
import PavilionTestSupport
import XCTest

/// Pavilion issues, a holder presents, Pavilion verifies.
final class SDJWTIssuanceTests: XCTestCase {
    private let now: Int64 = 1_760_000_000
    private let claims: [String: JSONValue] = [
        "iss": "https://issuer.pavilion.example", "iat": 1_760_000_000, "exp": 1_760_086_400,
        "given_name": "Erika", "family_name": "Mustermann",
        "address": ["street_address": "Heidestraße 17", "locality": "Köln", "country": "DE"],
        "nationalities": ["DE", "FR", "UK"],
    ]

    private func expectation() -> KeyBindingExpectation {
        KeyBindingExpectation(audience: "https://verifier.example.org", nonce: "n-0S6_WzA2Mj")
    }

    func testIssuedClaimsRoundTripThroughAHolderPresentationWithKeyBinding() throws {
        let keys = try SDJWTTestKeys()
        let policy = DisclosurePolicy(.paths([["given_name"], ["family_name"], ["address"], ["address", "locality"],
                                              ["nationalities", 0], ["nationalities", 1], ["nationalities", 2]]),
                                      decoysPerObject: 2...4)
        let issued = try SDJWTIssuer(signer: keys.issuerSigner, type: "example+sd-jwt")
            .issue(claims: claims, policy: policy, holderKey: keys.holder)
        XCTAssertEqual(issued.disclosures.count, 7)
        XCTAssertEqual(issued.payload["_sd_alg"], "sha-256")
        XCTAssertNil(issued.payload["given_name"])
        XCTAssertEqual(issued.payload["cnf"]?["jwk"]?["d"], nil, "only the public holder key goes into cnf")
        for disclosure in issued.disclosures {
            XCTAssertEqual(try Base64URL.decode(disclosure.salt).count, 16, "128-bit salts")
        }

        let received = try keys.verifier(keyBinding: .forbidden).verify(issued.sdJWT.serialized, now: now)
        XCTAssertEqual(JSONValue.object(received.processedPayload)["address"]?["locality"], "Köln")
        XCTAssertEqual(received.processedPayload["nationalities"], ["DE", "FR", "UK"])

        let presentation = try SDJWTHolder.presentation(
            of: received, disclosing: [["given_name"], ["address", "country"], ["nationalities", 1]],
            keyBinding: KeyBindingRequest(audience: "https://verifier.example.org", nonce: "n-0S6_WzA2Mj", issuedAt: now,
                                          signer: keys.holderSigner))
        XCTAssertEqual(presentation.disclosures.count, 3, "given_name, address (which holds the plain country) and FR; not locality")
        let verified = try keys.verifier(keyBinding: .required(expectation())).verify(presentation.serialized, now: now + 5)
        XCTAssertEqual(verified.processedPayload["given_name"], "Erika")
        XCTAssertNil(verified.processedPayload["family_name"])
        XCTAssertEqual(verified.processedPayload["address"], ["street_address": "Heidestraße 17", "country": "DE"])
        XCTAssertEqual(verified.processedPayload["nationalities"], ["FR"])
        XCTAssertEqual(verified.keyBinding?.nonce, "n-0S6_WzA2Mj")
    }

    func testDecoyCountStaysInRangeAndEveryDigestIsDistinct() throws {
        let keys = try SDJWTTestKeys()
        let issuer = SDJWTIssuer(signer: keys.issuerSigner)
        for _ in 0..<10 {
            let issued = try issuer.issue(claims: claims, policy: DisclosurePolicy(.everything(exceptTopLevel: ["iss", "iat", "exp"]),
                                                                                    decoysPerObject: 3...5))
            // Objects with an _sd array: the top level and address.
            XCTAssertTrue((6...10).contains(issued.decoyCount), "\(issued.decoyCount)")
            let top = issued.payload["_sd"]?.arrayValue ?? []
            let inner = try Disclosure(parsing: try XCTUnwrap(issued.disclosures.first { $0.claimName == "address" }?.encoded))
            let nested = inner.value["_sd"]?.arrayValue ?? []
            XCTAssertEqual(top.count + nested.count, 7 + issued.decoyCount, "7 disclosed object members plus decoys")
            XCTAssertEqual(Set(top + nested).count, top.count + nested.count)
            let verified = try keys.verifier().verify(issued.sdJWT.serialized, now: now)
            XCTAssertEqual(JSONValue.object(verified.processedPayload), JSONValue.object(claims))
        }
    }

    func testDigestOrderIsShuffledNotTheClaimOrder() throws {
        let keys = try SDJWTTestKeys()
        var many: [String: JSONValue] = [:]
        for i in 0..<8 { many["claim\(i)"] = .int(Int64(i)) }
        var orders: Set<[String]> = []
        for _ in 0..<6 {
            let issued = try SDJWTIssuer(signer: keys.issuerSigner).issue(claims: many, policy: DisclosurePolicy(.everything(exceptTopLevel: [])))
            let digests = (issued.payload["_sd"]?.arrayValue ?? []).compactMap(\.stringValue)
            let byName = Dictionary(uniqueKeysWithValues: issued.disclosures.map { ($0.digest(), $0.claimName ?? "") })
            orders.insert(digests.compactMap { byName[$0] })
        }
        XCTAssertGreaterThan(orders.count, 1, "six issuances of eight claims in one order would mean no shuffle")
    }

    func testSHA384DigestsAreNamedInSdAlgAndVerify() throws {
        let keys = try SDJWTTestKeys()
        let issued = try SDJWTIssuer(signer: keys.issuerSigner, hashAlgorithm: .sha384)
            .issue(claims: claims, policy: DisclosurePolicy(.paths([["given_name"]])), holderKey: keys.holder)
        XCTAssertEqual(issued.payload["_sd_alg"], "sha-384")
        XCTAssertEqual(issued.payload["_sd"]?.arrayValue?.first?.stringValue?.count, 64)
        let received = try keys.verifier(keyBinding: .forbidden).verify(issued.sdJWT, now: now)
        let presentation = try SDJWTHolder.presentation(
            of: received, disclosing: [["given_name"]],
            keyBinding: KeyBindingRequest(audience: "https://verifier.example.org", nonce: "n-0S6_WzA2Mj", issuedAt: now, signer: keys.holderSigner))
        let verified = try keys.verifier(keyBinding: .required(expectation())).verify(presentation, now: now)
        XCTAssertEqual(verified.keyBinding?.sdHash.count, 64)
    }

    func testIssuanceRefusesReservedNamesAndUnknownPaths() throws {
        let keys = try SDJWTTestKeys()
        let issuer = SDJWTIssuer(signer: keys.issuerSigner)
        XCTAssertSDJWTError(try issuer.issue(claims: ["a": ["_sd": []]], policy: DisclosurePolicy(.paths([]))), .invalidIssuanceInput)
        XCTAssertSDJWTError(try issuer.issue(claims: ["...": 1], policy: DisclosurePolicy(.paths([]))), .invalidIssuanceInput)
        XCTAssertSDJWTError(try issuer.issue(claims: ["_sd_alg": "sha-256"], policy: DisclosurePolicy(.paths([]))), .invalidIssuanceInput)
        XCTAssertSDJWTError(try issuer.issue(claims: ["a": 1], policy: DisclosurePolicy(.paths([["b"]]))), .invalidIssuanceInput)
        XCTAssertSDJWTError(try issuer.issue(claims: ["cnf": [:]], policy: DisclosurePolicy(.paths([])), holderKey: keys.holder),
                            .invalidIssuanceInput)
        XCTAssertSDJWTError(try Disclosure(salt: "s", claimName: "_sd", value: 1), .reservedNameMisuse)
    }

    func testAnIssuerSigningThroughTheSoftwareKeyStoreVerifiesAgainstItsPublicKey() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("sdjwt-keys")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SoftwareKeyStore(directory: directory.appendingPathComponent("keys").path,
                                         masterKey: .bytes(try SecureRandom.bytes(32)))
        let signer = try store.generate(label: "sd-jwt-issuer", algorithm: .es256)
        let issued = try SDJWTIssuer(signer: signer, type: "example+sd-jwt")
            .issue(claims: claims, policy: DisclosurePolicy(.everything(exceptTopLevel: ["iss"]), decoysPerObject: 1...2))
        let header = try JWS.unverifiedHeader(ofCompact: issued.sdJWT.issuerSignedJWT)
        XCTAssertEqual(header["kid"]?.stringValue, signer.keyID)
        let publicKey = try JWK(json: .object(signer.publicKey.jwkMembers.mapValues { .string($0) }))
        let verified = try SDJWTVerifier(issuerKeys: [publicKey], expectedType: "example+sd-jwt", keyBinding: .notRequired)
            .verify(issued.sdJWT.serialized, now: now)
        XCTAssertEqual(JSONValue.object(verified.processedPayload), JSONValue.object(claims))
    }
}
