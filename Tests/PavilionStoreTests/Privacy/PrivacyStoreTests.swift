import Foundation
import PavilionCrypto
@testable import PavilionStore
import XCTest

/// Schema version 5: the privacy ledger, OPRF keys and the transparency
/// log in a real SQLite file, across reopenings.
final class PrivacyStoreTests: XCTestCase {
    private let digest = String(repeating: "ab", count: 32)

    func testLedgerRecordsSurviveReopeningInOrder() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let records = [
            PrivacyLedgerRecord(account: .dataset(tenant: "acme", dataset: "analytics"), mechanism: "histogram:connector",
                                unit: "epsilon", amount: "0.25", timeMilliseconds: 1_800_000_000_000),
            PrivacyLedgerRecord(account: .probing(relyingParty: "acme", subjectDigest: digest), mechanism: "verify:echo",
                                unit: "answers", amount: "1", timeMilliseconds: 1_800_000_000_001),
            PrivacyLedgerRecord(account: .dataset(tenant: "acme", dataset: "analytics"), mechanism: "count",
                                unit: "rho", amount: "0.5", timeMilliseconds: 1_800_000_000_002),
        ]
        do {
            let store = try StoreFixture.open(dir)
            for record in records { try store.appendPrivacyLedgerRecord(record) }
        }
        let reopened = try StoreFixture.open(dir)
        XCTAssertEqual(try reopened.privacyLedgerRecords(), records)
    }

    func testMalformedLedgerRecordsAreRefused() throws {
        let store = try StoreFixture.open(try StoreFixture.makeDirectory(self))
        let bad = [
            PrivacyLedgerRecord(account: .probing(relyingParty: "acme", subjectDigest: "+15551234567"), mechanism: "verify:echo",
                                unit: "answers", amount: "1", timeMilliseconds: 1),
            PrivacyLedgerRecord(account: .dataset(tenant: "acme", dataset: "a b"), mechanism: "count", unit: "epsilon", amount: "1",
                                timeMilliseconds: 1),
            PrivacyLedgerRecord(account: .dataset(tenant: "acme", dataset: "d"), mechanism: "count", unit: "delta", amount: "1",
                                timeMilliseconds: 1),
            PrivacyLedgerRecord(account: .dataset(tenant: "acme", dataset: "d"), mechanism: "count", unit: "epsilon", amount: "-1",
                                timeMilliseconds: 1),
        ]
        for record in bad {
            XCTAssertThrowsError(try store.appendPrivacyLedgerRecord(record)) { error in
                XCTAssertEqual((error as? StoreError)?.code, .invalidInput)
            }
        }
        XCTAssertEqual(try store.privacyLedgerRecords(), [])
    }

    func testLedgerAndLogRowsCannotBeRewritten() throws {
        let dir = try StoreFixture.makeDirectory(self)
        do {
            let store = try StoreFixture.open(dir)
            try store.appendPrivacyLedgerRecord(PrivacyLedgerRecord(account: .dataset(tenant: "acme", dataset: "d"), mechanism: "count",
                                                                    unit: "epsilon", amount: "1", timeMilliseconds: 1))
        }
        let db = try StoreFixture.rawConnection(dir)
        XCTAssertThrowsError(try db.run("UPDATE privacy_ledger SET amount = '0'"))
        XCTAssertThrowsError(try db.run("DELETE FROM privacy_ledger"))
        try db.run("INSERT INTO privacy_log_entries (leaf_index, entry, recorded_at) VALUES (0, x'01', 1)")
        XCTAssertThrowsError(try db.run("DELETE FROM privacy_log_entries"))
    }

    func testOPRFKeysAreVersionedAndRotated() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir)
        let acme = try TenantID("acme")
        _ = try await store.createTenant(id: acme, name: "Acme")
        let v1 = try await store.addOPRFKey(tenant: acme, name: "blocklist", suite: "P256-SHA256", mode: "voprf",
                                            sealedKey: [1, 2, 3], publicKey: [4, 5], rotate: false)
        XCTAssertEqual(v1.version, 1)
        do {
            _ = try await store.addOPRFKey(tenant: acme, name: "blocklist", suite: "P256-SHA256", mode: "voprf",
                                           sealedKey: [1], publicKey: [2], rotate: false)
            XCTFail("a second create must be refused")
        } catch { XCTAssertEqual(error.code, .duplicate) }
        do {
            _ = try await store.addOPRFKey(tenant: acme, name: "other", suite: "P256-SHA256", mode: "voprf",
                                           sealedKey: [1], publicKey: [2], rotate: true)
            XCTFail("rotating a missing key must be refused")
        } catch { XCTAssertEqual(error.code, .notFound) }
        do {
            _ = try await store.addOPRFKey(tenant: TenantID("nobody"), name: "k", suite: "P256-SHA256", mode: "voprf",
                                           sealedKey: [1], publicKey: [2], rotate: false)
            XCTFail("an unknown tenant must be refused")
        } catch { XCTAssertEqual(error.code, .notFound) }
        let v2 = try await store.addOPRFKey(tenant: acme, name: "blocklist", suite: "P256-SHA256", mode: "voprf",
                                            sealedKey: [9, 9], publicKey: [8], rotate: true)
        XCTAssertEqual(v2.version, 2)
        let reopened = try StoreFixture.open(dir)
        let current = try await reopened.oprfKey(tenant: acme, name: "blocklist")
        XCTAssertEqual(current?.version, 2)
        XCTAssertEqual(current?.sealedKey, [9, 9])
        let all = try await reopened.oprfKeys(tenant: acme)
        XCTAssertEqual(all.map(\.version), [1, 2])
        XCTAssertNotNil(all[0].retiredAt)
        XCTAssertNil(all[1].retiredAt)
        let other = try await reopened.oprfKey(tenant: TenantID("nobody"), name: "blocklist")
        XCTAssertNil(other)
    }

    func testLogEntriesGetConsecutiveIndicesAndSurviveReopening() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        do {
            let store = try StoreFixture.open(dir)
            let indices = try await withThrowingTaskGroup(of: Int64.self) { group in
                for i in 0..<20 { group.addTask { try await store.appendPrivacyLogEntry(Array("entry-\(i)".utf8)) } }
                var out: [Int64] = []
                for try await index in group { out.append(index) }
                return out
            }
            XCTAssertEqual(indices.sorted(), Array(0..<20))
            try await store.recordPrivacyTreeHead(treeSize: 20, signed: "{\"first\":true}")
            try await store.recordPrivacyTreeHead(treeSize: 20, signed: "{\"second\":true}")
        }
        let reopened = try StoreFixture.open(dir)
        let all = try await reopened.privacyLogEntries(from: 0, limit: 100)
        XCTAssertEqual(all.count, 20)
        XCTAssertEqual(Set(all.map { String(decoding: $0, as: UTF8.self) }), Set((0..<20).map { "entry-\($0)" }))
        let tail = try await reopened.privacyLogEntries(from: 18, limit: 100)
        XCTAssertEqual(tail, Array(all[18...]))
        let kept = try await reopened.privacyTreeHead(treeSize: 20)
        XCTAssertEqual(kept, "{\"first\":true}")
        let none = try await reopened.privacyTreeHead(treeSize: 3)
        XCTAssertNil(none)
        do {
            _ = try await reopened.appendPrivacyLogEntry([])
            XCTFail("an empty entry must be refused")
        } catch { XCTAssertEqual(error.code, .invalidInput) }
    }

    func testAReceiptArtifactIsStoredOnceAsTheNextLogEntryAndItsIndexReturned() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir)
        let tenant = try await StoreFixture.populate(store, count: 0)
        let other = try await StoreFixture.populate(store, tenant: "zeta", count: 0)
        _ = try await store.appendPrivacyLogEntry(Array("standalone".utf8))
        let receipt = VerificationArtifact(kind: "privacy_receipt", mediaType: "application/json", body: Array("{\"r\":1}".utf8))
        let lineage = VerificationArtifact(kind: "lineage", mediaType: "application/json", body: Array("{}".utf8))
        let (record, entry) = try StoreFixture.verification(1, tenant: tenant)
        let recorded = try await store.recordVerification(record, audit: entry, artifacts: [lineage, receipt])
        XCTAssertEqual(recorded.privacyLogIndex, 1, "the index assigned in the commit, no read after it")
        let leaves = try await store.privacyLogEntries(from: 0, limit: 10)
        XCTAssertEqual(leaves, [Array("standalone".utf8), receipt.body])

        // Stored once: the log entry is the artifact; its digest is audited as before.
        let db = try StoreFixture.rawConnection(dir)
        let copies = try db.query("SELECT count(*) FROM verification_artifacts WHERE kind = 'privacy_receipt'")
        XCTAssertEqual(copies.first?.values.first, .integer(0))
        let read = try await store.artifact("privacy_receipt", of: record.id, tenant: tenant)
        XCTAssertEqual(read, receipt)
        XCTAssertEqual(recorded.audit.entry.artifactDigests["privacy_receipt"], "sha256:" + SHA256.hex(receipt.body))
        let hidden = try await store.artifact("privacy_receipt", of: record.id, tenant: other)
        XCTAssertNil(hidden, "another tenant's receipt must not be readable")
        let verdict = try await store.verifyAuditChain()
        XCTAssertTrue(verdict.isIntact, "\(verdict.problems)")

        // A verification that fails (a repeated id) leaves no leaf behind.
        _ = await assertStoreError(.duplicate) {
            try await store.recordVerification(record, audit: entry, artifacts: [receipt])
        }
        let after = try await store.privacyLogEntries(from: 0, limit: 10)
        XCTAssertEqual(after.count, 2)
        let (plain, plainEntry) = try StoreFixture.verification(2, tenant: tenant)
        let none = try await store.recordVerification(plain, audit: plainEntry, artifacts: [lineage])
        XCTAssertNil(none.privacyLogIndex)
        let noReceipt = try await store.artifact("privacy_receipt", of: plain.id, tenant: tenant)
        XCTAssertNil(noReceipt)
        let (next, nextEntry) = try StoreFixture.verification(3, tenant: tenant)
        let third = try await store.recordVerification(next, audit: nextEntry, artifacts: [receipt])
        XCTAssertEqual(third.privacyLogIndex, 2)
    }

    func testAReceiptStoredTwiceByAnOlderVersionStillReadsAndVerifies() async throws {
        // Before receipts were stored once, the artifact row and the log entry held the same bytes.
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir)
        let tenant = try await StoreFixture.populate(store, count: 0)
        let body = Array("{\"receipt\":{},\"signature\":{}}".utf8)
        let (record, entry) = try StoreFixture.verification(1, tenant: tenant)
        let recorded = try await store.recordVerification(
            record, audit: entry, artifacts: [VerificationArtifact(kind: "privacy_receipt", mediaType: "application/json", body: body)])
        let db = try StoreFixture.rawConnection(dir)
        try db.execute("""
            INSERT INTO verification_artifacts (verification_id, kind, media_type, body, digest)
            VALUES ('\(record.id.rawValue)', 'privacy_receipt', 'application/json', X'\(Hex.encode(body))', 'sha256:\(SHA256.hex(body))');
            """)
        let read = try await store.artifact("privacy_receipt", of: record.id, tenant: tenant)
        XCTAssertEqual(read?.body, body)
        XCTAssertEqual(read?.digest, recorded.audit.entry.artifactDigests["privacy_receipt"])
        let verdict = try await store.verifyAuditChain()
        XCTAssertTrue(verdict.isIntact, "\(verdict.problems)")
    }
}

extension PrivacyStoreTests {
    func testCountsGroupRequestsAndVerificationsByEachDimension() async throws {
        let store = try StoreFixture.open(try StoreFixture.makeDirectory(self))
        let tenant = try await StoreFixture.populate(store, count: 0)
        for (n, region, zone) in [(1, "eu-west", "eu"), (2, "eu-west", "eu"), (3, "uk-south", "uk")] {
            var (record, entry) = try StoreFixture.verification(n, tenant: tenant)
            record.region = region
            record.jurisdiction = zone
            _ = try await store.recordVerification(record, audit: entry)
        }
        let (_, refused) = try StoreFixture.verification(9, tenant: tenant)
        var denied = refused
        denied.decision = .deny
        denied.outcome = "purpose_not_allowed"
        _ = try await store.appendAudit(denied)
        let byRegion = try await store.privacyCounts(tenant: tenant, by: .region)
        XCTAssertEqual(byRegion, ["eu-west": 2, "uk-south": 1])
        let byZone = try await store.privacyCounts(tenant: tenant, by: .jurisdiction)
        XCTAssertEqual(byZone, ["eu": 2, "uk": 1])
        let byOutcome = try await store.privacyCounts(tenant: tenant, by: .outcome)
        XCTAssertEqual(byOutcome, ["failed": 3, "denied": 1], "the fixture's outcome 'succeeded' is not an API outcome")
        let byConnector = try await store.privacyCounts(tenant: tenant, by: .connector)
        XCTAssertEqual(byConnector, ["camara-kyc-match": 4])
        let stored = try await store.verification(id: try VerificationID("vrf-\(tenant)-3"))
        XCTAssertEqual(stored?.region, "uk-south")
        XCTAssertEqual(stored?.jurisdiction, "uk")
        let other = try await store.privacyCounts(tenant: TenantID("nobody"), by: .connector)
        XCTAssertEqual(other, [:])
    }
}
