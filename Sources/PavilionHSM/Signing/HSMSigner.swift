/// A ``Signer`` whose private key lives in a PKCS #11 token and signs there.
///
/// Safe from many threads: each ``sign(_:)`` borrows a session from the
/// token's pool.
public struct HSMSigner: Signer {
    /// The token holding the key.
    public let token: PKCS11Token
    /// The key pair.
    public let keyPair: PKCS11KeyPair

    public var keyID: String { keyPair.publicKey.jwkThumbprint }
    public var algorithm: SigningAlgorithm { keyPair.algorithm }
    public var publicKey: PublicKeyDescription { keyPair.publicKey }
    /// The key's `CKA_LABEL`.
    public var label: String { keyPair.label }

    /// The signer for the key labelled `label` on `token`, which must meet
    /// Pavilion's key policy (``HSMKeyPolicy/violations`` empty).
    /// - Parameters:
    ///   - token: a logged-in token.
    ///   - label: the key's `CKA_LABEL`.
    /// - Throws: ``SignerError`` with ``SignerError/Code/keyNotFound``,
    ///   ``SignerError/Code/keyPolicyViolated``, ``SignerError/Code/unsupportedAlgorithm``
    ///   or ``SignerError/Code/hsm``.
    public init(token: PKCS11Token, label: String) throws(SignerError) {
        do {
            keyPair = try token.keyPair(labeled: label)
        } catch {
            throw SignerError(error)
        }
        guard token.supports(keyPair.algorithm) else {
            throw SignerError(.unsupportedAlgorithm, reason: "token \"\(token.description.label)\" cannot sign \(keyPair.algorithm.rawValue)")
        }
        self.token = token
    }

    /// Create a key pair labelled `label` inside `token` and return its signer.
    /// - Parameters:
    ///   - token: a logged-in token.
    ///   - label: an unused `CKA_LABEL`.
    ///   - algorithm: the key's algorithm.
    /// - Throws: ``SignerError`` with ``SignerError/Code/keyExists``,
    ///   ``SignerError/Code/unsupportedAlgorithm`` or ``SignerError/Code/hsm``.
    public static func generate(in token: PKCS11Token, label: String,
                                algorithm: SigningAlgorithm) throws(SignerError) -> HSMSigner {
        do {
            _ = try token.generateKeyPair(labeled: label, algorithm: algorithm)
        } catch {
            throw SignerError(error)
        }
        return try HSMSigner(token: token, label: label)
    }

    public func sign(_ message: [UInt8]) throws(SignerError) -> [UInt8] {
        do {
            return try token.sign(message, with: keyPair)
        } catch {
            throw SignerError(error)
        }
    }
}
