import Foundation
import PavilionCore
@testable import PavilionStore
import PavilionTestSupport
import XCTest

/// Temp data directories, stores and sample records for the store tests.
enum StoreFixture {
    /// A fresh data directory, removed when `test` ends unless
    /// `PAVILION_KEEP_TEST_DATA` is set (to inspect it by hand).
    static func makeDirectory(_ test: XCTestCase) throws -> URL {
        let dir = try TestEnvironment.makeTemporaryDirectory("pavilion-store")
        if ProcessInfo.processInfo.environment["PAVILION_KEEP_TEST_DATA"] == nil {
            test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        }
        return dir
    }

    static func open(_ directory: URL, checkpointInterval: Int64 = 1000,
                     clock: @escaping @Sendable () -> Date = { Date() }) throws -> SQLiteStore {
        try SQLiteStore(dataDirectory: directory.path,
                        configuration: .init(checkpointInterval: checkpointInterval, clock: clock))
    }

    static func databasePath(_ directory: URL) -> String {
        directory.appendingPathComponent(SQLiteStore.databaseFileName).path
    }

    /// A raw connection to the store's database, as a tamperer would open it.
    static func rawConnection(_ directory: URL) throws -> SQLiteConnection {
        try SQLiteConnection(path: databasePath(directory), create: false)
    }

    /// A verification and its audit entry, numbered `n`.
    static func verification(_ n: Int, tenant: TenantID, key: APIKeyID? = nil) throws -> (VerificationRecord, AuditEntry) {
        let started = Date(timeIntervalSince1970: 1_760_000_000 + Double(n))
        let id = try VerificationID("vrf-\(tenant)-\(n)")
        let record = VerificationRecord(id: id, tenantID: tenant, connector: "camara-kyc-match", connectorVersion: "1.0.0",
                                        purpose: "kyc.onboarding", status: .succeeded, createdAt: started,
                                        finishedAt: started.addingTimeInterval(0.25),
                                        result: ["name_match": true, "birthdate_match": "exact"])
        let entry = AuditEntry(requestID: "req-\(tenant)-\(n)", keyID: key, tenantID: tenant, connector: "camara-kyc-match",
                               connectorVersion: "1.0.0", purpose: "kyc.onboarding", lawfulBasis: "gdpr-6-1-c",
                               decision: .permit, outcome: "succeeded", startedAt: started,
                               finishedAt: started.addingTimeInterval(0.25), connectorMilliseconds: 180,
                               dataCategories: ["identity.name", "identity.birthdate"])
        return (record, entry)
    }

    /// Make a tenant and record `count` verifications for it.
    @discardableResult
    static func populate(_ store: SQLiteStore, tenant: String = "acme-bank", count: Int,
                         from start: Int = 1) async throws -> TenantID {
        let id = try TenantID(tenant)
        if try await store.tenant(id: id) == nil {
            _ = try await store.createTenant(id: id, name: "Tenant \(tenant)")
        }
        for n in start..<(start + count) {
            let (record, entry) = try verification(n, tenant: id)
            _ = try await store.recordVerification(record, audit: entry)
        }
        return id
    }
}

/// Assert that `body` throws a ``StoreError`` with `code`, and return it.
@discardableResult
func assertStoreError<T>(_ code: StoreError.Code, file: StaticString = #filePath, line: UInt = #line,
                         _ body: () async throws -> T) async -> StoreError? {
    do {
        _ = try await body()
        XCTFail("expected StoreError \(code), got success", file: file, line: line)
    } catch let error as StoreError {
        XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
        return error
    } catch {
        XCTFail("expected StoreError \(code), got \(error)", file: file, line: line)
    }
    return nil
}
