import PavilionCore

/// What a verifier expects of a Key Binding JWT (RFC 9901 §4.3, §7.3).
public struct KeyBindingExpectation: Sendable, Hashable {
    /// The verifier's identifier: `aud` must equal it.
    public var audience: String
    /// The nonce the verifier issued for this transaction.
    public var nonce: String
    /// How old `iat` may be, in seconds.
    public var maxAge: Int64
    /// The algorithms the holder's key may sign with (never `none`).
    public var allowedAlgorithms: Set<JWSAlgorithm>

    /// - Parameters:
    ///   - audience: the expected `aud`.
    ///   - nonce: the expected `nonce`.
    ///   - maxAge: the oldest acceptable `iat`, in seconds before now (5 minutes by default).
    ///   - allowedAlgorithms: the holder algorithms accepted (ES256, ES384, EdDSA by default).
    public init(audience: String, nonce: String, maxAge: Int64 = 300,
                allowedAlgorithms: Set<JWSAlgorithm> = [.es256, .es384, .edDSA]) {
        self.audience = audience
        self.nonce = nonce
        self.maxAge = maxAge
        self.allowedAlgorithms = allowedAlgorithms
    }
}

/// The claims of a verified Key Binding JWT.
public struct VerifiedKeyBinding: Sendable {
    /// The algorithm the holder signed with.
    public let algorithm: JWSAlgorithm
    /// The holder key (`cnf.jwk`) that verified it.
    public let holderKey: JWK
    /// `iat`, Unix seconds.
    public let issuedAt: Int64
    /// `aud`.
    public let audience: String
    /// `nonce`.
    public let nonce: String
    /// `sd_hash`.
    public let sdHash: String
    /// The whole KB-JWT payload.
    public let claims: [String: JSONValue]
}

/// Creating and checking Key Binding JWTs (`typ: kb+jwt`).
public enum KeyBindingJWT {
    /// The `typ` of a KB-JWT.
    public static let type = "kb+jwt"

    /// Sign a KB-JWT over an SD-JWT presentation.
    /// - Parameters:
    ///   - sdJWT: the presentation; its ``SDJWT/sdJWTPart`` is hashed into `sd_hash`.
    ///   - hashAlgorithm: the SD-JWT's `_sd_alg`.
    ///   - audience: the verifier (`aud`).
    ///   - nonce: the verifier's nonce.
    ///   - issuedAt: `iat`, Unix seconds.
    ///   - signer: the holder key whose public half is the SD-JWT's `cnf.jwk`.
    /// - Returns: the compact KB-JWT.
    /// - Throws: ``SDJWTError`` `cryptoFailure` when signing fails.
    public static func sign(over sdJWT: SDJWT, hashAlgorithm: SDJWTHashAlgorithm, audience: String, nonce: String,
                            issuedAt: Int64, signer: some JWSSigner) throws(SDJWTError) -> String {
        let claims: JSONValue = [
            "iat": .int(issuedAt), "aud": .string(audience), "nonce": .string(nonce),
            "sd_hash": .string(hashAlgorithm.digest(of: sdJWT.sdJWTPart)),
        ]
        do {
            return try JWS.signCompact(payload: claims.serializedBytes, signer: signer, header: ["typ": .string(type)])
        } catch {
            throw SDJWTError(.cryptoFailure, "signing the KB-JWT failed", underlying: error)
        }
    }

    /// Check the KB-JWT of `presentation` (RFC 9901 §7.3 step 5).
    /// - Parameters:
    ///   - presentation: the SD-JWT+KB.
    ///   - holderKey: the key from the SD-JWT's `cnf.jwk`.
    ///   - hashAlgorithm: the SD-JWT's `_sd_alg`.
    ///   - expectation: audience, nonce, age and algorithms.
    ///   - now: the verifier's time, Unix seconds.
    ///   - skew: the clock skew allowed, seconds.
    /// - Returns: the verified claims.
    /// - Throws: ``SDJWTError``: `kbMissing`, `kbSignatureInvalid`, `kbInvalidHeader`, `kbMissingClaim`,
    ///   `kbSdHashMismatch`, `kbNonceMismatch`, `kbAudienceMismatch`, `kbExpired`, `kbIssuedInFuture`.
    public static func verify(_ presentation: SDJWT, holderKey: JWK, hashAlgorithm: SDJWTHashAlgorithm,
                              expectation: KeyBindingExpectation, now: Int64, skew: Int64) throws(SDJWTError) -> VerifiedKeyBinding {
        guard let token = presentation.keyBindingJWT else {
            throw SDJWTError(.kbMissing, "key binding is required but the presentation ends with '~' (no KB-JWT)")
        }
        let verified: VerifiedJWS
        do {
            verified = try JWS.verifyCompact(token, key: holderKey, allowedAlgorithms: expectation.allowedAlgorithms)
        } catch {
            throw SDJWTError(.kbSignatureInvalid, "the KB-JWT does not verify with the holder key in cnf", underlying: error)
        }
        guard verified.protectedHeader["typ"] == .string(type) else {
            throw SDJWTError(.kbInvalidHeader, "the KB-JWT's typ is \(verified.protectedHeader["typ"]?.serialized ?? "absent"), not kb+jwt")
        }
        let claims: [String: JSONValue]
        do {
            guard let object = try JSONParser().parse(bytes: verified.payload).objectValue else {
                throw SDJWTError(.kbMissingClaim, "the KB-JWT payload is not a JSON object")
            }
            claims = object
        } catch let error as SDJWTError {
            throw error
        } catch {
            throw SDJWTError(.kbMissingClaim, "the KB-JWT payload is not JSON: \(error)")
        }
        func string(_ name: String) throws(SDJWTError) -> String {
            guard let value = claims[name] else { throw SDJWTError(.kbMissingClaim, "the KB-JWT has no \(name)") }
            guard let text = value.stringValue else { throw SDJWTError(.kbMissingClaim, "the KB-JWT's \(name) is a \(value.typeName), not a string") }
            return text
        }
        let sdHash = try string("sd_hash")
        let nonce = try string("nonce")
        let audience = try string("aud")
        let issuedAt: Int64
        do throws(SDJWTError) {
            guard let iat = try SDJWTTimeClaims.seconds("iat", in: claims) else { throw SDJWTError(.kbMissingClaim, "the KB-JWT has no iat") }
            issuedAt = iat
        } catch {
            throw SDJWTError(.kbMissingClaim, error.reason)
        }
        let expected = hashAlgorithm.digest(of: presentation.sdJWTPart)
        guard sdHash == expected else {
            throw SDJWTError(.kbSdHashMismatch, "sd_hash \(sdHash) is not the \(hashAlgorithm.rawValue) digest of the presented SD-JWT (\(expected))")
        }
        guard nonce == expectation.nonce else { throw SDJWTError(.kbNonceMismatch, "the KB-JWT's nonce is not the one this verifier issued") }
        guard audience == expectation.audience else {
            throw SDJWTError(.kbAudienceMismatch, "the KB-JWT is for \(audience), not \(expectation.audience)")
        }
        guard issuedAt <= now + skew else {
            throw SDJWTError(.kbIssuedInFuture, "the KB-JWT was issued at \(issuedAt), after now (\(now)) plus \(skew) s skew")
        }
        guard now - issuedAt <= expectation.maxAge + skew else {
            throw SDJWTError(.kbExpired, "the KB-JWT was issued at \(issuedAt), more than \(expectation.maxAge) s before now (\(now))")
        }
        return VerifiedKeyBinding(algorithm: verified.algorithm, holderKey: holderKey, issuedAt: issuedAt, audience: audience,
                                  nonce: nonce, sdHash: sdHash, claims: claims)
    }
}
