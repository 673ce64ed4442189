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
    /// Kept key checks by token prefix, with the secret's hash.
    private let keys = ExpiringTable<String, (secretHash: [UInt8], key: APIKey)>()
    private let connectors = ExpiringTable<TenantID, [String]>()

    init(ttl: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant) {
        self.ttl = ttl
        self.now = now
    }

    /// The key whose token has `prefix` and hashes to `secretHash`, if a
    /// fresh success is kept for it.
    func key(prefix: String, secretHash: [UInt8]) -> APIKey? {
        guard let entry = keys.value(for: prefix, at: now()) else { return nil }
        return ConstantTime.equal(entry.secretHash, secretHash) ? entry.key : nil
    }

    /// Keep a successful check.
    func keep(_ key: APIKey, prefix: String, secretHash: [UInt8]) {
        keys.keep((secretHash, key), for: prefix, until: now() + ttl)
    }

    /// `tenant`'s enabled connectors, if fresh.
    func connectors(of tenant: TenantID) -> [String]? { connectors.value(for: tenant, at: now()) }

    /// Keep `tenant`'s enabled connectors.
    func keep(connectors names: [String], of tenant: TenantID) {
        connectors.keep(names, for: tenant, until: now() + ttl)
    }

    /// Forget everything (after a change made through this store).
    func invalidate() {
        keys.removeAll()
        connectors.removeAll()
    }
}

/// Values that stop being returned at their expiry; at most
/// ``AccessCache/capacity`` entries (the table empties when full).
private final class ExpiringTable<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries = Mutex<[Key: (value: Value, expires: ContinuousClock.Instant)]>([:])

    func value(for key: Key, at time: ContinuousClock.Instant) -> Value? {
        guard let entry = entries.withLock({ $0[key] }), time < entry.expires else { return nil }
        return entry.value
    }

    func keep(_ value: Value, for key: Key, until expires: ContinuousClock.Instant) {
        entries.withLock { all in
            if all.count >= AccessCache.capacity { all.removeAll(keepingCapacity: true) }
            all[key] = (value, expires)
        }
    }

    func removeAll() { entries.withLock { $0.removeAll() } }
}
