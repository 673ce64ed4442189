import Foundation
import PavilionCrypto
import PavilionPrivacy

/// The host's privacy secret: 32 random bytes in a file of mode 0600
/// (`privacy.secret_file`, default `<data_dir>/privacy.key`), made on first
/// start. Three keys are derived from it with HMAC-SHA-256 and a label, so
/// none keys two things: the probing digest key, the key that seals OPRF
/// private keys in the store, and the seed of the transparency log's
/// Ed25519 signing key. Protect and back it up like the database: a new
/// secret forgets earlier probing answers, cannot open stored OPRF keys,
/// and signs with a new log key.
public struct PrivacySecret: Sendable {
    /// The file name used inside the data directory.
    public static let defaultFileName = "privacy.key"

    private let secret: SecretBytes

    /// Load the secret, or create it when the file does not exist.
    /// - Parameter path: the file.
    /// - Throws: ``HostServiceError`` `.configuration` for a file of the
    ///   wrong size or readable by others, or one that cannot be written.
    public static func loadOrCreate(path: String) throws(HostServiceError) -> PrivacySecret {
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            var bytes: [UInt8]
            do { bytes = try SecureRandom.bytes(32) } catch {
                throw HostServiceError(.configuration, "cannot draw the privacy secret: \(error)")
            }
            defer { ConstantTime.wipe(&bytes) }
            let directory = (path as NSString).deletingLastPathComponent
            do {
                try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw HostServiceError(.configuration, "cannot create \(directory): \(error.localizedDescription)")
            }
            guard fm.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                throw HostServiceError(.configuration, "cannot write the privacy secret \(path)")
            }
        }
        guard var bytes = fm.contents(atPath: path).map(Array.init) else {
            throw HostServiceError(.configuration, "cannot read the privacy secret \(path)")
        }
        if let mode = (try? fm.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            ConstantTime.wipe(&bytes)
            throw HostServiceError(.configuration, "the privacy secret \(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        guard bytes.count == 32 else {
            ConstantTime.wipe(&bytes)
            throw HostServiceError(.configuration, "the privacy secret \(path) must hold exactly 32 bytes, not \(bytes.count)")
        }
        return PrivacySecret(secret: SecretBytes(consuming: &bytes))
    }

    /// The secret at `<dataDirectory>/privacy.key` or `configured`.
    public static func loadOrCreate(configured: String?, dataDirectory: String) throws(HostServiceError) -> PrivacySecret {
        try loadOrCreate(path: configured ?? (dataDirectory as NSString).appendingPathComponent(defaultFileName))
    }

    /// The transparency log's public key, the one to pin when checking
    /// receipts (`pavilion privacy log-key`).
    public func logPublicKey() throws(HostServiceError) -> LogPublicKey { try logSigner().publicKey }

    /// HMAC-SHA-256(secret, label).
    func derive(_ label: String) throws(HostServiceError) -> [UInt8] {
        do { return try HMACSHA256.authenticate(Array(label.utf8), key: secret.copyBytes()) } catch {
            throw HostServiceError(.configuration, "cannot derive a privacy key: \(error)")
        }
    }

    /// The key of the probing guard's subject digests.
    func probingDigestKey() throws(HostServiceError) -> [UInt8] { try derive("pavilion-privacy-v1 probing-digest") }

    /// The AES-256-GCM key that seals OPRF private keys.
    func sealingKey() throws(HostServiceError) -> SecretBytes {
        var key = try derive("pavilion-privacy-v1 oprf-sealing")
        return SecretBytes(consuming: &key)
    }

    /// The transparency log's signer.
    func logSigner() throws(HostServiceError) -> Ed25519LogSigner {
        var seed = try derive("pavilion-privacy-v1 log-signing")
        defer { ConstantTime.wipe(&seed) }
        do { return try Ed25519LogSigner(key: try Ed25519PrivateKey(seed: seed)) } catch {
            throw HostServiceError(.configuration, "cannot make the transparency log key: \(error)")
        }
    }
}
