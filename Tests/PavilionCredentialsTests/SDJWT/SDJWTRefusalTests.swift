import PavilionCore
import PavilionCredentials
import PavilionCrypto
import XCTest

/// Each way an SD-JWT or its key binding can be wrong is refused with its
/// own code.
final class SDJWTRefusalTests: XCTestCase {
    private let now: Int64 = 1_760_000_000
    private let audience = "https://verifier.example.org"
    private let nonce = "n-0S6_WzA2Mj"

    private func issue(_ keys: SDJWTTestKeys, holderKey: JWK? = nil) throws -> IssuedSDJWT {
        try SDJWTIssuer(signer: keys.issuerSigner).issue(
            claims: ["iss": "https://issuer.example", "given_name": "Erika", "family_name": "Mustermann", "nationalities": ["DE", "FR"]],
            policy: DisclosurePolicy(.paths([["given_name"], ["family_name"], ["nationalities", 0], ["nationalities", 1]])),
            holderKey: holderKey)
    }

    private func required(maxAge: Int64 = 300) -> KeyBindingPolicy {
        .required(KeyBindingExpectation(audience: audience, nonce: nonce, maxAge: maxAge))
    }

    /// A presentation of every disclosure, with a KB-JWT made from the given parts.
    private func present(_ keys: SDJWTTestKeys, issued: IssuedSDJWT, audience: String? = nil, nonce: String? = nil,
                         issuedAt: Int64? = nil, signer: JWKSigner? = nil) throws -> SDJWT {
        let received = try keys.verifier(keyBinding: .forbidden).verify(issued.sdJWT, now: now)
        return try SDJWTHolder.presentation(
            of: received, disclosing: [["given_name"], ["family_name"], ["nationalities", 0]],
            keyBinding: KeyBindingRequest(audience: audience ?? self.audience, nonce: nonce ?? self.nonce,
                                          issuedAt: issuedAt ?? now, signer: signer ?? keys.holderSigner))
    }

    // MARK: Disclosures

    func testATamperedDisclosureMatchesNoDigest() throws {
        let keys = try SDJWTTestKeys()
        var sdJWT = try issue(keys).sdJWT
        let original = try Disclosure(parsing: sdJWT.disclosures[0])
        let forged = try Disclosure(salt: original.salt, claimName: original.claimName, value: "Mallory")
        sdJWT.disclosures[0] = forged.encoded
        XCTAssertSDJWTError(try keys.verifier().verify(sdJWT, now: now), .disclosureWithoutDigest)
    }

    func testADisclosureWhoseDigestIsNotInSdIsRefused() throws {
        let keys = try SDJWTTestKeys()
        var sdJWT = try issue(keys).sdJWT
        sdJWT.disclosures.append(try Disclosure(claimName: "is_admin", value: true).encoded)
        XCTAssertSDJWTError(try keys.verifier().verify(sdJWT, now: now), .disclosureWithoutDigest)
    }

    func testADuplicatedDisclosureIsRefused() throws {
        let keys = try SDJWTTestKeys()
        var sdJWT = try issue(keys).sdJWT
        sdJWT.disclosures.append(sdJWT.disclosures[1])
        XCTAssertSDJWTError(try keys.verifier().verify(sdJWT, now: now), .duplicateDisclosure)
    }

    func testADigestAppearingTwiceInThePayloadIsRefused() throws {
        let keys = try SDJWTTestKeys()
        let name = try Disclosure(claimName: "given_name", value: "Erika")
        let sdJWT = try keys.sdJWT(payload: ["_sd": [.string(name.digest())], "nested": ["_sd": [.string(name.digest())]]],
                                   disclosures: [name])
        XCTAssertSDJWTError(try keys.verifier().verify(sdJWT, now: now), .duplicateDigest)
        let undisclosed = try keys.sdJWT(payload: ["_sd": [.string(name.digest()), .string(name.digest())]], disclosures: [])
        XCTAssertSDJWTError(try keys.verifier().verify(undisclosed, now: now), .duplicateDigest, "even without its disclosure")
    }

    func testADisclosedNameThatAlreadyExistsIsAClaimNameCollision() throws {
        let keys = try SDJWTTestKeys()
        let name = try Disclosure(claimName: "given_name", value: "Mallory")
        let sdJWT = try keys.sdJWT(payload: ["given_name": "Erika", "_sd": [.string(name.digest())]], disclosures: [name])
        XCTAssertSDJWTError(try keys.verifier().verify(sdJWT, now: now), .claimNameCollision)
    }

    func testReservedNamesAndMisplacedDisclosuresAreRefused() throws {
        let keys = try SDJWTTestKeys()
        let element = try Disclosure(claimName: nil, value: "DE")
        let property = try Disclosure(claimName: "given_name", value: "Erika")
        let cases: [([String: JSONValue], [Disclosure], SDJWTError.Code, String)] = [
            (["_sd": [.string(element.digest())]], [element], .reservedNameMisuse, "array-element disclosure in _sd"),
            (["list": [["...": .string(property.digest())]]], [property], .reservedNameMisuse, "property disclosure in an array"),
            (["list": [["...": .string(element.digest()), "x": 1]]], [element], .reservedNameMisuse, "... with another member"),
            (["obj": ["...": .string(element.digest())]], [element], .reservedNameMisuse, "... outside an array"),
            (["obj": ["_sd_alg": "sha-256"]], [], .reservedNameMisuse, "_sd_alg below the top level"),
            (["_sd": "not-an-array"], [], .invalidPayload, "_sd not an array"),
            (["_sd": [1]], [], .invalidPayload, "_sd holding a number"),
        ]
        for (payload, disclosures, code, label) in cases {
            XCTAssertSDJWTError(try keys.verifier().verify(try keys.sdJWT(payload: payload, disclosures: disclosures), now: now), code, label)
        }
        let reserved = Base64URL.encode(Array(#"["salt", "_sd", 1]"#.utf8))
        XCTAssertSDJWTError(try Disclosure(parsing: reserved), .reservedNameMisuse)
        let dots = Base64URL.encode(Array(#"["salt", "...", 1]"#.utf8))
        XCTAssertSDJWTError(try Disclosure(parsing: dots), .reservedNameMisuse)
    }

    func testMalformedDisclosuresAreRefused() throws {
        for (text, label) in [("not base64!", "not base64url"), (Base64URL.encode(Array("{}".utf8)), "an object"),
                              (Base64URL.encode(Array(#"["s"]"#.utf8)), "one element"),
                              (Base64URL.encode(Array(#"["s","n",1,2]"#.utf8)), "four elements"),
                              (Base64URL.encode(Array(#"[1,"n",1]"#.utf8)), "numeric salt"),
                              (Base64URL.encode(Array(#"["s",2,1]"#.utf8)), "numeric name"),
                              (Base64URL.encode(Array(#"["s","n","#.utf8)), "truncated JSON"),
                              (Base64URL.encode([0x5B, 0x22, 0xFF, 0x22, 0x2C, 0x31, 0x5D]), "invalid UTF-8"),
                              ("WyJzIiwgMV0=", "padded")] {
            XCTAssertSDJWTError(try Disclosure(parsing: text), .invalidDisclosure, label)
        }
    }

    func testAnUnknownOrDisallowedSdAlgIsRefused() throws {
        let keys = try SDJWTTestKeys()
        XCTAssertSDJWTError(try keys.verifier().verify(try keys.sdJWT(payload: ["_sd_alg": "md5"], disclosures: []), now: now),
                            .unsupportedHashAlgorithm)
        XCTAssertSDJWTError(try keys.verifier().verify(try keys.sdJWT(payload: ["_sd_alg": 256], disclosures: []), now: now),
                            .unsupportedHashAlgorithm)
        let onlySHA256 = SDJWTVerifier(issuerKeys: [keys.issuer.publicJWK], allowedHashAlgorithms: [.sha256], keyBinding: .notRequired)
        XCTAssertSDJWTError(try onlySHA256.verify(try keys.sdJWT(payload: ["_sd_alg": "sha-512"], disclosures: []), now: now),
                            .unsupportedHashAlgorithm)
        // Digests made with SHA-256 under a payload that claims SHA-512 match nothing.
        let name = try Disclosure(claimName: "given_name", value: "Erika")
        let mislabelled = try keys.sdJWT(payload: ["_sd_alg": "sha-512", "_sd": [.string(name.digest(using: .sha256))]], disclosures: [name])
        XCTAssertSDJWTError(try keys.verifier().verify(mislabelled, now: now), .disclosureWithoutDigest)
    }

    // MARK: Issuer signature

    func testAlgNoneIsRefused() throws {
        let keys = try SDJWTTestKeys()
        let header = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8))
        let payload = Base64URL.encode(Array(#"{"iss":"https://issuer.example"}"#.utf8))
        let error = try XCTUnwrap(Result { try keys.verifier().verify("\(header).\(payload).~", now: now) }.failure as? SDJWTError)
        XCTAssertEqual(error.code, .issuerSignatureInvalid)
        XCTAssertEqual(error.underlying?.code, .unsecuredJWSRefused)
    }

    func testASwappedAlgorithmIsRefused() throws {
        let keys = try SDJWTTestKeys()
        let sdJWT = try issue(keys).sdJWT
        let parts = sdJWT.issuerSignedJWT.split(separator: ".").map(String.init)
        for alg in ["ES384", "HS256", "EdDSA", "RS256"] {
            let header = Base64URL.encode(Array(#"{"alg":"\#(alg)"}"#.utf8))
            var swapped = sdJWT
            swapped.issuerSignedJWT = "\(header).\(parts[1]).\(parts[2])"
            XCTAssertSDJWTError(try keys.verifier().verify(swapped, now: now), .issuerSignatureInvalid, alg)
        }
        // Another key of the right type does not verify either.
        let other = try SDJWTTestKeys()
        XCTAssertSDJWTError(try other.verifier().verify(sdJWT, now: now), .issuerKeyUnknown, "the kid names a key the verifier lacks")
        let noKid = SDJWTVerifier(issuerKeys: [JWK(other.issuer.publicJWK.material)], keyBinding: .notRequired)
        XCTAssertSDJWTError(try noKid.verify(sdJWT, now: now), .issuerSignatureInvalid)
    }

    func testATamperedPayloadFailsTheSignature() throws {
        let keys = try SDJWTTestKeys()
        var sdJWT = try issue(keys).sdJWT
        let parts = sdJWT.issuerSignedJWT.split(separator: ".").map(String.init)
        let forged = Base64URL.encode(Array(#"{"iss":"https://issuer.example","given_name":"Mallory"}"#.utf8))
        sdJWT.issuerSignedJWT = "\(parts[0]).\(forged).\(parts[2])"
        XCTAssertSDJWTError(try keys.verifier().verify(sdJWT, now: now), .issuerSignatureInvalid)
    }

    func testTheWrongTypIsRefused() throws {
        let keys = try SDJWTTestKeys()
        let sdJWT = try keys.sdJWT(payload: [:], disclosures: [], header: ["typ": "JWT"])
        let verifier = SDJWTVerifier(issuerKeys: [keys.issuer.publicJWK], expectedType: "dc+sd-jwt", keyBinding: .notRequired)
        XCTAssertSDJWTError(try verifier.verify(sdJWT, now: now), .unexpectedType)
    }

    func testExpiredAndNotYetValidCredentialsAreRefused() throws {
        let keys = try SDJWTTestKeys()
        let verifier = keys.verifier()
        XCTAssertSDJWTError(try verifier.verify(try keys.sdJWT(payload: ["exp": .int(now - 61)], disclosures: []), now: now), .expired)
        XCTAssertSDJWTError(try verifier.verify(try keys.sdJWT(payload: ["nbf": .int(now + 61)], disclosures: []), now: now), .notYetValid)
        XCTAssertSDJWTError(try verifier.verify(try keys.sdJWT(payload: ["iat": .int(now + 61)], disclosures: []), now: now), .notYetValid)
        XCTAssertSDJWTError(try verifier.verify(try keys.sdJWT(payload: ["exp": "tomorrow"], disclosures: []), now: now), .invalidClaim)
        // A disclosed exp counts too.
        let exp = try Disclosure(claimName: "exp", value: .int(now - 100))
        XCTAssertSDJWTError(try verifier.verify(try keys.sdJWT(payload: ["_sd": [.string(exp.digest())]], disclosures: [exp]), now: now),
                            .expired)
        XCTAssertNoThrow(try verifier.verify(try keys.sdJWT(payload: ["exp": .int(now + 10)], disclosures: []), now: now))
    }

    func testMalformedSerialisationsAreRefused() throws {
        let keys = try SDJWTTestKeys()
        let jwt = try issue(keys).sdJWT.issuerSignedJWT
        for (text, label) in [(jwt, "no tilde"), ("\(jwt)~~", "empty disclosure"), ("~", "empty JWT"), ("a.b~", "two-part JWT"),
                              ("\(jwt)~WyJz", "last part neither empty nor a JWT")] {
            XCTAssertSDJWTError(try keys.verifier().verify(text, now: now), .invalidSerialization, label)
        }
    }

    // MARK: Key binding

    func testKeyBindingChecksEachClaim() throws {
        let keys = try SDJWTTestKeys()
        let issued = try issue(keys, holderKey: keys.holder)
        let verifier = keys.verifier(keyBinding: required())
        XCTAssertNoThrow(try verifier.verify(try present(keys, issued: issued), now: now))
        XCTAssertSDJWTError(try verifier.verify(try present(keys, issued: issued, nonce: "other"), now: now), .kbNonceMismatch)
        XCTAssertSDJWTError(try verifier.verify(try present(keys, issued: issued, audience: "https://evil.example"), now: now),
                            .kbAudienceMismatch)
        XCTAssertSDJWTError(try verifier.verify(try present(keys, issued: issued, issuedAt: now - 600), now: now), .kbExpired)
        XCTAssertSDJWTError(try verifier.verify(try present(keys, issued: issued, issuedAt: now + 600), now: now), .kbIssuedInFuture)
        let stranger = try SDJWTTestKeys()
        XCTAssertSDJWTError(try verifier.verify(try present(keys, issued: issued, signer: stranger.holderSigner), now: now),
                            .kbSignatureInvalid)
    }

    func testAKeyBindingJWTOverOtherDisclosuresHasTheWrongSdHash() throws {
        let keys = try SDJWTTestKeys()
        var presentation = try present(keys, issued: try issue(keys, holderKey: keys.holder))
        presentation.disclosures.removeLast()
        XCTAssertSDJWTError(try keys.verifier(keyBinding: required()).verify(presentation, now: now), .kbSdHashMismatch)
    }

    func testAKeyBindingJWTWithoutKbJwtTypOrWithNoneIsRefused() throws {
        let keys = try SDJWTTestKeys()
        var presentation = try present(keys, issued: try issue(keys, holderKey: keys.holder))
        let claims: JSONValue = ["iat": .int(now), "aud": .string(audience), "nonce": .string(nonce),
                                 "sd_hash": .string(SDJWTHashAlgorithm.sha256.digest(of: presentation.sdJWTPart))]
        presentation.keyBindingJWT = try JWS.signCompact(payload: claims.serializedBytes, signer: keys.holderSigner, header: ["typ": "JWT"])
        XCTAssertSDJWTError(try keys.verifier(keyBinding: required()).verify(presentation, now: now), .kbInvalidHeader)
        let none = Base64URL.encode(Array(#"{"alg":"none","typ":"kb+jwt"}"#.utf8))
        presentation.keyBindingJWT = "\(none).\(Base64URL.encode(claims.serializedBytes))."
        let error = try XCTUnwrap(Result { try keys.verifier(keyBinding: required()).verify(presentation, now: now) }.failure as? SDJWTError)
        XCTAssertEqual(error.code, .kbSignatureInvalid)
        XCTAssertEqual(error.underlying?.code, .unsecuredJWSRefused)
        var noNonce = claims.objectValue ?? [:]
        noNonce["nonce"] = nil
        presentation.keyBindingJWT = try JWS.signCompact(payload: JSONValue.object(noNonce).serializedBytes, signer: keys.holderSigner,
                                                         header: ["typ": "kb+jwt"])
        XCTAssertSDJWTError(try keys.verifier(keyBinding: required()).verify(presentation, now: now), .kbMissingClaim)
    }

    func testKeyBindingRequiredButAbsentOrWithoutCnfIsRefused() throws {
        let keys = try SDJWTTestKeys()
        let bound = try issue(keys, holderKey: keys.holder)
        XCTAssertSDJWTError(try keys.verifier(keyBinding: required()).verify(bound.sdJWT, now: now), .kbMissing)
        let unbound = try issue(keys)
        XCTAssertSDJWTError(try keys.verifier(keyBinding: required()).verify(try present(keys, issued: unbound), now: now), .cnfMissing)
    }

    func testAHolderRefusesAnIssuanceThatCarriesAKeyBindingJWT() throws {
        let keys = try SDJWTTestKeys()
        let presentation = try present(keys, issued: try issue(keys, holderKey: keys.holder))
        XCTAssertSDJWTError(try keys.verifier(keyBinding: .forbidden).verify(presentation, now: now), .kbUnexpected)
    }
}

extension Result where Success == VerifiedSDJWT, Failure == any Error {
    init(_ body: () throws -> VerifiedSDJWT) {
        do { self = .success(try body()) } catch { self = .failure(error) }
    }

    var failure: (any Error)? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
