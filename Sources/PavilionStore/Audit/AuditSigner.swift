import Foundation
import PavilionCrypto

/// The Ed25519 key that signs audit checkpoints.
///
/// For now it lives in the data directory as `audit-signing.key`: the raw
/// 32-byte seed, mode 0600, made on first open. The HSM issue replaces this
/// with a PKCS#11 key that never leaves the token; until then anyone who can
/// read the data directory as its owner can forge checkpoints, so the file
/// must be protected like the database itself.
struct AuditSigner: Sendable {
    static let fileName = "audit-signing.key"

    let privateKey: Ed25519PrivateKey
    let publicKey: Ed25519PublicKey
    /// Lowercase hex of the public key, as checkpoints record it.
    let publicKeyHex: String

    init(privateKey: Ed25519PrivateKey) throws(StoreError) {
        self.privateKey = privateKey
        do { publicKey = try privateKey.publicKey() } catch {
            throw StoreError(.crypto, "cannot derive the audit public key: \(error.reason)", call: error.call)
        }
        publicKeyHex = Hex.encode(publicKey.rawRepresentation)
    }

    /// Load the key from `directory`, creating it if there is none.
    /// - Throws: ``StoreError/Code/fileSystem`` when the file is unreadable,
    ///   not 32 bytes, or readable by group or others.
    static func loadOrCreate(directory: String) throws(StoreError) -> AuditSigner {
        let path = (directory as NSString).appendingPathComponent(fileName)
        if !FileCalls.exists(path) {
            let key: Ed25519PrivateKey
            var seed: [UInt8]
            do {
                key = try Ed25519PrivateKey()
                seed = try key.seedRepresentation()
            } catch {
                throw StoreError(.crypto, "cannot make the audit signing key: \(error.reason)", call: error.call)
            }
            defer { ConstantTime.wipe(&seed) }
            try FileCalls.createPrivateFile(path, bytes: seed)
            return try AuditSigner(privateKey: key)
        }
        let mode = try FileCalls.permissions(path)
        guard mode & 0o077 == 0 else {
            throw StoreError(.fileSystem, "\(path) has mode \(String(mode, radix: 8)); it must not be readable by group or others (chmod 600)",
                             call: "stat")
        }
        var seed = try FileCalls.readFile(path, limit: 64)
        defer { ConstantTime.wipe(&seed) }
        guard seed.count == Ed25519PrivateKey.seedLength else {
            throw StoreError(.fileSystem, "\(path) holds \(seed.count) bytes, not a 32-byte Ed25519 seed", call: "read")
        }
        let key: Ed25519PrivateKey
        do { key = try Ed25519PrivateKey(seed: seed) } catch {
            throw StoreError(.crypto, "cannot load the audit signing key: \(error.reason)", call: error.call)
        }
        return try AuditSigner(privateKey: key)
    }

    /// Sign a checkpoint for the record at `sequence` with hash `hash`.
    func checkpoint(sequence: Int64, hash: String, at date: Date) throws(StoreError) -> AuditCheckpoint {
        let createdAt = Timestamp.milliseconds(date)
        let message = AuditCanonicalForm.checkpointBytes(sequence: sequence, hash: hash, createdAt: createdAt,
                                                         publicKey: publicKeyHex)
        do {
            let signature = try privateKey.signature(for: message)
            return AuditCheckpoint(sequence: sequence, hash: hash, createdAt: Timestamp.date(createdAt),
                                   publicKey: publicKeyHex, signature: Hex.encode(signature))
        } catch {
            throw StoreError(.crypto, "cannot sign an audit checkpoint: \(error.reason)", call: error.call)
        }
    }
}
