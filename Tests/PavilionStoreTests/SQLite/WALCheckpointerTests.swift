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
}
