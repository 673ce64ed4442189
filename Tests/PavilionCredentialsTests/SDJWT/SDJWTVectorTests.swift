import PavilionCore
import PavilionCredentials
import XCTest

/// RFC 9901's examples (Tests/Fixtures/sd-jwt, see SOURCES): digests,
/// the issuer-signed JWTs with the Appendix A.5 key, the processed
/// payloads and the Key Binding JWTs.
final class SDJWTVectorTests: XCTestCase {
    /// The KB-JWTs of the examples were made at this time (their `iat`).
    private let exampleTime: Int64 = 1_748_537_243

    private func disclosureLists() throws -> [(String, [JSONValue])] {
        var lists: [(String, [JSONValue])] = []
        let section5 = try SDJWTFixtures.json("rfc9901-section5.json")
        lists.append(("5", try XCTUnwrap(section5["disclosures"]?.arrayValue)))
        let appendix = try SDJWTFixtures.json("rfc9901-appendix-a.json")
        for name in ["A.1", "A.2", "A.3", "A.4"] { lists.append((name, try XCTUnwrap(appendix[name]?["disclosures"]?.arrayValue))) }
        let section6 = try SDJWTFixtures.json("rfc9901-section6.json")
        for name in ["6.1", "6.2", "6.3"] { lists.append((name, try XCTUnwrap(section6[name]?["disclosures"]?.arrayValue))) }
        return lists
    }

    func testEveryRFCDisclosureHashesToItsPublishedDigest() throws {
        var count = 0
        for (section, list) in try disclosureLists() {
            for entry in list {
                let text = try SDJWTFixtures.string(entry["disclosure"])
                let disclosure = try Disclosure(parsing: text)
                XCTAssertEqual(disclosure.digest(), try SDJWTFixtures.string(entry["digest"]), "section \(section): \(text)")
                if let claim = entry["claim"]?.stringValue {
                    XCTAssertEqual(disclosure.claimName, claim, "section \(section)")
                } else {
                    XCTAssertNil(disclosure.claimName, "section \(section): an array element")
                }
                count += 1
            }
        }
        XCTAssertEqual(count, 87)
    }

    func testSection4DisclosureVariantsDecodeAlikeAndTheDigestIsOverTheText() throws {
        let vectors = try SDJWTFixtures.json("rfc9901-section4.json")
        let example = try XCTUnwrap(vectors["4.2.1"])
        let disclosure = try Disclosure(parsing: try SDJWTFixtures.string(example["disclosure"]))
        XCTAssertEqual(disclosure.digest(), try SDJWTFixtures.string(example["digest"]))
        XCTAssertEqual(disclosure.salt, "_26bc4LT-ac6q2KI6cBW5es")
        XCTAssertEqual(disclosure.claimName, "family_name")
        XCTAssertEqual(disclosure.value, "Möbius")
        for variant in try XCTUnwrap(example["variants"]?.arrayValue) {
            let other = try Disclosure(parsing: try SDJWTFixtures.string(variant))
            XCTAssertEqual(other.claimName, "family_name")
            XCTAssertEqual(other.value, "Möbius")
            XCTAssertNotEqual(other.digest(), disclosure.digest(), "each encoding has its own digest")
        }
        let element = try Disclosure(parsing: try SDJWTFixtures.string(vectors["4.2.2"]?["disclosure"]))
        XCTAssertNil(element.claimName)
        XCTAssertEqual(element.value, "FR")
    }

    func testSection5IssuanceVerifiesWithTheRFCKeyAndDisclosesEverything() throws {
        let example = try SDJWTFixtures.json("rfc9901-section5.json")
        let verifier = SDJWTVerifier(issuerKeys: [try SDJWTFixtures.rfcIssuerKey()], allowedAlgorithms: [.es256],
                                     expectedType: "example+sd-jwt", keyBinding: .forbidden)
        let issuance = try SDJWTFixtures.string(example["issuance"])
        let verified = try verifier.verify(issuance, now: exampleTime)
        XCTAssertEqual(verified.sdJWT.issuerSignedJWT, try SDJWTFixtures.string(example["issuer_signed_jwt"]))
        XCTAssertEqual(JSONValue.object(verified.signedPayload), example["sd_jwt_payload"])
        var expected = try SDJWTFixtures.object(example["user_claims"])
        for name in ["iss", "iat", "exp", "cnf"] { expected[name] = verified.signedPayload[name] }
        XCTAssertEqual(JSONValue.object(verified.processedPayload), JSONValue.object(expected))
        XCTAssertEqual(verified.disclosurePaths.map(\.description).sorted(),
                       ["[0]", "[1]", "address", "birthdate", "email", "family_name", "given_name",
                        "phone_number", "phone_number_verified", "updated_at"].map { $0.hasPrefix("[") ? "nationalities.\($0)" : $0 }.sorted())
        XCTAssertEqual(verified.sdJWT.serialized, issuance, "the serialisation round-trips")
    }

    func testSection5PresentationAndItsKeyBindingJWTVerify() throws {
        let example = try SDJWTFixtures.json("rfc9901-section5.json")
        let verifier = SDJWTVerifier(issuerKeys: [try SDJWTFixtures.rfcIssuerKey()], allowedAlgorithms: [.es256],
                                     expectedType: "example+sd-jwt",
                                     keyBinding: .required(KeyBindingExpectation(audience: "https://verifier.example.org", nonce: "1234567890")))
        let verified = try verifier.verify(try SDJWTFixtures.string(example["presentation"]), now: exampleTime + 10)
        XCTAssertEqual(JSONValue.object(verified.processedPayload), example["processed_payload"])
        let binding = try XCTUnwrap(verified.keyBinding)
        XCTAssertEqual(JSONValue.object(binding.claims), example["kb_jwt_payload"])
        XCTAssertEqual(binding.sdHash, "G3I8z-cFMATAK2ep8MXWk-vnjI3X6-aahYeU9Tvzz3E")
        XCTAssertEqual(binding.holderKey.thumbprint, try JWK(json: try XCTUnwrap(verified.processedPayload["cnf"]?["jwk"])).thumbprint)
    }

    func testAppendixAPresentationsVerifyToTheirProcessedPayloads() throws {
        let appendix = try SDJWTFixtures.json("rfc9901-appendix-a.json")
        let key = try SDJWTFixtures.rfcIssuerKey()
        let expectation = KeyBindingExpectation(audience: "https://verifier.example.org", nonce: "1234567890")
        for (name, type, binding) in [("A.1", "example+sd-jwt", false), ("A.2", "example+sd-jwt", false),
                                      ("A.3", "dc+sd-jwt", true), ("A.4", "example+sd-jwt", true)] {
            let example = try XCTUnwrap(appendix[name])
            let verifier = SDJWTVerifier(issuerKeys: [key], allowedAlgorithms: [.es256], expectedType: type,
                                         keyBinding: binding ? .required(expectation) : .notRequired)
            let verified = try verifier.verify(try SDJWTFixtures.string(example["presentation"]), now: exampleTime)
            XCTAssertEqual(JSONValue.object(verified.processedPayload), example["processed_payload"], name)
            XCTAssertEqual(verified.keyBinding != nil, binding, name)
            if let issuance = example["issuance"]?.stringValue {
                let all = try SDJWTVerifier(issuerKeys: [key], keyBinding: .forbidden).verify(issuance, now: exampleTime)
                XCTAssertEqual(all.disclosures.count, try XCTUnwrap(example["disclosures"]?.arrayValue).count, name)
            }
        }
    }

    func testAppendixA1DecoyDigestsMatchNoDisclosureAndAreIgnored() throws {
        let appendix = try SDJWTFixtures.json("rfc9901-appendix-a.json")
        let example = try XCTUnwrap(appendix["A.1"])
        let verified = try SDJWTVerifier(issuerKeys: [try SDJWTFixtures.rfcIssuerKey()], keyBinding: .notRequired)
            .verify(try SDJWTFixtures.string(example["presentation"]), now: exampleTime)
        let decoys = Set(try XCTUnwrap(example["decoy_digests"]?.arrayValue).compactMap(\.stringValue))
        XCTAssertEqual(decoys.count, 6)
        var signedDigests = Set((verified.signedPayload["_sd"]?.arrayValue ?? []).compactMap(\.stringValue))
        signedDigests.formUnion((verified.signedPayload["address"]?["_sd"]?.arrayValue ?? []).compactMap(\.stringValue))
        XCTAssertTrue(decoys.isSubset(of: signedDigests))
        let disclosed = Set(verified.disclosures.map { $0.digest() })
        XCTAssertTrue(decoys.isDisjoint(with: disclosed))
    }
}
