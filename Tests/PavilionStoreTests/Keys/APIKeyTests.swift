import Foundation
import PavilionCrypto
@testable import PavilionStore
import XCTest

final class APIKeyTests: XCTestCase {
    private var dir: URL!
    private var store: SQLiteStore!
    private var tenant: TenantID!

    override func setUp() async throws {
        dir = try StoreFixture.makeDirectory(self)
        store = try StoreFixture.open(dir)
        tenant = try TenantID("acme-bank")
        _ = try await store.createTenant(id: tenant, name: "ACME Bank")
    }

    func testIssuedTokenHasTheDocumentedShape() async throws {
        let issued = try await store.createAPIKey(kind: .tenant, tenant: tenant, label: "backend")
        let parts = issued.token.split(separator: "_")
        XCTAssertEqual(parts.count, 3)
        XCTAssertEqual(parts[0], "pvk")
        XCTAssertEqual(String(parts[1]), issued.key.prefix)
        XCTAssertEqual(parts[1].count, 16)
        XCTAssertEqual(parts[2].count, 64)
        XCTAssertEqual(issued.key.tenantID, tenant)
        XCTAssertEqual(issued.key.kind, .tenant)
        let another = try await store.createAPIKey(kind: .tenant, tenant: tenant, label: "backend")
        XCTAssertNotEqual(another.token, issued.token)
    }

    func testOnlyTheHashOfTheSecretIsStored() async throws {
        let issued = try await store.createAPIKey(kind: .tenant, tenant: tenant, label: "backend")
        let secretHex = String(try XCTUnwrap(issued.token.split(separator: "_").last))
        let secretBytes = try XCTUnwrap(Hex.decode(secretHex))
        // Checkpoint the WAL too, so both the log and the main file are scanned.
        let db = StoreFixture.databasePath(dir)
        var files = [db]
        if FileManager.default.fileExists(atPath: db + "-wal") { files.append(db + "-wal") }
        for file in files {
            let raw = try Data(contentsOf: URL(fileURLWithPath: file))
            XCTAssertNil(raw.range(of: Data(issued.token.utf8)), "token found in \(file)")
            XCTAssertNil(raw.range(of: Data(secretHex.utf8)), "secret hex found in \(file)")
            XCTAssertNil(raw.range(of: Data(secretBytes)), "secret bytes found in \(file)")
        }
        let row = try XCTUnwrap(try StoreFixture.rawConnection(dir)
            .queryOne("SELECT secret_hash FROM api_keys WHERE id = ?1", [.text(issued.key.id.rawValue)]))
        XCTAssertEqual(try row.blob(0), SHA256.hash(Array(issued.token.utf8)))
    }

    func testRightTokenAuthenticates() async throws {
        let issued = try await store.createAPIKey(kind: .tenant, tenant: tenant, label: "backend")
        let result = try await store.authenticate(token: issued.token)
        XCTAssertEqual(result, .authenticated(issued.key))
        let admin = try await store.createAPIKey(kind: .admin, tenant: nil, label: "ops")
        let adminResult = try await store.authenticate(token: admin.token)
        XCTAssertEqual(adminResult.key?.kind, .admin)
        XCTAssertNil(adminResult.key?.tenantID)
    }

    func testWrongOrMalformedTokenIsInvalid() async throws {
        let issued = try await store.createAPIKey(kind: .tenant, tenant: tenant, label: "backend")
        var wrong = Array(issued.token)
        wrong[wrong.count - 1] = wrong[wrong.count - 1] == "0" ? "1" : "0"
        let unknownPrefix = "pvk_" + String(repeating: "a", count: 16) + "_" + String(repeating: "b", count: 64)
        let upper = issued.token.uppercased()
        for token in [String(wrong), unknownPrefix, upper, "", "pvk__", "pvk_\(issued.key.prefix)_",
                      issued.token + "0", "Bearer " + issued.token, issued.token.replacingOccurrences(of: "pvk", with: "pvx")] {
            let result = try await store.authenticate(token: token)
            XCTAssertEqual(result, .invalid, token)
        }
    }

    func testRevokedKeyIsRefused() async throws {
        let issued = try await store.createAPIKey(kind: .tenant, tenant: tenant, label: "backend")
        try await store.revokeAPIKey(id: issued.key.id)
        try await store.revokeAPIKey(id: issued.key.id)
        let result = try await store.authenticate(token: issued.token)
        XCTAssertEqual(result, .revoked(issued.key.id))
        let keys = try await store.apiKeys(tenant: tenant)
        XCTAssertNotNil(keys.first?.revokedAt)
        await assertStoreError(.notFound) { try await self.store.revokeAPIKey(id: APIKeyID("key_missing")) }
    }

    func testKeyOfDisabledTenantIsRefusedAndWorksAgainWhenEnabled() async throws {
        let issued = try await store.createAPIKey(kind: .tenant, tenant: tenant, label: "backend")
        try await store.setTenantStatus(.disabled, for: tenant)
        let refused = try await store.authenticate(token: issued.token)
        XCTAssertEqual(refused, .tenantDisabled(issued.key.id, tenant))
        try await store.setTenantStatus(.active, for: tenant)
        let accepted = try await store.authenticate(token: issued.token)
        XCTAssertNotNil(accepted.key)
    }

    func testKindAndTenantMustAgree() async throws {
        await assertStoreError(.invalidInput) { try await self.store.createAPIKey(kind: .admin, tenant: self.tenant, label: "x") }
        await assertStoreError(.invalidInput) { try await self.store.createAPIKey(kind: .tenant, tenant: nil, label: "x") }
        await assertStoreError(.notFound) {
            try await self.store.createAPIKey(kind: .tenant, tenant: TenantID("nobody"), label: "x")
        }
        await assertStoreError(.invalidInput) { try await self.store.createAPIKey(kind: .admin, tenant: nil, label: "has space") }
    }

    func testKeysAreListedPerTenant() async throws {
        let other = try TenantID("other")
        _ = try await store.createTenant(id: other, name: "Other")
        let a = try await store.createAPIKey(kind: .tenant, tenant: tenant, label: "a")
        _ = try await store.createAPIKey(kind: .tenant, tenant: other, label: "b")
        let admin = try await store.createAPIKey(kind: .admin, tenant: nil, label: "ops")
        let tenantKeys = try await store.apiKeys(tenant: tenant)
        let adminKeys = try await store.apiKeys(tenant: nil)
        XCTAssertEqual(tenantKeys.map(\.id), [a.key.id])
        XCTAssertEqual(adminKeys.map(\.id), [admin.key.id])
    }
}
