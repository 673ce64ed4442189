import Foundation
import PavilionCore
@testable import PavilionStore
import Synchronization
import XCTest

/// `observeCommits` sees every group commit once, with its verifications,
/// and reaches the observer through the same frames at the thousandth commit
/// as at the first (a function type held directly in the `Mutex` grew a
/// chain of reabstraction thunks with every call).
final class CommitObserverTests: XCTestCase {
    func testEveryCommitIsObservedOnceThroughAStackThatDoesNotGrow() async throws {
        let directory = try StoreFixture.makeDirectory(self)
        let store = try SQLiteStore(dataDirectory: directory.path)
        let tenant = try TenantID("acme-bank")
        _ = try await store.createTenant(id: tenant, name: "Acme")
        let seen = Mutex<(verifications: Int, depths: [Int], negative: Bool)>((0, [], false))
        store.observeCommits { duration, verifications in
            let depth = Thread.callStackReturnAddresses.count
            seen.withLock {
                $0.verifications += verifications
                $0.depths.append(depth)
                if duration < .zero { $0.negative = true }
            }
        }
        let count = 300
        for n in 1...count {
            let (record, entry) = try StoreFixture.verification(n, tenant: tenant)
            _ = try await store.recordVerification(record, audit: entry)
        }
        // The observer runs after the group's callers are resumed: wait (bounded) for the last one.
        let deadline = ContinuousClock.now + .seconds(10)
        while seen.withLock({ $0.verifications }) < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        let observed = seen.withLock { $0 }
        XCTAssertEqual(observed.verifications, count, "each verification is in exactly one observed commit")
        XCTAssertEqual(observed.depths.count, count, "one at a time, each verification is its own group")
        XCTAssertFalse(observed.negative)
        let first = try XCTUnwrap(observed.depths.first), last = try XCTUnwrap(observed.depths.last)
        // With the thunk chain the depth grew by two frames per commit (600 here).
        XCTAssertLessThan(abs(last - first), 10, "observer call depth went from \(first) to \(last) frames")
    }
}
