/// The JWS algorithms Pavilion signs and verifies with (RFC 7518 §3, RFC 8037).
public enum JWSAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// ECDSA with P-256 and SHA-256.
    case es256 = "ES256"
    /// ECDSA with P-384 and SHA-384.
    case es384 = "ES384"
    /// Ed25519 (RFC 8037).
    case edDSA = "EdDSA"
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
    case ps256 = "PS256"
    /// RSASSA-PKCS1-v1_5 with SHA-256, for verifying legacy issuers.
    case rs256 = "RS256"

    /// The algorithm named `name` in a header.
    /// - Parameter name: the `alg` value.
    /// - Throws: ``JOSEError`` `unsecuredJWSRefused` for `none`, `unsupportedAlgorithm` for anything else unknown.
    public init(headerValue name: String) throws(JOSEError) {
        if let known = JWSAlgorithm(rawValue: name) {
            self = known
            return
        }
        switch name {
        case "none":
            throw JOSEError(.unsecuredJWSRefused, "alg none (an unsecured JWS) is never accepted")
        case "HS256", "HS384", "HS512":
            throw JOSEError(.unsupportedAlgorithm, "\(name) (HMAC) is not supported: JWSs are verified with public keys only")
        default:
            throw JOSEError(.unsupportedAlgorithm, "JWS algorithm \"\(name)\" is not supported (ES256, ES384, EdDSA, PS256, RS256 are)")
        }
    }

    /// Check that `key` may be used with this algorithm: type and curve,
    /// and its `alg`, `use` and `key_ops` if present.
    /// - Parameters:
    ///   - key: the key.
    ///   - operation: `sign` or `verify`.
    /// - Throws: ``JOSEError`` `keyMismatch` naming what does not fit.
    func check(_ key: JWK, for operation: String) throws(JOSEError) {
        let fits: Bool
        switch (self, key.material) {
        case (.es256, .ec(let k, _)): fits = k.curve == .p256
        case (.es384, .ec(let k, _)): fits = k.curve == .p384
        case (.edDSA, .ed25519): fits = true
        case (.ps256, .rsa), (.rs256, .rsa): fits = true
        default: fits = false
        }
        guard fits else { throw JOSEError(.keyMismatch, "\(rawValue) cannot be used with a \(key.describedType) key") }
        if let alg = key.algorithm, alg != rawValue {
            throw JOSEError(.keyMismatch, "the key is restricted to \(alg), not \(rawValue)")
        }
        if let use = key.use, use != "sig" { throw JOSEError(.keyMismatch, "the key's use is \(use), not sig") }
        if let ops = key.keyOperations, !ops.contains(operation) {
            throw JOSEError(.keyMismatch, "the key's key_ops do not include \(operation)")
        }
    }
}

extension JWK {
    /// "EC P-256", "OKP Ed25519", "RSA 2048", for messages.
    var describedType: String {
        switch material {
        case .ec(let k, _): return "EC \(k.curve.rawValue)"
        case .ed25519: return "OKP Ed25519"
        case .rsa(let k, _): return "RSA \(k.bitCount)"
        }
    }
}
