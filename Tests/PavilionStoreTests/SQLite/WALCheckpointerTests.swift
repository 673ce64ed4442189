import Foundation
import PavilionCore
@testable import PavilionStore
import XCTest

/// The WAL is copied into the database file by the background checkpointer,
/// not by the writer's commits, and nothing is lost on the way.
final class WALCheckpointerTests: XCTestCase {
    func testAGrownWALIsCheckpointedInTheBackgroundAndTheChainStaysIntact() async throws {
        let directory = try StoreFixture.makeDirectory(self)
        let store = try SQLiteStore(dataDirectory: directory.path, configuration: .init(checkpointFrames: 8))
        let tenant = try TenantID("acme-bank")
        _ = try await store.createTenant(id: tenant, name: "Acme")
        for n in 1...40 {
            let (record, entry) = try StoreFixture.verification(n, tenant: tenant)
            _ = try await store.recordVerification(record, audit: entry)
        }
        // Bounded wait on the condition (the checkpoint runs on its own queue).
        let deadline = ContinuousClock.now + .seconds(10)
        while store.checkpointer.completedCount == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        XCTAssertGreaterThan(store.checkpointer.completedCount, 0)
        let check = try await store.verifyAuditChain()
        XCTAssertTrue(check.isIntact, "\(String(describing: check.firstProblem))")
        XCTAssertEqual(check.verificationCount, 40)
    }

    func testASmallWALIsLeftAlone() async throws {
        let directory = try StoreFixture.makeDirectory(self)
        let store = try SQLiteStore(dataDirectory: directory.path, configuration: .init(checkpointFrames: 100_000))
        let tenant = try TenantID("acme-bank")
        _ = try await store.createTenant(id: tenant, name: "Acme")
        let (record, entry) = try StoreFixture.verification(1, tenant: tenant)
        _ = try await store.recordVerification(record, audit: entry)
        XCTAssertEqual(store.checkpointer.completedCount, 0)
    }

    /// While the WAL cannot restart (here a reader holds its snapshot; under
    /// load, the writer's next transaction begins while a checkpoint runs),
    /// it holds more than the threshold after every commit. A checkpoint is
    /// still queued only per `threshold` frames added, not after each commit.
    func testAWALThatCannotRestartIsCheckpointedOncePerThresholdOfNewFrames() async throws {
        let directory = try StoreFixture.makeDirectory(self)
        let threshold = 64
        let store = try SQLiteStore(dataDirectory: directory.path, configuration: .init(checkpointFrames: threshold))
        let tenant = try TenantID("acme-bank")
        _ = try await store.createTenant(id: tenant, name: "Acme")
        let path = directory.appendingPathComponent(SQLiteStore.databaseFileName).path
        let reader = try SQLiteConnection(path: path, create: false)
        try reader.execute("BEGIN; SELECT count(*) FROM sqlite_master;")
        for n in 1...100 {
            let (record, entry) = try StoreFixture.verification(n, tenant: tenant)
            _ = try await store.recordVerification(record, audit: entry)
        }
        let frames = try Self.walFrames(path)
        XCTAssertGreaterThan(frames, 4 * threshold, "the WAL should have grown past several thresholds")
        // Bounded wait for the last queued checkpoint.
        let deadline = ContinuousClock.now + .seconds(10)
        while store.checkpointer.completedCount == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        try await Task.sleep(for: .milliseconds(50))
        XCTAssertGreaterThan(store.checkpointer.completedCount, 0)
        XCTAssertLessThanOrEqual(store.checkpointer.completedCount, frames / threshold + 1,
                                 "\(store.checkpointer.completedCount) checkpoints for \(frames) frames over 100 commits")
        try reader.execute("COMMIT")
    }

    /// Commits arriving while the background checkpoint copies leave it a few
    /// frames short every time; the writer copies those itself, so the WAL
    /// restarts and its file stays near the threshold instead of growing
    /// with every commit. Commits here come from many tasks at once, so the
    /// writer is busy as under load.
    func testTheWALRestartsUnderConcurrentCommits() async throws {
        let directory = try StoreFixture.makeDirectory(self)
        let threshold = 64
        let store = try SQLiteStore(dataDirectory: directory.path, configuration: .init(checkpointFrames: threshold))
        let tenant = try TenantID("acme-bank")
        _ = try await store.createTenant(id: tenant, name: "Acme")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    for n in 0..<150 {
                        let (record, entry) = try StoreFixture.verification(worker * 1_000 + n + 1, tenant: tenant)
                        _ = try await store.recordVerification(record, audit: entry)
                    }
                }
            }
            try await group.waitForAll()
        }
        let frames = try Self.walFrames(directory.appendingPathComponent(SQLiteStore.databaseFileName).path)
        XCTAssertGreaterThan(store.checkpointer.writerFinishedCount, 0, "the writer never finished a checkpoint")
        // 2,400 verifications write several thousand frames; a WAL that restarts holds a few thresholds at most.
        XCTAssertLessThan(frames, 16 * threshold, "the WAL grew to \(frames) frames")
        let check = try await store.verifyAuditChain()
        XCTAssertTrue(check.isIntact, "\(String(describing: check.firstProblem))")
        XCTAssertEqual(check.verificationCount, 2_400)
    }

    /// The frames the database's WAL file has room for: its size after the
    /// 32-byte header, in frames of a 24-byte header and a 4,096-byte page.
    private static func walFrames(_ databasePath: String) throws -> Int {
        let bytes = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: databasePath + "-wal")[.size] as? Int)
        return (bytes - 32) / (4096 + 24)
    }
}
