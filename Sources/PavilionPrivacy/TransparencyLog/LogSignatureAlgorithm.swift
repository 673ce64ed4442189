/// A signature algorithm for tree heads and receipts, named as JOSE names it
/// (RFC 7518 §3.1, RFC 8037 §3.1) so an HSM-backed `Signer` maps one to one.
public enum LogSignatureAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// Ed25519 (RFC 8032, pure); 32-byte keys, 64-byte signatures.
    case edDSA = "EdDSA"
    /// ECDSA on P-256 over SHA-256; the key is the uncompressed point
    /// (65 bytes), the signature raw `r || s` (64 bytes).
    case es256 = "ES256"
}
