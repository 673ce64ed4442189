import PavilionCore

/// A verified SD-JWT VC.
public struct VerifiedSDJWTVC: Sendable {
    /// The SD-JWT checks and the processed payload.
    public let sdJWT: VerifiedSDJWT
    /// `iss`.
    public let issuer: String
    /// `vct`.
    public let vct: String
    /// `vct#integrity`, if present.
    public let vctIntegrity: String?
    /// `status`, for the status list check (done by the caller).
    public let status: JSONValue?
}

/// Verifies SD-JWT VCs: everything ``SDJWTVerifier`` checks, with `typ`
/// `dc+sd-jwt`, plus `iss` and `vct` present as strings, the registered
/// claims not selectively disclosed, `status` an object, and `iss` the
/// expected issuer when one is given.
public struct SDJWTVCVerifier: Sendable {
    /// The SD-JWT verifier underneath (its `expectedType` is `dc+sd-jwt`).
    public var base: SDJWTVerifier
    /// The issuer the credential must name, or `nil` to accept any `iss`
    /// signed with ``SDJWTVerifier/issuerKeys``.
    public var expectedIssuer: String?

    /// - Parameters:
    ///   - issuerKeys: the issuer's keys (e.g. from its ``JWTVCIssuerMetadata``).
    ///   - expectedIssuer: the required `iss`, if any.
    ///   - keyBinding: the key binding policy.
    ///   - allowedAlgorithms: issuer algorithms accepted.
    ///   - clockSkew: the skew tolerated on times, seconds.
    public init(issuerKeys: [JWK], expectedIssuer: String?, keyBinding: KeyBindingPolicy,
                allowedAlgorithms: Set<JWSAlgorithm> = [.es256, .es384, .edDSA], clockSkew: Int64 = 60) {
        base = SDJWTVerifier(issuerKeys: issuerKeys, allowedAlgorithms: allowedAlgorithms, expectedType: SDJWTVCClaims.type,
                             keyBinding: keyBinding, clockSkew: clockSkew)
        self.expectedIssuer = expectedIssuer
    }

    /// Verify a compact SD-JWT VC.
    /// - Parameters:
    ///   - text: the SD-JWT or SD-JWT+KB.
    ///   - now: the verifier's time, Unix seconds.
    /// - Returns: the verified credential.
    /// - Throws: ``SDJWTError``: everything ``SDJWTVerifier`` throws, plus
    ///   `vcMissingClaim` and `vcClaimMustNotBeDisclosable`, and
    ///   `issuerKeyUnknown` when `iss` is not the expected issuer.
    public func verify(_ text: String, now: Int64) throws(SDJWTError) -> VerifiedSDJWTVC {
        let verified = try base.verify(text, now: now)
        for path in verified.disclosurePaths {
            if path.components.count == 1, case .member(let name) = path.components[0], SDJWTVCClaims.nonDisclosable.contains(name) {
                throw SDJWTError(.vcClaimMustNotBeDisclosable, "\(name) was selectively disclosed; it must be in the clear")
            }
        }
        let payload = verified.processedPayload
        guard let issuer = payload["iss"]?.stringValue else { throw SDJWTError(.vcMissingClaim, "an SD-JWT VC needs iss as a string") }
        guard let vct = payload["vct"]?.stringValue, !vct.isEmpty else { throw SDJWTError(.vcMissingClaim, "an SD-JWT VC needs vct as a string") }
        if let expectedIssuer, issuer != expectedIssuer {
            throw SDJWTError(.issuerKeyUnknown, "iss is \(issuer), expected \(expectedIssuer)")
        }
        let integrity = payload["vct#integrity"]
        if let integrity, integrity.stringValue == nil { throw SDJWTError(.vcMissingClaim, "vct#integrity is not a string") }
        let status = payload["status"]
        if let status, status.objectValue == nil { throw SDJWTError(.vcMissingClaim, "status is a \(status.typeName), not an object") }
        if let cnf = payload["cnf"], cnf.objectValue == nil { throw SDJWTError(.vcMissingClaim, "cnf is not an object") }
        return VerifiedSDJWTVC(sdJWT: verified, issuer: issuer, vct: vct, vctIntegrity: integrity?.stringValue, status: status)
    }
}
