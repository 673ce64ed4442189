import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import XCTest

final class JWTTests: XCTestCase {
    let t0 = 1_700_000_000.0
    var clock: FixedCredentialClock { FixedCredentialClock(unixTime: t0) }

    private func key() throws -> JWK {
        let k = try ECPrivateKey(curve: .p256)
        return JWK(.ec(k.publicKey, k)).withThumbprintKeyID()
    }

    private func token(_ claims: [String: JSONValue], key: JWK, type: String? = "example+jwt") throws -> String {
        try JWT.sign(claims: claims, signer: JWKSigner(key: key, algorithm: .es256), type: type)
    }

    private func assertRefused(_ token: String, key: JWK, _ code: JWTError.Code, type: String? = "example+jwt",
                               validator: JWTClaimsValidator = JWTClaimsValidator(), clock: FixedCredentialClock? = nil,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try JWT.verify(token, key: key.publicJWK, allowedAlgorithms: [.es256], expectedType: type,
                                            validator: validator, clock: clock ?? self.clock), file: file, line: line) { error in
            XCTAssertEqual((error as? JWTError)?.code, code, "\(error)", file: file, line: line)
        }
    }

    func testFreshTokenVerifies() throws {
        let key = try key()
        let jwt = try token(["iss": "https://issuer.example", "iat": .int(Int64(t0) - 10), "exp": .int(Int64(t0) + 300)], key: key)
        let verified = try JWT.verify(jwt, key: key.publicJWK, allowedAlgorithms: [.es256], expectedType: "application/EXAMPLE+jwt", clock: clock)
        XCTAssertEqual(verified.claims["iss"], "https://issuer.example")
        XCTAssertEqual(verified.header["kid"]?.stringValue, key.keyID)
    }

    func testExpiredTokenIsRejectedAfterLeeway() throws {
        let key = try key()
        let jwt = try token(["exp": .int(Int64(t0))], key: key)
        XCTAssertNoThrow(try JWT.verify(jwt, key: key.publicJWK, allowedAlgorithms: [.es256], expectedType: nil,
                                        validator: JWTClaimsValidator(leeway: 30), clock: clock.advanced(by: 29)))
        assertRefused(jwt, key: key, .expired, validator: JWTClaimsValidator(leeway: 30), clock: clock.advanced(by: 30))
        assertRefused(jwt, key: key, .expired, validator: JWTClaimsValidator(leeway: 0))
    }

    func testNotYetValidAndFutureIssuedTokensAreRejected() throws {
        let key = try key()
        assertRefused(try token(["nbf": .int(Int64(t0) + 120)], key: key), key: key, .notYetValid)
        assertRefused(try token(["iat": .double(t0 + 61.5)], key: key), key: key, .issuedInFuture)
        XCTAssertNoThrow(try JWT.verify(try token(["iat": .int(Int64(t0) + 59)], key: key), key: key.publicJWK,
                                        allowedAlgorithms: [.es256], expectedType: nil, clock: clock))
    }

    func testRequiredAndMaximumAgeClaims() throws {
        let key = try key()
        assertRefused(try token([:], key: key), key: key, .missingClaim, validator: JWTClaimsValidator(requireExpiration: true))
        assertRefused(try token([:], key: key), key: key, .missingClaim, validator: JWTClaimsValidator(requireIssuedAt: true))
        assertRefused(try token(["iat": .int(Int64(t0) - 3700)], key: key), key: key, .tooOld, validator: JWTClaimsValidator(maximumAge: 3600))
    }

    func testMistypedClaimsAreRejected() throws {
        let key = try key()
        assertRefused(try token(["exp": "tomorrow"], key: key), key: key, .malformedClaims)
        assertRefused(try token(["iss": 5], key: key), key: key, .malformedClaims)
        assertRefused(try token(["aud": [1]], key: key), key: key, .malformedClaims)
        let signer = try JWKSigner(key: key, algorithm: .es256)
        assertRefused(try JWS.signCompact(payload: Array("[1]".utf8), signer: signer, header: ["typ": "example+jwt"]), key: key, .malformedClaims)
        assertRefused(try JWS.signCompact(payload: Array("{\"a\":1,\"a\":2}".utf8), signer: signer, header: ["typ": "example+jwt"]), key: key, .malformedClaims)
    }

    func testTypeMustMatch() throws {
        let key = try key()
        assertRefused(try token([:], key: key, type: "jwt"), key: key, .typeMismatch)
        assertRefused(try token([:], key: key, type: nil), key: key, .typeMismatch)
    }

    func testSignatureFailuresKeepTheJOSEReason() throws {
        let key = try key()
        let jwt = try token(["sub": "a"], key: key)
        var parts = jwt.split(separator: ".").map(String.init)
        parts[1] = Base64URL.encode(Array("{\"sub\":\"b\"}".utf8))
        XCTAssertThrowsError(try JWT.verify(parts.joined(separator: "."), key: key.publicJWK, allowedAlgorithms: [.es256],
                                            expectedType: nil, clock: clock)) { error in
            XCTAssertEqual((error as? JWTError)?.code, .signature)
            XCTAssertEqual((error as? JWTError)?.jose?.code, .badSignature)
        }
        assertRefused(String(jwt.dropLast(10)), key: key, .signature)
        assertRefused("a.b", key: key, .signature)
    }
}
