import Foundation
import PavilionCrypto
import PavilionStore
import Synchronization

/// Per-tenant keys for keyed hashing: the `hash`/`tokenize` transforms and
/// the digests of intermediate results in lineage (so a digest of
/// `{"age_over_18":true}` cannot be reversed by trying both values).
///
/// One host secret (`data-hashing.key`, 32 random bytes, mode 0600, in the
/// data directory, made on first start) and, per tenant,
/// `HMAC-SHA-256(secret, "pavilion.tenant-data.v1" 0x00 tenant-id)`.
/// Losing the file changes every token and intermediate digest from then on;
/// back it up with the database.
public struct TenantDataKeys: Sendable {
    /// The file name in the data directory.
    public static let fileName = "data-hashing.key"
    /// Tenants whose derived key is kept, at most (the cache empties when full).
    static let cachedTenants = 4096
    private let secret: [UInt8]
    private let derived = DerivedKeys()

    /// The per-tenant keys derived so far (one HMAC per tenant, not per verification).
    private final class DerivedKeys: Sendable {
        /// The derived key's bytes and the same key set up for many tags.
        let keys = Mutex<[TenantID: (raw: [UInt8], key: HMACSHA256.Key)]>([:])
    }

    /// - Parameter secret: the host secret (32 bytes or more).
    public init(secret: [UInt8]) { self.secret = secret }

    /// Keys from a fresh random secret, for a pipeline that keeps nothing
    /// across restarts (tests, tools).
    /// - Throws: ``CryptoError`` when the CSPRNG fails.
    public static func ephemeral() throws(CryptoError) -> TenantDataKeys { TenantDataKeys(secret: try SecureRandom.bytes(32)) }

    /// The secret in `directory`, created when missing.
    /// - Parameter directory: the data directory.
    /// - Returns: the keys.
    /// - Throws: when the file cannot be read or written, or is shorter than 32 bytes.
    public static func open(dataDirectory directory: String) throws -> TenantDataKeys {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count >= 32 else {
                throw HostServiceError(.configuration, "\(path) holds \(data.count) bytes; expected 32 random bytes")
            }
            return TenantDataKeys(secret: Array(data))
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let secret = try SecureRandom.bytes(32)
        guard FileManager.default.createFile(atPath: path, contents: Data(secret), attributes: [.posixPermissions: 0o600]) else {
            throw HostServiceError(.configuration, "cannot create \(path)")
        }
        return TenantDataKeys(secret: secret)
    }

    /// The keyed hash (HMAC-SHA-256) under `tenant`'s key.
    /// - Parameter tenant: the tenant.
    /// - Returns: a function from bytes to their 32-byte keyed hash.
    public func keyedHash(for tenant: TenantID) -> @Sendable ([UInt8]) -> [UInt8] {
        let entry: (raw: [UInt8], key: HMACSHA256.Key)
        if let known = derived.keys.withLock({ $0[tenant] }) {
            entry = known
        } else {
            let label = Array("pavilion.tenant-data.v1".utf8) + [0] + Array(tenant.rawValue.utf8)
            let raw = (try? HMACSHA256.authenticate(label, key: secret)) ?? SHA256.hash(secret + label)
            entry = (raw, HMACSHA256.Key(raw))
            derived.keys.withLock { keys in
                if keys.count >= Self.cachedTenants { keys.removeAll() }
                keys[tenant] = entry
            }
        }
        return { bytes in (try? entry.key.authenticate(bytes)) ?? SHA256.hash(entry.raw + bytes) }
    }
}
