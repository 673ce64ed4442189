import PavilionCore

/// The claims of an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc) that Pavilion
/// issues: the registered ones by name, the rest in ``claims``.
public struct SDJWTVCClaims: Sendable {
    /// The SD-JWT VC media type and `typ`.
    public static let type = "dc+sd-jwt"
    /// Claims that must never be selectively disclosable (draft §3.2.2.2).
    public static let nonDisclosable: Set<String> = ["iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"]

    /// `iss`: the issuer identifier (an HTTPS URL for `/.well-known/jwt-vc-issuer`).
    public var issuer: String
    /// `vct`: the credential type.
    public var vct: String
    /// `vct#integrity`: the SRI hash of the type metadata document, if pinned.
    public var vctIntegrity: String?
    /// `iat`, Unix seconds; stays visible.
    public var issuedAt: Int64?
    /// `nbf`, Unix seconds.
    public var notBefore: Int64?
    /// `exp`, Unix seconds.
    public var expiresAt: Int64?
    /// `status`: e.g. `{"status_list": {"idx": 7, "uri": "…"}}`, filled by the status list service.
    public var status: JSONValue?
    /// `sub`, selectively disclosable like the other claims.
    public var subject: String?
    /// The credential's own claims, all selectively disclosable at every depth.
    public var claims: [String: JSONValue]

    /// - Parameters:
    ///   - issuer: `iss`.
    ///   - vct: `vct`.
    ///   - claims: the credential's claims.
    ///   - issuedAt: `iat`.
    ///   - notBefore: `nbf`.
    ///   - expiresAt: `exp`.
    ///   - status: `status`.
    ///   - subject: `sub`.
    ///   - vctIntegrity: `vct#integrity`.
    public init(issuer: String, vct: String, claims: [String: JSONValue], issuedAt: Int64? = nil, notBefore: Int64? = nil,
                expiresAt: Int64? = nil, status: JSONValue? = nil, subject: String? = nil, vctIntegrity: String? = nil) {
        self.issuer = issuer
        self.vct = vct
        self.claims = claims
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.expiresAt = expiresAt
        self.status = status
        self.subject = subject
        self.vctIntegrity = vctIntegrity
    }

    /// The JWT claims set: registered claims plus ``claims``.
    /// - Throws: ``SDJWTError`` `invalidIssuanceInput` when ``claims`` repeats a registered claim.
    func claimsSet() throws(SDJWTError) -> [String: JSONValue] {
        var set: [String: JSONValue] = ["iss": .string(issuer), "vct": .string(vct)]
        if let vctIntegrity { set["vct#integrity"] = .string(vctIntegrity) }
        if let issuedAt { set["iat"] = .int(issuedAt) }
        if let notBefore { set["nbf"] = .int(notBefore) }
        if let expiresAt { set["exp"] = .int(expiresAt) }
        if let status { set["status"] = status }
        if let subject { set["sub"] = .string(subject) }
        for (name, value) in claims {
            guard set[name] == nil, name != "cnf", name != "_sd_alg" else {
                throw SDJWTError(.invalidIssuanceInput, "\(name) is set through its own parameter, not in claims")
            }
            set[name] = value
        }
        return set
    }
}
