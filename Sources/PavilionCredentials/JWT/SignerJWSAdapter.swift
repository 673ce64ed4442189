import PavilionHSM

/// Lets a PavilionHSM ``Signer`` (HSM or software key store) sign JWSs and
/// JWTs: the signer's output is already the JOSE signature form.
public struct SignerJWSAdapter<Wrapped: Signer>: JWSSigner {
    /// The HSM or software signer.
    public let signer: Wrapped
    /// The `kid` written in headers: the signer's thumbprint unless overridden
    /// (e.g. with a DID URL).
    public let keyID: String?

    /// - Parameters:
    ///   - signer: the signer.
    ///   - keyID: the `kid` to write; the signer's RFC 7638 thumbprint when `nil`.
    public init(_ signer: Wrapped, keyID: String? = nil) {
        self.signer = signer
        self.keyID = keyID ?? signer.keyID
    }

    public var algorithm: JWSAlgorithm {
        switch signer.algorithm {
        case .es256: .es256
        case .es384: .es384
        case .edDSA: .edDSA
        }
    }

    public func sign(_ signingInput: [UInt8]) throws(JOSEError) -> [UInt8] {
        do { return try signer.sign(signingInput) } catch { throw JOSEError(.cryptoFailure, "the signer failed: \(error)") }
    }
}
