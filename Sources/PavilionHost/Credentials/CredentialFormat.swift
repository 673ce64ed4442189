/// The credential formats a verification request may ask for with
/// `"credential_format"`.
public enum CredentialFormat: String, Sendable, Hashable, CaseIterable {
    /// W3C VC 2.0 secured with VC-JOSE-COSE, a compact JWS (ES256).
    case vcJWT = "vc+jwt"
    /// SD-JWT VC (draft-ietf-oauth-sd-jwt-vc), every claim disclosable (ES256).
    case sdJWTVC = "dc+sd-jwt"
    /// W3C VC 2.0 with a Data Integrity proof, `ecdsa-jcs-2019` (P-256).
    case dataIntegrityECDSA = "vc-di-ecdsa-jcs-2019"
    /// W3C VC 2.0 with a Data Integrity proof, `eddsa-jcs-2022` (Ed25519).
    case dataIntegrityEdDSA = "vc-di-eddsa-jcs-2022"

    /// The media type of a credential in this format.
    public var mediaType: String {
        switch self {
        case .vcJWT: "application/vc+jwt"
        case .sdJWTVC: "application/dc+sd-jwt"
        case .dataIntegrityECDSA, .dataIntegrityEdDSA: "application/vc"
        }
    }

    /// Whether the key is an Ed25519 key (else ES256).
    var usesEdDSA: Bool { self == .dataIntegrityEdDSA }
}
