import PavilionCore

/// Whether a verifier requires key binding. The choice is the verifier's
/// policy and never depends on whether a KB-JWT was sent (RFC 9901 §7.3).
public enum KeyBindingPolicy: Sendable, Hashable {
    /// No KB-JWT is checked; one that is present is ignored and not reported.
    case notRequired
    /// A KB-JWT signed with the `cnf.jwk` key and meeting the expectation is required.
    case required(KeyBindingExpectation)
    /// A KB-JWT is refused: a holder receiving an issuance (RFC 9901 §7.2).
    case forbidden
}

/// An SD-JWT whose signature, disclosures and (when required) key binding
/// have been checked.
public struct VerifiedSDJWT: Sendable {
    /// The presentation as parsed.
    public let sdJWT: SDJWT
    /// The issuer-signed JWT's protected header.
    public let header: [String: JSONValue]
    /// The issuer-signed payload as signed (digests, `_sd_alg`).
    public let signedPayload: [String: JSONValue]
    /// The Processed SD-JWT Payload: disclosed claims in place, digests and `_sd_alg` removed.
    public let processedPayload: [String: JSONValue]
    /// The disclosures, in presentation order.
    public let disclosures: [Disclosure]
    /// Where each disclosure was placed, in the same order as ``disclosures``.
    public let disclosurePaths: [ClaimPath]
    /// The digest function used.
    public let hashAlgorithm: SDJWTHashAlgorithm
    /// The issuer key that verified the issuer-signed JWT.
    public let issuerKey: JWK
    /// The verified KB-JWT when key binding was required.
    public let keyBinding: VerifiedKeyBinding?
}

/// Verifies SD-JWTs and SD-JWT+KBs (RFC 9901 §7.1 and §7.3).
///
/// Checks, in order: the serialisation; the issuer signature with one of
/// ``issuerKeys`` and ``allowedAlgorithms`` (`none` and algorithm confusion
/// refused by JOSE); `typ` when ``expectedType`` is set; `_sd_alg`; each
/// disclosure against exactly one digest; `exp`/`nbf`/`iat`; then the KB-JWT
/// as ``keyBinding`` demands.
public struct SDJWTVerifier: Sendable {
    /// The issuer's public keys; a header `kid` picks among them.
    public var issuerKeys: [JWK]
    /// The algorithms the issuer may sign with.
    public var allowedAlgorithms: Set<JWSAlgorithm>
    /// The `_sd_alg` values accepted.
    public var allowedHashAlgorithms: Set<SDJWTHashAlgorithm>
    /// The `typ` the issuer-signed JWT must carry, or `nil` not to check it.
    public var expectedType: String?
    /// Key binding policy.
    public var keyBinding: KeyBindingPolicy
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, seconds.
    public var clockSkew: Int64

    /// - Parameters:
    ///   - issuerKeys: the issuer's public keys.
    ///   - allowedAlgorithms: issuer algorithms accepted (ES256, ES384, EdDSA by default).
    ///   - allowedHashAlgorithms: `_sd_alg` values accepted (SHA-256/384/512 by default).
    ///   - expectedType: the required `typ`, if any.
    ///   - keyBinding: the key binding policy.
    ///   - clockSkew: the skew tolerated, seconds (60 by default).
    public init(issuerKeys: [JWK], allowedAlgorithms: Set<JWSAlgorithm> = [.es256, .es384, .edDSA],
                allowedHashAlgorithms: Set<SDJWTHashAlgorithm> = Set(SDJWTHashAlgorithm.allCases),
                expectedType: String? = nil, keyBinding: KeyBindingPolicy, clockSkew: Int64 = 60) {
        self.issuerKeys = issuerKeys
        self.allowedAlgorithms = allowedAlgorithms
        self.allowedHashAlgorithms = allowedHashAlgorithms
        self.expectedType = expectedType
        self.keyBinding = keyBinding
        self.clockSkew = clockSkew
    }

    /// Verify a compact SD-JWT or SD-JWT+KB.
    /// - Parameters:
    ///   - text: the serialisation.
    ///   - now: the verifier's time, Unix seconds (the caller owns the clock).
    /// - Returns: the processed payload and what was checked.
    /// - Throws: ``SDJWTError`` naming the first check that failed.
    public func verify(_ text: String, now: Int64) throws(SDJWTError) -> VerifiedSDJWT {
        try verify(try SDJWT(parsing: text), now: now)
    }

    /// Verify a parsed SD-JWT or SD-JWT+KB.
    /// - Parameters:
    ///   - sdJWT: the presentation.
    ///   - now: the verifier's time, Unix seconds.
    /// - Returns: the processed payload and what was checked.
    /// - Throws: ``SDJWTError`` naming the first check that failed.
    public func verify(_ sdJWT: SDJWT, now: Int64) throws(SDJWTError) -> VerifiedSDJWT {
        if case .forbidden = keyBinding, sdJWT.keyBindingJWT != nil {
            throw SDJWTError(.kbUnexpected, "an issuance must not carry a KB-JWT")
        }
        let (issuerKey, jws) = try verifyIssuerSignature(sdJWT.issuerSignedJWT)
        if let expectedType {
            guard jws.protectedHeader["typ"] == .string(expectedType) else {
                throw SDJWTError(.unexpectedType, "typ is \(jws.protectedHeader["typ"]?.serialized ?? "absent"), expected \(expectedType)")
            }
        }
        let payload: [String: JSONValue]
        do {
            guard let object = try JSONParser().parse(bytes: jws.payload).objectValue else {
                throw SDJWTError(.invalidPayload, "the issuer-signed JWT's payload is not a JSON object")
            }
            payload = object
        } catch let error as SDJWTError {
            throw error
        } catch {
            throw SDJWTError(.invalidPayload, "the issuer-signed JWT's payload is not JSON: \(error)")
        }
        let hashAlgorithm = try Self.hashAlgorithm(of: payload, allowed: allowedHashAlgorithms)
        var disclosures: [Disclosure] = []
        for (index, text) in sdJWT.disclosures.enumerated() {
            do {
                disclosures.append(try Disclosure(parsing: text))
            } catch {
                throw SDJWTError(error.code, "disclosure \(index + 1): \(error.reason)")
            }
        }
        let processor = try SDJWTProcessor(payload: payload, disclosures: disclosures, hashAlgorithm: hashAlgorithm)
        try SDJWTTimeClaims.check(processor.processed, now: now, skew: clockSkew)
        var keyBindingResult: VerifiedKeyBinding?
        if case .required(let expectation) = keyBinding {
            let holderKey = try Self.holderKey(in: processor.processed)
            keyBindingResult = try KeyBindingJWT.verify(sdJWT, holderKey: holderKey, hashAlgorithm: hashAlgorithm,
                                                        expectation: expectation, now: now, skew: clockSkew)
        }
        return VerifiedSDJWT(sdJWT: sdJWT, header: jws.protectedHeader, signedPayload: payload,
                             processedPayload: processor.processed, disclosures: disclosures,
                             disclosurePaths: disclosures.indices.map { processor.paths[$0] ?? ClaimPath([]) },
                             hashAlgorithm: hashAlgorithm, issuerKey: issuerKey, keyBinding: keyBindingResult)
    }

    private func verifyIssuerSignature(_ jwt: String) throws(SDJWTError) -> (JWK, VerifiedJWS) {
        let header: [String: JSONValue]
        do { header = try JWS.unverifiedHeader(ofCompact: jwt) } catch {
            throw SDJWTError(.issuerSignatureInvalid, "the issuer-signed JWT's header is unreadable", underlying: error)
        }
        var candidates = issuerKeys
        if let kid = header["kid"]?.stringValue {
            candidates = issuerKeys.filter { $0.keyID == nil || $0.keyID == kid }
        }
        guard !candidates.isEmpty else { throw SDJWTError(.issuerKeyUnknown, "no issuer key has the kid the JWT names") }
        // Report the most telling refusal: a key of the wrong type says less
        // than `none`, a disallowed algorithm or a bad signature.
        var refusal: JOSEError?
        for key in candidates {
            do {
                return (key, try JWS.verifyCompact(jwt, key: key, allowedAlgorithms: allowedAlgorithms))
            } catch {
                if refusal == nil || refusal?.code == .keyMismatch { refusal = error }
            }
        }
        throw SDJWTError(.issuerSignatureInvalid, "the issuer-signed JWT does not verify with the issuer's keys", underlying: refusal)
    }

    static func hashAlgorithm(of payload: [String: JSONValue], allowed: Set<SDJWTHashAlgorithm>) throws(SDJWTError) -> SDJWTHashAlgorithm {
        guard let value = payload["_sd_alg"] else {
            guard allowed.contains(.sha256) else { throw SDJWTError(.unsupportedHashAlgorithm, "no _sd_alg (sha-256) and sha-256 is not allowed") }
            return .sha256
        }
        guard let name = value.stringValue else { throw SDJWTError(.unsupportedHashAlgorithm, "_sd_alg is a \(value.typeName), not a string") }
        guard let algorithm = SDJWTHashAlgorithm(rawValue: name), allowed.contains(algorithm) else {
            throw SDJWTError(.unsupportedHashAlgorithm, "_sd_alg \(name) is not supported or not allowed")
        }
        return algorithm
    }

    static func holderKey(in claims: [String: JSONValue]) throws(SDJWTError) -> JWK {
        guard let cnf = claims["cnf"] else { throw SDJWTError(.cnfMissing, "key binding is required but the SD-JWT has no cnf claim") }
        guard let jwk = cnf["jwk"] else { throw SDJWTError(.cnfMissing, "key binding is required but cnf has no jwk member") }
        do {
            let key = try JWK(json: jwk)
            guard !key.isPrivate else { throw SDJWTError(.cnfMissing, "cnf.jwk holds a private key") }
            return key
        } catch let error as SDJWTError {
            throw error
        } catch {
            throw SDJWTError(.cnfMissing, "cnf.jwk is not a usable key: \(error)")
        }
    }
}
