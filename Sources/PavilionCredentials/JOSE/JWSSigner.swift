import PavilionCrypto

/// Something that signs JWS signing inputs: a key in memory (``JWKSigner``)
/// or, later, a key inside an HSM.
public protocol JWSSigner: Sendable {
    /// The algorithm written in the `alg` header.
    var algorithm: JWSAlgorithm { get }
    /// The `kid` written in the header, if any.
    var keyID: String? { get }
    /// The JWS signature of `signingInput` (for ECDSA the raw `r || s`).
    /// - Parameter signingInput: `ASCII(BASE64URL(header) || '.' || BASE64URL(payload))`.
    /// - Throws: ``JOSEError`` when signing fails.
    func sign(_ signingInput: [UInt8]) throws(JOSEError) -> [UInt8]
}

/// Signs with the private key of a ``JWK``. RS256 and PS256 signing exist
/// for tests and interoperability checks; Pavilion issues with ES256, ES384
/// or EdDSA.
public struct JWKSigner: JWSSigner {
    /// The algorithm.
    public let algorithm: JWSAlgorithm
    /// The key's `kid`.
    public let keyID: String?
    private let key: JWK

    /// A signer for `key` with `algorithm`.
    /// - Parameters:
    ///   - key: a private JWK that fits the algorithm.
    ///   - algorithm: the JWS algorithm.
    /// - Throws: ``JOSEError`` `keyMismatch` when the key is public or does not fit.
    public init(key: JWK, algorithm: JWSAlgorithm) throws(JOSEError) {
        try algorithm.check(key, for: "sign")
        guard key.isPrivate else { throw JOSEError(.keyMismatch, "signing needs a private key") }
        self.key = key
        self.algorithm = algorithm
        self.keyID = key.keyID
    }

    public func sign(_ signingInput: [UInt8]) throws(JOSEError) -> [UInt8] {
        do {
            switch (algorithm, key.material) {
            case (.es256, .ec(_, let p?)), (.es384, .ec(_, let p?)):
                return try p.signature(for: signingInput).rawRepresentation
            case (.edDSA, .ed25519(_, let p?)):
                return try p.signature(for: signingInput)
            case (.rs256, .rsa(_, let p?)):
                return try p.signature(for: signingInput, scheme: .pkcs1v15(.sha256))
            case (.ps256, .rsa(_, let p?)):
                return try p.signature(for: signingInput, scheme: .pss(.sha256))
            default:
                throw JOSEError(.keyMismatch, "\(algorithm.rawValue) cannot sign with this key")
            }
        } catch let error as JOSEError {
            throw error
        } catch {
            throw JOSEError(.cryptoFailure, "signing failed: \(error)")
        }
    }
}

extension JWSAlgorithm {
    /// Whether `signature` is valid for `signingInput` under `key`, which
    /// ``check(_:for:)`` has accepted.
    func isValid(_ signature: [UInt8], for signingInput: [UInt8], key: JWK) -> Bool {
        switch (self, key.material) {
        case (.es256, .ec(let k, _)), (.es384, .ec(let k, _)):
            // RFC 7518 §3.4: exactly the raw r || s, never DER.
            guard let sig = try? ECDSASignature(rawRepresentation: signature, curve: k.curve) else { return false }
            return k.isValidSignature(sig, for: signingInput)
        case (.edDSA, .ed25519(let k, _)):
            return k.isValidSignature(signature, for: signingInput)
        case (.rs256, .rsa(let k, _)):
            return k.isValidSignature(signature, for: signingInput, scheme: .pkcs1v15(.sha256))
        case (.ps256, .rsa(let k, _)):
            return k.isValidSignature(signature, for: signingInput, scheme: .pss(.sha256))
        default:
            return false
        }
    }
}
