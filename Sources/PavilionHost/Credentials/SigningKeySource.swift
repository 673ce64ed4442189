import PavilionHSM

/// Where signing keys live, opened: a software key store or a PKCS #11
/// token. Finds keys by label and creates new ones (non-extractable in the
/// HSM, sealed at rest in the software store).
public struct SigningKeySource: Sendable {
    private enum Backend: Sendable {
        case software(SoftwareKeyStore)
        case pkcs11(PKCS11Token)
    }

    private let backend: Backend

    /// Open the keys a configuration names.
    /// - Parameter keys: `credentials.keys`.
    /// - Returns: the source.
    /// - Throws: ``SignerError`` (a ``PKCS11Error`` wrapped for the HSM).
    public static func open(_ keys: CredentialsConfiguration.KeySource) throws(SignerError) -> SigningKeySource {
        switch keys {
        case .software(let directory, let masterKeyFile):
            return SigningKeySource(backend: .software(try SoftwareKeyStore(directory: directory, masterKey: .file(masterKeyFile))))
        case .pkcs11(let module, let token, let pinEnvironment):
            do {
                let opened = try HSMConfiguration(modulePath: module, tokenLabel: token, pin: .environment(pinEnvironment)).openToken()
                return SigningKeySource(backend: .pkcs11(opened))
            } catch {
                throw SignerError(error)
            }
        }
    }

    /// The signer of the key labelled `label`.
    /// - Throws: ``SignerError`` when there is no such key or it breaks the key policy.
    public func signer(label: String) throws(SignerError) -> any Signer {
        switch backend {
        case .software(let store): return try store.signer(label: label)
        case .pkcs11(let token): return try HSMSigner(token: token, label: label)
        }
    }

    /// Create a key labelled `label` inside the store or token.
    /// - Throws: ``SignerError`` for a taken label or an algorithm the backend lacks.
    public func generate(label: String, algorithm: SigningAlgorithm) throws(SignerError) -> any Signer {
        switch backend {
        case .software(let store): return try store.generate(label: label, algorithm: algorithm)
        case .pkcs11(let token):
            return try HSMSigner.generate(in: token, label: label, algorithm: algorithm)
        }
    }
}
