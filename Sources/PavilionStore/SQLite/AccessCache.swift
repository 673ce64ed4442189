import Foundation
import PavilionCrypto
import Synchronization

/// What a serving host asks the store on every request, kept for a short
/// time: successful key checks (by key prefix, with the secret's hash
/// compared in constant time on every hit, as the database lookup does) and
/// each tenant's enabled connectors.
///
/// A read from a SQLite read connection right after a commit starts with an
/// empty page cache, so these two lookups cost about 5% of a verification's
/// CPU under load (docs/benchmarks.md). Only successes are kept (a flood of
/// wrong tokens cannot fill the cache, and a refusal is never stale). A
/// change made through this store (revoking a key, disabling a tenant,
/// changing its connectors) empties the cache at once; one made by another
/// process on the same data directory (the `pavilion` CLI) is seen within
/// ``ttl``.
final class AccessCache: Sendable {
    /// How long an entry is used.
    let ttl: Duration
    /// Entries kept at most per table (the table empties when full).
    static let capacity = 4096
    private let now: @Sendable () -> ContinuousClock.Instant
    private let keys = Mutex<[String: KeyEntry]>([:])
    private let connectors = Mutex<[TenantID: ConnectorsEntry]>([:])

    private struct KeyEntry: Sendable {
        let secretHash: [UInt8]
        let key: APIKey
        let expires: ContinuousClock.Instant
    }

    private struct ConnectorsEntry: Sendable {
        let names: [String]
        let expires: ContinuousClock.Instant
    }

    init(ttl: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant) {
        self.ttl = ttl
        self.now = now
    }

    /// The key whose token has `prefix` and hashes to `secretHash`, if a
    /// fresh success is kept for it.
    func key(prefix: String, secretHash: [UInt8]) -> APIKey? {
        let time = now()
        guard let entry = keys.withLock({ $0[prefix] }), time < entry.expires else { return nil }
        return ConstantTime.equal(entry.secretHash, secretHash) ? entry.key : nil
    }

    /// Keep a successful check.
    func keep(_ key: APIKey, prefix: String, secretHash: [UInt8]) {
        let entry = KeyEntry(secretHash: secretHash, key: key, expires: now() + ttl)
        keys.withLock { all in
            if all.count >= Self.capacity { all.removeAll(keepingCapacity: true) }
            all[prefix] = entry
        }
    }

    /// `tenant`'s enabled connectors, if fresh.
    func connectors(of tenant: TenantID) -> [String]? {
        let time = now()
        guard let entry = connectors.withLock({ $0[tenant] }), time < entry.expires else { return nil }
        return entry.names
    }

    /// Keep `tenant`'s enabled connectors.
    func keep(connectors names: [String], of tenant: TenantID) {
        let entry = ConnectorsEntry(names: names, expires: now() + ttl)
        connectors.withLock { all in
            if all.count >= Self.capacity { all.removeAll(keepingCapacity: true) }
            all[tenant] = entry
        }
    }

    /// Forget everything (after a change made through this store).
    func invalidate() {
        keys.withLock { $0.removeAll() }
        connectors.withLock { $0.removeAll() }
    }
}
