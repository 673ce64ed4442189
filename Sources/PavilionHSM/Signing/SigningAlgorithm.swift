/// A signature algorithm a ``Signer`` can use, named as JOSE names it
/// (RFC 7518 §3.1, RFC 8037 §3.1).
public enum SigningAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// ECDSA on P-256 over SHA-256; the signature is raw `r || s`, 64 bytes.
    case es256 = "ES256"
    /// ECDSA on P-384 over SHA-384; the signature is raw `r || s`, 96 bytes.
    case es384 = "ES384"
    /// Ed25519 (RFC 8032, pure); the signature is 64 bytes.
    case edDSA = "EdDSA"

    /// The JOSE curve name: `P-256`, `P-384` or `Ed25519`.
    public var curve: String {
        switch self {
        case .es256: "P-256"
        case .es384: "P-384"
        case .edDSA: "Ed25519"
        }
    }

    /// The length of one coordinate (or of an Ed25519 key) in bytes.
    public var coordinateLength: Int {
        switch self {
        case .es256, .edDSA: 32
        case .es384: 48
        }
    }

    /// The length of a signature in its JOSE form, in bytes.
    public var signatureLength: Int { 2 * coordinateLength }

    /// The length of the public key's raw form: an uncompressed point
    /// `0x04 || X || Y` for ECDSA, 32 bytes for Ed25519.
    public var publicKeyLength: Int {
        switch self {
        case .es256, .es384: 1 + 2 * coordinateLength
        case .edDSA: 32
        }
    }
}
