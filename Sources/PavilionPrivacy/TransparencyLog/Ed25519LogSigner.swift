import PavilionCrypto

/// A ``LogSigner`` over an Ed25519 key held in this process (OpenSSL's
/// `EVP_PKEY`); for tests, tools and single-node deployments. Production
/// logs sign through an HSM-backed adapter instead.
public struct Ed25519LogSigner: LogSigner {
    private let key: Ed25519PrivateKey
    /// The public half, with the hex SHA-256 of the raw key as its ID.
    public let publicKey: LogPublicKey

    /// A signer over `key`.
    /// - Parameter key: the private key.
    /// - Throws: ``LogSigningError`` when OpenSSL cannot export the public key.
    public init(key: Ed25519PrivateKey) throws(LogSigningError) {
        self.key = key
        do {
            publicKey = try LogPublicKey(algorithm: .edDSA, rawRepresentation: try key.publicKey().rawRepresentation)
        } catch {
            throw LogSigningError("\(error)")
        }
    }

    /// A signer over a fresh key (`EVP_PKEY_keygen`).
    /// - Throws: ``LogSigningError`` when OpenSSL fails.
    public init() throws(LogSigningError) {
        let key: Ed25519PrivateKey
        do { key = try Ed25519PrivateKey() } catch { throw LogSigningError("\(error)") }
        try self.init(key: key)
    }

    /// The Ed25519 signature of `message` (`EVP_DigestSign`).
    /// - Parameter message: the bytes to sign.
    /// - Returns: 64 bytes.
    /// - Throws: ``LogSigningError`` when OpenSSL fails.
    public func sign(_ message: [UInt8]) throws(LogSigningError) -> [UInt8] {
        do { return try key.signature(for: message) } catch { throw LogSigningError("\(error)") }
    }
}
