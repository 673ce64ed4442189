import Foundation
import PavilionCore
@testable import PavilionStore
import XCTest

/// Verifications recorded concurrently are committed in groups: every one
/// is durable and chained, and one bad record fails alone.
final class GroupCommitTests: XCTestCase {
    func testConcurrentVerificationsAreAllRecordedAndChained() async throws {
        let store = try StoreFixture.open(StoreFixture.makeDirectory(self), checkpointInterval: 50)
        let tenant = try TenantID("acme-bank")
        _ = try await store.createTenant(id: tenant, name: "Acme")
        let records = try await withThrowingTaskGroup(of: AuditRecord.self) { group in
            for n in 1...300 {
                let (record, entry) = try StoreFixture.verification(n, tenant: tenant)
                group.addTask { try await store.recordVerification(record, audit: entry) }
            }
            var all: [AuditRecord] = []
            for try await record in group { all.append(record) }
            return all
        }
        XCTAssertEqual(records.map(\.sequence).sorted(), Array(1...300))
        let check = try await store.verifyAuditChain()
        XCTAssertTrue(check.isIntact, "\(String(describing: check.firstProblem))")
        for n in [1, 150, 300] {
            let found = try await store.verification(id: VerificationID("vrf-\(tenant)-\(n)"), tenant: tenant)
            XCTAssertNotNil(found)
        }
    }

    func testOneBadRecordInAGroupFailsAloneAndLeavesNoAuditRecord() async throws {
        let store = try StoreFixture.open(StoreFixture.makeDirectory(self))
        let tenant = try TenantID("acme-bank")
        _ = try await store.createTenant(id: tenant, name: "Acme")
        let (first, firstEntry) = try StoreFixture.verification(1, tenant: tenant)
        _ = try await store.recordVerification(first, audit: firstEntry)
        // Many at once, one of which reuses verification 1's id.
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for n in 2...40 {
                group.addTask {
                    do {
                        var (record, entry) = try StoreFixture.verification(n, tenant: tenant)
                        if n == 20 { record = first }
                        entry.requestID = "req-\(n)"
                        _ = try await store.recordVerification(record, audit: entry)
                        return (n, true)
                    } catch {
                        return (n, false)
                    }
                }
            }
            var all: [Int: Bool] = [:]
            for await (n, ok) in group { all[n] = ok }
            return all
        }
        XCTAssertEqual(outcomes[20], false)
        XCTAssertEqual(outcomes.filter { $0.value }.count, 38)
        let audit = try await store.auditRecords(tenant: tenant, afterSequence: 0, limit: 1000)
        XCTAssertEqual(audit.count, 39)
        XCTAssertFalse(audit.contains { $0.entry.requestID == "req-20" })
        let check = try await store.verifyAuditChain()
        XCTAssertTrue(check.isIntact, "\(String(describing: check.firstProblem))")
    }
}
