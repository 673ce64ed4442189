import PavilionCrypto

/// The hash functions for disclosure digests and `sd_hash`, named as the
/// IANA "Named Information Hash Algorithm" registry names them (the
/// `_sd_alg` value, RFC 9901 §4.1.1).
public enum SDJWTHashAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// SHA-256, the default when `_sd_alg` is absent.
    case sha256 = "sha-256"
    /// SHA-384.
    case sha384 = "sha-384"
    /// SHA-512.
    case sha512 = "sha-512"

    /// The base64url digest of the US-ASCII bytes of `text` (a disclosure,
    /// or the SD-JWT for `sd_hash`), RFC 9901 §4.2.3 and §4.3.1.
    /// - Parameter text: the encoded text, hashed as it is.
    /// - Returns: the digest, base64url without padding.
    public func digest(of text: some StringProtocol) -> String {
        Base64URL.encode(digestAlgorithm.hash(Array(text.utf8)))
    }

    /// The digest of raw bytes, base64url (for decoy digests).
    func digest(ofBytes bytes: [UInt8]) -> String { Base64URL.encode(digestAlgorithm.hash(bytes)) }

    private var digestAlgorithm: DigestAlgorithm {
        switch self {
        case .sha256: .sha256
        case .sha384: .sha384
        case .sha512: .sha512
        }
    }
}
