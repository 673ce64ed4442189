import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionHSM
import XCTest

final class VCJWTTests: XCTestCase {
    let clock = FixedCredentialClock(unixTime: 1_700_000_000)

    private func credential(issuer: String, validFrom: Date? = Date(timeIntervalSince1970: 1_699_990_000),
                            validUntil: Date? = Date(timeIntervalSince1970: 1_800_000_000)) throws -> VerifiableCredential {
        try VerifiableCredential(id: "urn:uuid:5e1b6c2a-3f4f-4bfa-9d5e-0c2c5b6f7a10", types: ["IdentityVerificationCredential"], issuer: issuer,
                                 subject: ["id": "did:example:holder", "kycMatch": true], validFrom: validFrom, validUntil: validUntil)
    }

    private func didSigner(_ algorithm: SigningAlgorithm) throws -> (SignerJWSAdapter<MemorySigner>, String) {
        let signer = try MemorySigner.generate(algorithm)
        let did = try DIDKey.did(for: signer.jwk)
        return (SignerJWSAdapter(signer, keyID: try DIDKey.verificationMethodID(for: signer.jwk)), did)
    }

    private func assertRefused(_ token: String, key: JWK, _ check: VCCheck, validator: JWTClaimsValidator = JWTClaimsValidator(),
                               clock: FixedCredentialClock? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try VCJWT.verify(token, key: key, validator: validator, clock: clock ?? self.clock), file: file, line: line) { error in
            XCTAssertEqual((error as? VCError)?.check, check, "\(error)", file: file, line: line)
        }
    }

    func testIssuedCredentialVerifiesForEveryAlgorithmThroughDIDKey() async throws {
        for algorithm in SigningAlgorithm.allCases {
            let (signer, did) = try didSigner(algorithm)
            let token = try VCJWT.secure(try credential(issuer: did), signer: signer, freshness: .init(issuedAt: clock.now))
            let header = try JWS.unverifiedHeader(ofCompact: token)
            XCTAssertEqual(header["typ"], "vc+jwt")
            XCTAssertNil(header["cty"])
            XCTAssertEqual(header["alg"]?.stringValue, algorithm.rawValue)
            let verified = try await VCJWT.verify(token, resolver: DIDResolver(), clock: clock)
            XCTAssertEqual(verified.credential.issuer, did)
            XCTAssertEqual(verified.credential.json["iat"], JSONValue.int(1_700_000_000))
            // The payload is the credential itself.
            let payload = try Base64URL.decode(token.split(separator: ".")[1])
            XCTAssertEqual(try JSONParser().parse(bytes: payload)["credentialSubject"]?["kycMatch"], true)
        }
    }

    func testTamperedCredentialFailsSignature() throws {
        let key = try MemorySigner.generate(.es256)
        let token = try VCJWT.secure(try credential(issuer: "https://issuer.example"), signer: JWKSigner(key: key.jwk, algorithm: .es256))
        var parts = token.split(separator: ".").map(String.init)
        var payload = try JSONParser().parse(bytes: Base64URL.decode(parts[1])).objectValue ?? [:]
        payload["credentialSubject"] = ["id": "did:example:holder", "kycMatch": false]
        parts[1] = Base64URL.encode(JSONValue.object(payload).serializedBytes)
        assertRefused(parts.joined(separator: "."), key: key.jwk.publicJWK, .signature)
        assertRefused(token, key: try MemorySigner.generate(.es256).jwk.publicJWK, .signature, clock: nil)
    }

    func testDisallowedAlgorithmsAreRefused() throws {
        let key = try MemorySigner.generate(.es256)
        let token = try VCJWT.secure(try credential(issuer: "https://issuer.example"), signer: JWKSigner(key: key.jwk, algorithm: .es256))
        XCTAssertThrowsError(try VCJWT.verify(token, key: key.jwk.publicJWK, allowedAlgorithms: [.ps256, .rs256], clock: clock)) { error in
            XCTAssertEqual((error as? VCError)?.check, .signature)
        }
        let none = Base64URL.encode(Array("{\"alg\":\"none\",\"typ\":\"vc+jwt\"}".utf8)) + "." + token.split(separator: ".")[1] + "."
        assertRefused(none, key: key.jwk.publicJWK, .signature)
    }

    func testWrongMediaTypeIsRefused() throws {
        let key = try MemorySigner.generate(.edDSA)
        let signer = try JWKSigner(key: key.jwk, algorithm: .edDSA)
        let payload = try credential(issuer: "https://issuer.example").jsonValue.serializedBytes
        for header: [String: JSONValue] in [["typ": "JWT"], [:], ["typ": "vc+sd-jwt"], ["typ": "vc+jwt", "cty": "json"]] {
            assertRefused(try JWS.signCompact(payload: payload, signer: signer, header: header), key: key.jwk.publicJWK, .mediaType)
        }
        XCTAssertNoThrow(try VCJWT.verify(JWS.signCompact(payload: payload, signer: signer, header: ["typ": "application/vc+jwt", "cty": "vc"]),
                                          key: key.jwk.publicJWK, clock: clock))
    }

    func testPayloadBreakingTheDataModelIsRefused() throws {
        let key = try MemorySigner.generate(.es256)
        let signer = try JWKSigner(key: key.jwk, algorithm: .es256)
        var members = try credential(issuer: "https://issuer.example").json
        members["@context"] = ["https://www.w3.org/2018/credentials/v1"]
        assertRefused(try JWT.sign(claims: members, signer: signer, type: "vc+jwt"), key: key.jwk.publicJWK, .dataModel)
        assertRefused(try JWS.signCompact(payload: Array("[]".utf8), signer: signer, header: ["typ": "vc+jwt"]), key: key.jwk.publicJWK, .dataModel)
    }

    func testIssuerMismatchesAreRefused() async throws {
        let key = try MemorySigner.generate(.es256)
        let signer = try JWKSigner(key: key.jwk, algorithm: .es256)
        var members = try credential(issuer: "https://issuer.example").json
        members["iss"] = "https://other.example"
        assertRefused(try JWT.sign(claims: members, signer: signer, type: "vc+jwt"), key: key.jwk.publicJWK, .issuer)
        // A did:key kid of another DID than the issuer.
        let (keySigner, _) = try didSigner(.es256)
        let (_, otherDID) = try didSigner(.es256)
        let token = try VCJWT.secure(try credential(issuer: otherDID), signer: keySigner)
        do {
            _ = try await VCJWT.verify(token, resolver: DIDResolver(), clock: clock)
            XCTFail("a key of another DID was accepted")
        } catch {
            XCTAssertEqual(error.check, .issuer)
        }
        let noKid = try VCJWT.secure(try credential(issuer: otherDID), signer: signer)
        do {
            _ = try await VCJWT.verify(noKid, resolver: DIDResolver(), clock: clock)
            XCTFail("no kid accepted")
        } catch {
            XCTAssertEqual(error.check, .keyResolution)
        }
    }

    func testValidityWindowAndFreshnessAreEnforced() throws {
        let key = try MemorySigner.generate(.es256)
        let signer = try JWKSigner(key: key.jwk, algorithm: .es256)
        let expired = try VCJWT.secure(try credential(issuer: "https://issuer.example", validUntil: clock.now.addingTimeInterval(-120)), signer: signer)
        assertRefused(expired, key: key.jwk.publicJWK, .validityPeriod)
        let early = try VCJWT.secure(try credential(issuer: "https://issuer.example", validFrom: clock.now.addingTimeInterval(600)), signer: signer)
        assertRefused(early, key: key.jwk.publicJWK, .validityPeriod)
        let jwtExpired = try VCJWT.secure(try credential(issuer: "https://issuer.example"), signer: signer,
                                          freshness: .init(issuedAt: clock.now.addingTimeInterval(-7200), expiresAt: clock.now.addingTimeInterval(-3600)))
        assertRefused(jwtExpired, key: key.jwk.publicJWK, .freshness)
        let stale = try VCJWT.secure(try credential(issuer: "https://issuer.example"), signer: signer, freshness: .init(issuedAt: clock.now.addingTimeInterval(-7200)))
        assertRefused(stale, key: key.jwk.publicJWK, .freshness, validator: JWTClaimsValidator(maximumAge: 3600))
        XCTAssertNoThrow(try VCJWT.verify(stale, key: key.jwk.publicJWK, clock: clock))
    }
}
