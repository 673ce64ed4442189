import Foundation
@testable import PavilionStore
import XCTest

final class MigrationTests: XCTestCase {
    func testEmptyDirectoryIsMigratedToTheLatestVersion() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let nested = dir.appendingPathComponent("data/pavilion")
        do {
            let store = try StoreFixture.open(nested)
            let tenants = try await store.tenants()
            XCTAssertEqual(tenants, [])
        }
        let db = try StoreFixture.rawConnection(nested)
        let rows = try db.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
        XCTAssertEqual(rows.count, SQLiteSchema.migrations.count)
        XCTAssertEqual(try rows.last?.integer(0), SQLiteStore.schemaVersion)
        XCTAssertGreaterThan(try XCTUnwrap(rows.first).integer(2), 0)
        let journal = try db.queryOne("PRAGMA journal_mode")
        XCTAssertEqual(try journal?.text(0), "wal")
        XCTAssertEqual(try db.queryOne("PRAGMA application_id")?.integer(0), SQLiteSchema.applicationID)
    }

    func testReopeningIsIdempotentAndKeepsData() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        do {
            let store = try StoreFixture.open(dir)
            try await StoreFixture.populate(store, count: 3)
        }
        for _ in 0..<3 {
            let store = try StoreFixture.open(dir)
            let verification = try await store.verifyAuditChain()
            XCTAssertTrue(verification.isIntact, "\(verification.problems)")
            XCTAssertEqual(verification.recordCount, 3)
        }
        let db = try StoreFixture.rawConnection(dir)
        XCTAssertEqual(try db.queryOne("SELECT count(*) FROM schema_migrations")?.integer(0), Int64(SQLiteSchema.migrations.count))
    }

    func testDatabaseFromANewerPavilionIsRefused() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        do { _ = try StoreFixture.open(dir) }
        do {
            let db = try StoreFixture.rawConnection(dir)
            try db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)")
        }
        let error = await assertStoreError(.schemaTooNew) { try StoreFixture.open(dir) }
        XCTAssertTrue(error?.reason.contains("schema version 99") ?? false, error?.reason ?? "")
        XCTAssertTrue(error?.reason.contains("up to \(SQLiteStore.schemaVersion)") ?? false, error?.reason ?? "")
        // Refusing changed nothing: the row is still there, nothing was rolled forward.
        let db = try StoreFixture.rawConnection(dir)
        XCTAssertEqual(try db.queryOne("SELECT max(version) FROM schema_migrations")?.integer(0), 99)
    }

    func testFileThatIsNotADatabaseIsRefusedClearly() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: StoreFixture.databasePath(dir)))
        let error = await assertStoreError(.corruptDatabase) { try StoreFixture.open(dir) }
        XCTAssertTrue(error?.reason.contains(StoreFixture.databasePath(dir)) ?? false, error?.description ?? "")
        XCTAssertNotNil(error?.call)
    }

    func testTruncatedDatabaseIsRefusedOrReportedNotCrashing() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        do {
            let store = try StoreFixture.open(dir)
            try await StoreFixture.populate(store, count: 20)
        }
        let path = StoreFixture.databasePath(dir)
        // Move everything out of the WAL into the main file first.
        try StoreFixture.rawConnection(dir).execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertGreaterThan(bytes.count, 4096)
        try bytes.prefix(4096 + 100).write(to: URL(fileURLWithPath: path))
        do {
            let store = try StoreFixture.open(dir)
            // Opening may succeed when the damaged pages are not touched yet;
            // then reading them must fail with an error, not crash.
            _ = try await store.verifyAuditChain()
            _ = try await store.tenants()
        } catch let error as StoreError {
            XCTAssertTrue([.corruptDatabase, .database, .migrationFailed].contains(error.code), "\(error)")
        }
    }

    func testForeignSQLiteDatabaseIsRefused() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        do {
            let db = try SQLiteConnection(path: StoreFixture.databasePath(dir), create: true)
            try db.execute("PRAGMA application_id = 1234; CREATE TABLE t (x INTEGER)")
        }
        let error = await assertStoreError(.corruptDatabase) { try StoreFixture.open(dir) }
        XCTAssertTrue(error?.reason.contains("another application") ?? false, error?.description ?? "")
    }

    func testFilesAreCreatedPrivate() async throws {
        let parent = try StoreFixture.makeDirectory(self)
        let dir = parent.appendingPathComponent("data")
        let store = try StoreFixture.open(dir)
        try await StoreFixture.populate(store, count: 1)
        func mode(_ path: String) throws -> Int {
            try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        }
        XCTAssertEqual(try mode(dir.path), 0o700)
        let db = StoreFixture.databasePath(dir)
        XCTAssertEqual(try mode(db), 0o600)
        XCTAssertEqual(try mode(db + "-wal"), 0o600)
        XCTAssertEqual(try mode(dir.appendingPathComponent(SQLiteStore.signingKeyFileName).path), 0o600)
    }

    func testExistingDatabaseWithWidePermissionsIsTightened() throws {
        let dir = try StoreFixture.makeDirectory(self)
        do { _ = try StoreFixture.open(dir) }
        let db = StoreFixture.databasePath(dir)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: db)
        _ = try StoreFixture.open(dir)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: db)[.posixPermissions] as? Int, 0o600)
    }

    func testSigningKeyReadableByOthersIsRefused() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        do { _ = try StoreFixture.open(dir) }
        let key = dir.appendingPathComponent(SQLiteStore.signingKeyFileName).path
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        let error = await assertStoreError(.fileSystem) { try StoreFixture.open(dir) }
        XCTAssertTrue(error?.reason.contains("chmod 600") ?? false, error?.description ?? "")
    }

    func testSigningKeyOfWrongLengthIsRefused() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        do { _ = try StoreFixture.open(dir) }
        let key = dir.appendingPathComponent(SQLiteStore.signingKeyFileName)
        try Data([1, 2, 3]).write(to: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        await assertStoreError(.fileSystem) { try StoreFixture.open(dir) }
    }

    func testSigningKeySurvivesReopen() throws {
        let dir = try StoreFixture.makeDirectory(self)
        let first = try StoreFixture.open(dir).checkpointPublicKey
        let second = try StoreFixture.open(dir).checkpointPublicKey
        XCTAssertEqual(first, second)
    }
}
