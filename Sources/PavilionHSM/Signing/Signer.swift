/// Something that holds a private key and signs with it, wherever the key
/// lives: in an HSM (``HSMSigner``) or in Pavilion's encrypted software key
/// store (``SoftwareKeyStore``, for `serve --dev`).
///
/// The shape suits JWS (RFC 7515): ``sign(_:)`` takes the whole signing input
/// and returns the signature exactly as the JWS `signature` member carries it,
/// before base64url. For ES256 that is raw `r || s` (64 bytes) of ECDSA over
/// SHA-256 of the input (RFC 7518 §3.4); ES384 the same with SHA-384 (96
/// bytes); for EdDSA the 64-byte Ed25519 signature of the input itself
/// (RFC 8037 §3.1). ``ECDSASignature`` converts to and from DER for X.509
/// and COSE users.
///
/// Thread line: implementations are safe to call from many threads at once.
public protocol Signer: Sendable {
    /// The key's identifier for a JWS `kid` and the JWKS: the RFC 7638
    /// thumbprint of ``publicKey``, base64url. Stable for the key's life.
    var keyID: String { get }
    /// The algorithm every signature uses (the JWS `alg`).
    var algorithm: SigningAlgorithm { get }
    /// The public key, for the JWKS and for verifiers.
    var publicKey: PublicKeyDescription { get }
    /// Sign `message`.
    /// - Parameter message: the bytes to sign, unhashed (for JWS, the ASCII
    ///   of `BASE64URL(header) . BASE64URL(payload)`).
    /// - Returns: the signature in JOSE form (see the protocol's summary).
    /// - Throws: ``SignerError`` when the key store or HSM fails.
    func sign(_ message: [UInt8]) throws(SignerError) -> [UInt8]
}
