import Foundation
@testable import PavilionStore
import XCTest

/// Schema version 3: status entries are allocated once per credential at
/// distinct indices, revocation is final, and a list reads back only its
/// non-valid entries with an update time that moves on every change.
final class CredentialStoreTests: XCTestCase {
    private let tenant = TenantID(trusted: "acme")

    func testAllocationTakesTheFirstFreeCandidateAndNeverReusesAnIndex() async throws {
        let store = try StoreFixture.open(try StoreFixture.makeDirectory(self))
        let a = try VerificationID.generate(), b = try VerificationID.generate(), c = try VerificationID.generate()
        let first = try await store.allocateCredentialStatus(verification: a, tenant: tenant, region: "eu", capacity: 16_384,
                                                             fillLimit: 8_192, candidates: [42, 7])
        XCTAssertEqual(first?.index, 42)
        let second = try await store.allocateCredentialStatus(verification: b, tenant: tenant, region: "eu", capacity: 16_384,
                                                              fillLimit: 8_192, candidates: [42, 7])
        XCTAssertEqual(second?.index, 7)
        XCTAssertEqual(first?.listID, second?.listID)
        let none = try await store.allocateCredentialStatus(verification: c, tenant: tenant, region: "eu", capacity: 16_384,
                                                            fillLimit: 8_192, candidates: [42, 7])
        XCTAssertNil(none, "every candidate taken: draw again")
        let other = try await store.allocateCredentialStatus(verification: c, tenant: tenant, region: "us", capacity: 16_384,
                                                             fillLimit: 8_192, candidates: [42])
        XCTAssertNotEqual(other?.listID, first?.listID, "lists belong to a region")
        for bad in [[-1], [16_384]] {
            do {
                _ = try await store.allocateCredentialStatus(verification: try VerificationID.generate(), tenant: tenant, region: "eu",
                                                             capacity: 16_384, fillLimit: 8_192, candidates: bad)
                XCTFail("accepted candidate \(bad)")
            } catch {
                XCTAssertEqual(error.code, .invalidInput)
            }
        }
    }

    func testAFullListIsFollowedByANewOne() async throws {
        let store = try StoreFixture.open(try StoreFixture.makeDirectory(self))
        var lists: [Int64] = []
        for index in 0..<3 {
            let entry = try await store.allocateCredentialStatus(verification: try VerificationID.generate(), tenant: tenant, region: "eu",
                                                                 capacity: 16_384, fillLimit: 2, candidates: [index])
            lists.append(try XCTUnwrap(entry?.listID))
        }
        XCTAssertEqual(lists[0], lists[1])
        XCTAssertNotEqual(lists[1], lists[2])
    }

    func testRevocationIsFinalAndListsReadBackTheirNonValidEntries() async throws {
        let store = try StoreFixture.open(try StoreFixture.makeDirectory(self))
        let a = try VerificationID.generate(), b = try VerificationID.generate()
        let allocated = try await store.allocateCredentialStatus(verification: a, tenant: tenant, region: "eu", capacity: 16_384,
                                                                 fillLimit: 8_192, candidates: [3])
        let entry = try XCTUnwrap(allocated)
        _ = try await store.allocateCredentialStatus(verification: b, tenant: tenant, region: "eu", capacity: 16_384,
                                                     fillLimit: 8_192, candidates: [9])
        let readBefore = try await store.statusList(id: entry.listID)
        let before = try XCTUnwrap(readBefore)
        XCTAssertEqual(before.statuses, [:])
        XCTAssertEqual(before.allocated, 2)
        _ = try await store.setCredentialStatus(.suspended, verification: a)
        _ = try await store.setCredentialStatus(.revoked, verification: b)
        let readAfter = try await store.statusList(id: entry.listID)
        let after = try XCTUnwrap(readAfter)
        XCTAssertEqual(after.statuses, [3: .suspended, 9: .revoked])
        XCTAssertGreaterThan(after.updatedAt, before.updatedAt)
        _ = try await store.setCredentialStatus(.valid, verification: a)
        do {
            _ = try await store.setCredentialStatus(.valid, verification: b)
            XCTFail("reinstated a revoked credential")
        } catch {
            XCTAssertEqual(error.code, .invalidInput)
        }
        do {
            _ = try await store.setCredentialStatus(.revoked, verification: try VerificationID.generate())
            XCTFail("changed an unknown credential")
        } catch {
            XCTAssertEqual(error.code, .notFound)
        }
        let final = try await store.statusList(id: entry.listID)
        XCTAssertEqual(final?.statuses, [9: .revoked])
        let missing = try await store.statusList(id: 999)
        XCTAssertNil(missing)
    }
}
