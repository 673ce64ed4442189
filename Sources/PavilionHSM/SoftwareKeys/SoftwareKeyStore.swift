import Foundation
import PavilionCrypto

/// Pavilion's embedded key store for `serve --dev` and machines without an
/// HSM: one file per key in a folder, each private key sealed with
/// AES-256-GCM under a key derived from a master key that lives elsewhere
/// (its own file or an environment variable).
///
/// A key file is JSON (see `docs/hsm.md`): format, label, algorithm, the
/// master key's check value, the public key, a random 96-bit nonce, and
/// `ciphertext || tag`. Every field but the nonce is bound into the GCM
/// associated data, so changing any byte makes the file unreadable.
/// Files are written atomically with mode 0600 in a 0700 folder, and a
/// file readable by group or others is refused.
///
/// This protects keys at rest (backups, a stolen disk without the master
/// key); unlike an HSM it does not protect them from the running process.
public final class SoftwareKeyStore: Sendable {
    /// Where the master key comes from.
    public enum MasterKeySource: Sendable {
        /// A file holding 64 hex digits (or 32 raw bytes), mode 0600.
        case file(String)
        /// An environment variable holding 64 hex digits.
        case environment(String)
        /// The bytes themselves (32), for embedding and tests.
        case bytes([UInt8])
    }

    /// The folder holding the key files.
    public let directory: String
    private let masterKey: MasterKey

    /// The store in `directory` (created 0700 if missing), sealed under the
    /// master key from `masterKey`.
    /// - Throws: ``SignerError/Code/masterKeyUnavailable`` or ``SignerError/Code/io``.
    public init(directory: String, masterKey: MasterKeySource) throws(SignerError) {
        self.directory = directory
        self.masterKey = try MasterKey.load(masterKey)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw SignerError(.io, reason: "cannot create the key folder \(directory): \(error.localizedDescription)")
        }
    }

    /// Write a fresh random master key, as 64 hex digits, to a new file with mode 0600.
    /// - Parameter path: where; must not exist.
    /// - Throws: ``SignerError/Code/io`` when the file exists or cannot be written.
    public static func createMasterKeyFile(at path: String) throws(SignerError) {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw SignerError(.io, reason: "\(path) exists; refusing to replace a master key")
        }
        do {
            var key = try SecureRandom.bytes(32)
            defer { ConstantTime.wipe(&key) }
            try PEMFile.write(Hex.encode(key) + "\n", to: path, mode: PEMFile.privateMode)
        } catch {
            throw SignerError(.io, reason: "cannot write the master key file \(path): \(error)")
        }
    }

    /// The path of the key file for `label`.
    public func path(forLabel label: String) -> String {
        (directory as NSString).appendingPathComponent(label + ".key")
    }

    /// The labels of the keys in the store, sorted.
    public func labels() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".key") && !$0.hasPrefix(".") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// Create a key labelled `label` and store it sealed.
    /// - Parameters:
    ///   - label: 1–64 of `A–Z a–z 0–9 . _ -`, not starting with a dot; unused.
    ///   - algorithm: ES256 or EdDSA (ES384 is HSM-only).
    /// - Returns: its signer.
    /// - Throws: ``SignerError/Code/keyExists``, ``SignerError/Code/unsupportedAlgorithm``,
    ///   ``SignerError/Code/malformedInput`` for a bad label, ``SignerError/Code/crypto`` or ``SignerError/Code/io``.
    public func generate(label: String, algorithm: SigningAlgorithm) throws(SignerError) -> SoftwareSigner {
        try Self.check(label: label)
        let path = path(forLabel: label)
        guard !FileManager.default.fileExists(atPath: path) else {
            throw SignerError(.keyExists, reason: "a key labelled \"\(label)\" already exists in \(directory)")
        }
        let key: SoftwareSigner.Key
        var secret: [UInt8]
        do {
            switch algorithm {
            case .es256:
                let p256 = try ECPrivateKey(curve: .p256)
                key = .p256(p256)
                secret = try p256.pkcs8DERRepresentation()
            case .edDSA:
                let ed = try Ed25519PrivateKey()
                key = .ed25519(ed)
                secret = try ed.seedRepresentation()
            case .es384:
                throw SignerError(.unsupportedAlgorithm, reason: "the software key store holds ES256 and EdDSA keys; use an HSM for ES384")
            }
        } catch let error as SignerError {
            throw error
        } catch {
            throw SignerError(.crypto, reason: "key generation: \(error)")
        }
        defer { ConstantTime.wipe(&secret) }
        let signer = try SoftwareSigner(label: label, key: key)
        let file = try KeyFile.seal(secret: secret, label: label, publicKey: signer.publicKey, masterKey: masterKey)
        do {
            try PEMFile.write(file, to: path, mode: PEMFile.privateMode)
        } catch {
            throw SignerError(.io, reason: "cannot write \(path): \(error)")
        }
        return signer
    }

    /// The signer for the stored key labelled `label`.
    /// - Throws: ``SignerError/Code/keyNotFound``, ``SignerError/Code/wrongMasterKey``,
    ///   ``SignerError/Code/keyStoreCorrupt`` (tampered or malformed file),
    ///   ``SignerError/Code/keyPolicyViolated`` (file readable by others), or ``SignerError/Code/io``.
    public func signer(label: String) throws(SignerError) -> SoftwareSigner {
        try Self.check(label: label)
        let path = path(forLabel: label)
        guard FileManager.default.fileExists(atPath: path) else {
            throw SignerError(.keyNotFound, reason: "no key labelled \"\(label)\" in \(directory)")
        }
        let mode: UInt16
        do { mode = try PEMFile.permissions(of: path) } catch {
            throw SignerError(.io, reason: "cannot stat \(path): \(error)")
        }
        guard mode & 0o077 == 0 else {
            throw SignerError(.keyPolicyViolated, reason: "\(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SignerError(.io, reason: "cannot read \(path)")
        }
        let opened = try KeyFile.open(Array(data), label: label, masterKey: masterKey)
        var secret = opened.secret
        defer { ConstantTime.wipe(&secret) }
        let key: SoftwareSigner.Key
        do {
            switch opened.publicKey.algorithm {
            case .es256: key = .p256(try ECPrivateKey(pkcs8DERRepresentation: secret))
            case .edDSA: key = .ed25519(try Ed25519PrivateKey(seed: secret))
            case .es384: throw SignerError(.keyStoreCorrupt, reason: "\(path) claims an ES384 key, which this store never writes")
            }
        } catch let error as SignerError {
            throw error
        } catch {
            throw SignerError(.keyStoreCorrupt, reason: "\(path) holds no usable key: \(error)")
        }
        let signer = try SoftwareSigner(label: label, key: key)
        guard signer.publicKey == opened.publicKey else {
            throw SignerError(.keyStoreCorrupt, reason: "\(path): the sealed key does not match its public key")
        }
        return signer
    }

    private static func check(label: String) throws(SignerError) {
        let allowed = label.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2e || c == 0x5f || c == 0x2d
        }
        guard allowed, !label.isEmpty, label.utf8.count <= 64, !label.hasPrefix(".") else {
            throw SignerError(.malformedInput, reason: "a key label is 1-64 of A-Z a-z 0-9 . _ - and does not start with a dot")
        }
    }
}
