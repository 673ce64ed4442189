/// How an RSA signature pads the hash.
public enum RSASignatureScheme: Sendable, Hashable {
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2), as JOSE RS256 uses it.
    case pkcs1v15(DigestAlgorithm)
    /// RSASSA-PSS (RFC 8017 §8.1) with MGF1 over the same hash and a salt as
    /// long as the hash, as JOSE PS256 uses it (RFC 7518 §3.5).
    case pss(DigestAlgorithm)

    var digest: DigestAlgorithm {
        switch self {
        case .pkcs1v15(let d), .pss(let d): return d
        }
    }

    var padding: OpenSSLKey.RSAPadding {
        switch self {
        case .pkcs1v15: return .pkcs1
        case .pss: return .pss
        }
    }
}
