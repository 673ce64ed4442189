import Foundation
@testable import PavilionStore
import Synchronization
import XCTest

/// The serving store's short-lived cache of key checks and enabled
/// connectors: changes made through the same store take effect at once,
/// changes by another process (another store on the same directory, as the
/// CLI is) within the cache's time, and only successes are kept.
final class AccessCacheTests: XCTestCase {
    private var dir: URL!
    private let clock = TestClock()

    override func setUp() async throws {
        dir = try StoreFixture.makeDirectory(self)
    }

    /// The serving store, its cache aged by the test's clock.
    private func serving(ttl: Duration = .seconds(1)) throws -> SQLiteStore {
        try SQLiteStore(dataDirectory: dir.path, configuration: .init(accessCacheTTL: ttl, monotonicClock: { [clock] in clock.now }))
    }

    /// Another process's store on the same directory (no cache of its own needed).
    private func other() throws -> SQLiteStore {
        try SQLiteStore(dataDirectory: dir.path, configuration: .init(accessCacheTTL: .zero))
    }

    private func advance(_ duration: Duration) { clock.advance(duration) }

    func testAChangeThroughTheSameStoreTakesEffectAtOnce() async throws {
        let store = try serving()
        let tenant = try TenantID("acme")
        _ = try await store.createTenant(id: tenant, name: "ACME")
        let issued = try await store.createAPIKey(kind: .tenant, tenant: tenant, label: "backend")
        let second = try await store.createAPIKey(kind: .tenant, tenant: tenant, label: "batch")
        do { let got = try await store.authenticate(token: issued.token); XCTAssertEqual(got, .authenticated(issued.key)) }
        do { let got = try await store.authenticate(token: second.token); XCTAssertEqual(got, .authenticated(second.key)) }
        try await store.revokeAPIKey(id: issued.key.id)
        do { let got = try await store.authenticate(token: issued.token); XCTAssertEqual(got, .revoked(issued.key.id)) }
        try await store.setTenantStatus(.disabled, for: tenant)
        do { let got = try await store.authenticate(token: second.token); XCTAssertEqual(got, .tenantDisabled(second.key.id, tenant)) }

        do { let got = try await store.enabledConnectors(for: tenant); XCTAssertEqual(got, []) }
        try await store.setConnector("echo", enabled: true, for: tenant)
        do { let got = try await store.enabledConnectors(for: tenant); XCTAssertEqual(got, ["echo"]) }
        try await store.setConnector("echo", enabled: false, for: tenant)
        do { let got = try await store.enabledConnectors(for: tenant); XCTAssertEqual(got, []) }
    }

    func testAnotherProcesssChangeIsSeenOnceTheEntryIsOlderThanTheCacheTime() async throws {
        let store = try serving()
        let cli = try other()
        let tenant = try TenantID("acme")
        _ = try await cli.createTenant(id: tenant, name: "ACME")
        let issued = try await cli.createAPIKey(kind: .tenant, tenant: tenant, label: "backend")
        do { let got = try await store.authenticate(token: issued.token); XCTAssertEqual(got, .authenticated(issued.key)) }
        do { let got = try await store.enabledConnectors(for: tenant); XCTAssertEqual(got, []) }

        try await cli.revokeAPIKey(id: issued.key.id)
        try await cli.setConnector("echo", enabled: true, for: tenant)
        advance(.milliseconds(999))
        do { let got = try await store.authenticate(token: issued.token); XCTAssertEqual(got, .authenticated(issued.key), "kept for up to 1 s") }
        do { let got = try await store.enabledConnectors(for: tenant); XCTAssertEqual(got, []) }
        advance(.milliseconds(1))
        do { let got = try await store.authenticate(token: issued.token); XCTAssertEqual(got, .revoked(issued.key.id)) }
        do { let got = try await store.enabledConnectors(for: tenant); XCTAssertEqual(got, ["echo"]) }
    }

    func testOnlySuccessesAreKeptAndAWrongSecretNeverMatchesAKeptKey() async throws {
        let store = try serving()
        let cli = try other()
        let tenant = try TenantID("acme")
        _ = try await cli.createTenant(id: tenant, name: "ACME")
        let issued = try await cli.createAPIKey(kind: .tenant, tenant: tenant, label: "backend")
        do { let got = try await store.authenticate(token: issued.token); XCTAssertEqual(got, .authenticated(issued.key)) }
        // Same prefix, another secret: refused, though the prefix has a kept entry.
        let secret = String(issued.token.split(separator: "_")[2])
        let forged = issued.token.dropLast(secret.count) + String(repeating: secret.first == "a" ? "b" : "a", count: secret.count)
        do { let got = try await store.authenticate(token: String(forged)); XCTAssertEqual(got, .invalid) }

        // A refusal is not kept: it is read from the database each time, so it is never stale either.
        try await cli.setTenantStatus(.disabled, for: tenant)
        advance(.seconds(2))
        do { let got = try await store.authenticate(token: issued.token); XCTAssertEqual(got, .tenantDisabled(issued.key.id, tenant)) }
        try await cli.setTenantStatus(.active, for: tenant)
        do { let got = try await store.authenticate(token: issued.token); XCTAssertEqual(got, .authenticated(issued.key), "no stale refusal") }
    }

    func testWithoutACacheTimeEveryCheckReadsTheDatabase() async throws {
        let store = try serving(ttl: .zero)
        let cli = try other()
        let tenant = try TenantID("acme")
        _ = try await cli.createTenant(id: tenant, name: "ACME")
        let issued = try await cli.createAPIKey(kind: .tenant, tenant: tenant, label: "backend")
        do { let got = try await store.authenticate(token: issued.token); XCTAssertEqual(got, .authenticated(issued.key)) }
        try await cli.revokeAPIKey(id: issued.key.id)
        do { let got = try await store.authenticate(token: issued.token); XCTAssertEqual(got, .revoked(issued.key.id)) }
    }

    /// A read that began before a change (here: a key check, then the key
    /// revoked before the read's result is kept) must not put the old answer
    /// back into the emptied cache, where it would outlive the revocation.
    func testAReadOverlappingAChangeIsNotKept() async throws {
        let store = try serving()
        let tenant = try TenantID("acme")
        _ = try await store.createTenant(id: tenant, name: "ACME")
        let issued = try await store.createAPIKey(kind: .tenant, tenant: tenant, label: "backend")
        let cache = try XCTUnwrap(store.access)
        let token = try XCTUnwrap(APIKeyToken.parse(issued.token))
        let before = cache.generation
        try await store.revokeAPIKey(id: issued.key.id)  // invalidates
        cache.keep(issued.key, prefix: token.prefix, secretHash: token.hash, readAt: before)
        XCTAssertNil(cache.key(prefix: token.prefix, secretHash: token.hash), "a stale success was kept")
        do { let got = try await store.authenticate(token: issued.token); XCTAssertEqual(got, .revoked(issued.key.id)) }

        cache.keep(connectors: ["echo"], of: tenant, readAt: before)
        XCTAssertNil(cache.connectors(of: tenant))
        // A read begun after the change is kept.
        cache.keep(connectors: ["echo"], of: tenant, readAt: cache.generation)
        XCTAssertEqual(cache.connectors(of: tenant), ["echo"])
    }
}

/// A monotonic clock that moves only when told.
private final class TestClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)
    var now: ContinuousClock.Instant { instant.withLock { $0 } }
    func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
}
