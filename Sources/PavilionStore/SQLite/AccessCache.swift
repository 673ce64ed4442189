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
///
/// A read that overlapped a change must not put what it read back after the
/// change emptied the cache: a request that read a key just before it was
/// revoked would otherwise keep the revoked key usable for ``ttl``. So a
/// caller takes ``generation`` before its read, and an entry is kept only if
/// no invalidation happened since.
final class AccessCache: Sendable {
    /// How long an entry is used.
    let ttl: Duration
    /// Entries kept at most per table (the table empties when full).
    static let capacity = 4096
    private let now: @Sendable () -> ContinuousClock.Instant

    private struct State {
        /// Bumped by every invalidation.
        var generation = 0
        /// Kept key checks by token prefix, with the secret's hash.
        var keys: [String: (secretHash: [UInt8], key: APIKey, expires: ContinuousClock.Instant)] = [:]
        var connectors: [TenantID: (names: [String], expires: ContinuousClock.Instant)] = [:]
    }

    private let state = Mutex(State())

    init(ttl: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant) {
        self.ttl = ttl
        self.now = now
    }

    /// Take this before a read whose result may be kept.
    var generation: Int { state.withLock { $0.generation } }

    /// The key whose token has `prefix` and hashes to `secretHash`, if a
    /// fresh success is kept for it.
    func key(prefix: String, secretHash: [UInt8]) -> APIKey? {
        let time = now()
        guard let entry = state.withLock({ $0.keys[prefix] }), time < entry.expires else { return nil }
        return ConstantTime.equal(entry.secretHash, secretHash) ? entry.key : nil
    }

    /// Keep a successful check read after ``generation`` was `readAt`,
    /// unless the cache was invalidated since.
    func keep(_ key: APIKey, prefix: String, secretHash: [UInt8], readAt: Int) {
        let expires = now() + ttl
        state.withLock { s in
            guard s.generation == readAt else { return }
            if s.keys.count >= Self.capacity { s.keys.removeAll(keepingCapacity: true) }
            s.keys[prefix] = (secretHash, key, expires)
        }
    }

    /// `tenant`'s enabled connectors, if fresh.
    func connectors(of tenant: TenantID) -> [String]? {
        let time = now()
        guard let entry = state.withLock({ $0.connectors[tenant] }), time < entry.expires else { return nil }
        return entry.names
    }

    /// Keep `tenant`'s enabled connectors read after ``generation`` was
    /// `readAt`, unless the cache was invalidated since.
    func keep(connectors names: [String], of tenant: TenantID, readAt: Int) {
        let expires = now() + ttl
        state.withLock { s in
            guard s.generation == readAt else { return }
            if s.connectors.count >= Self.capacity { s.connectors.removeAll(keepingCapacity: true) }
            s.connectors[tenant] = (names, expires)
        }
    }

    /// Forget everything (after a change made through this store), and
    /// refuse what reads begun before now would keep.
    func invalidate() {
        state.withLock { s in
            s.generation &+= 1
            s.keys.removeAll()
            s.connectors.removeAll()
        }
    }
}
