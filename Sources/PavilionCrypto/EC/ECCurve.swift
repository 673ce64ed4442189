/// The NIST prime curves Pavilion uses for ECDSA and ECDH.
public enum ECCurve: String, Sendable, Hashable, CaseIterable {
    /// NIST P-256 (secp256r1, prime256v1).
    case p256 = "P-256"
    /// NIST P-384 (secp384r1).
    case p384 = "P-384"

    /// The length of one coordinate, of the private scalar, and of `r` or
    /// `s` in a raw signature, in bytes.
    public var coordinateLength: Int {
        switch self {
        case .p256: return 32
        case .p384: return 48
        }
    }

    /// The hash ECDSA uses with this curve in JOSE (ES256, ES384).
    public var digest: DigestAlgorithm {
        switch self {
        case .p256: return .sha256
        case .p384: return .sha384
        }
    }

    /// The curve named by OpenSSL's group name ("prime256v1", "P-256",
    /// "secp384r1", "P-384"), or `nil`.
    init?(groupName: String) {
        switch groupName {
        case "prime256v1", "P-256", "secp256r1": self = .p256
        case "secp384r1", "P-384": self = .p384
        default: return nil
        }
    }
}
