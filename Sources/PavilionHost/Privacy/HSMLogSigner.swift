import PavilionHSM
import PavilionPrivacy

/// The receipt log's signer over a key of the credentials key source (the
/// encrypted software store or a PKCS #11 token): `privacy.log_key` names
/// its label, and the key never leaves the store or the HSM.
public struct HSMLogSigner: LogSigner {
    private let signer: any Signer
    /// The public half, with the hex SHA-256 of the raw key as its ID.
    public let publicKey: LogPublicKey

    /// - Parameter signer: an Ed25519 or ES256 key.
    /// - Throws: ``HostServiceError`` `.configuration` for another algorithm.
    public init(signer: any Signer) throws(HostServiceError) {
        let algorithm: LogSignatureAlgorithm
        switch signer.algorithm {
        case .edDSA: algorithm = .edDSA
        case .es256: algorithm = .es256
        case .es384:
            throw HostServiceError(.configuration, "privacy.log_key \(signer.keyID) is ES384; the log signs with EdDSA or ES256")
        }
        do { publicKey = try LogPublicKey(algorithm: algorithm, rawRepresentation: signer.publicKey.rawRepresentation) } catch {
            throw HostServiceError(.configuration, "privacy.log_key: \(error)")
        }
        self.signer = signer
    }

    /// Sign through the key store or HSM (JOSE form: 64 bytes either way).
    public func sign(_ message: [UInt8]) throws(LogSigningError) -> [UInt8] {
        do { return try signer.sign(message) } catch { throw LogSigningError("\(error)") }
    }
}
