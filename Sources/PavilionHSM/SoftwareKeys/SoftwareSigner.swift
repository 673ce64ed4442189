import PavilionCrypto

/// A ``Signer`` over a key from the ``SoftwareKeyStore``, held in memory by
/// OpenSSL (`EVP_PKEY`) and freed when the last copy goes away.
public struct SoftwareSigner: Signer {
    /// The in-memory key.
    enum Key: Sendable {
        case p256(ECPrivateKey)
        case ed25519(Ed25519PrivateKey)
    }

    /// The key's label in the store.
    public let label: String
    public let publicKey: PublicKeyDescription
    public var keyID: String { publicKey.jwkThumbprint }
    public var algorithm: SigningAlgorithm { publicKey.algorithm }
    private let key: Key

    init(label: String, key: Key) throws(SignerError) {
        self.label = label
        self.key = key
        do {
            switch key {
            case .p256(let k):
                publicKey = try PublicKeyDescription(algorithm: .es256, rawRepresentation: k.publicKey.rawRepresentation)
            case .ed25519(let k):
                publicKey = try PublicKeyDescription(algorithm: .edDSA, rawRepresentation: k.publicKey().rawRepresentation)
            }
        } catch let error as SignerError {
            throw error
        } catch {
            throw SignerError(.crypto, reason: "public key: \(error)")
        }
    }

    public func sign(_ message: [UInt8]) throws(SignerError) -> [UInt8] {
        do {
            switch key {
            case .p256(let k):
                return try k.signature(for: message, digest: .sha256).rawRepresentation
            case .ed25519(let k):
                return try k.signature(for: message)
            }
        } catch {
            throw SignerError(.crypto, reason: "signing: \(error)")
        }
    }
}
