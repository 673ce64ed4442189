import Foundation
import PavilionCrypto
@testable import PavilionStore
import XCTest

final class AuditChainTests: XCTestCase {
    /// Edit the database as an attacker with file access would: drop the
    /// append-only triggers, then run `sql`.
    private func tamper(_ dir: URL, _ sql: String) throws {
        let db = try StoreFixture.rawConnection(dir)
        try db.execute("DROP TRIGGER IF EXISTS audit_records_no_update; DROP TRIGGER IF EXISTS audit_records_no_delete;")
        try db.execute(sql)
    }

    private func verify(_ store: SQLiteStore) async throws -> AuditVerification {
        try await store.verifyAuditChain()
    }

    func testChainIsIntactAfterManyRecords() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir, checkpointInterval: 50)
        try await StoreFixture.populate(store, tenant: "acme", count: 150)
        try await StoreFixture.populate(store, tenant: "zeta", count: 100)
        for n in 0..<10 {
            _ = try await store.appendAudit(AuditEntry(requestID: "denied-\(n)", decision: .deny, outcome: "unauthenticated",
                                                       errorCode: "missing_api_key", startedAt: Date(), finishedAt: Date()))
        }
        let result = try await verify(store)
        XCTAssertTrue(result.isIntact, "\(result.problems)")
        XCTAssertEqual(result.recordCount, 260)
        XCTAssertEqual(result.lastSequence, 260)
        XCTAssertEqual(result.verificationCount, 250)
        XCTAssertEqual(result.checkpointCount, 5)
        let checkpoints = try await store.auditCheckpoints()
        XCTAssertEqual(checkpoints.map(\.sequence), [50, 100, 150, 200, 250])
        let records = try await store.auditRecords(tenant: nil, afterSequence: 0, limit: 1000)
        XCTAssertEqual(records.map(\.sequence), Array(1...260))
        XCTAssertEqual(records.first?.previousHash, String(repeating: "0", count: 64))
        for (a, b) in zip(records, records.dropFirst()) { XCTAssertEqual(b.previousHash, a.hash) }
        XCTAssertEqual(result.headHash, records.last?.hash)
    }

    func testRecordVerificationReturnsTheStoredRecord() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir)
        let tenant = try await StoreFixture.populate(store, count: 0)
        let (record, entry) = try StoreFixture.verification(1, tenant: tenant)
        let appended = try await store.recordVerification(record, audit: entry)
        XCTAssertEqual(appended.sequence, 1)
        XCTAssertEqual(appended.entry.verificationID, record.id)
        let listed = try await store.auditRecords(tenant: tenant, afterSequence: 0, limit: 1)
        XCTAssertEqual(listed, [appended])
        XCTAssertEqual(appended.entry.dataCategories, ["identity.birthdate", "identity.name"])
    }

    func testChangedFieldIsCaughtAtItsSequence() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir)
        try await StoreFixture.populate(store, count: 30)
        try tamper(dir, "UPDATE audit_records SET purpose = 'marketing' WHERE sequence = 17")
        let result = try await verify(store)
        XCTAssertFalse(result.isIntact)
        XCTAssertEqual(result.firstProblem?.sequence, 17)
        XCTAssertEqual(result.firstProblem?.kind, .hashMismatch)
        XCTAssertEqual(result.problems.count, 1, "\(result.problems)")
    }

    func testChangedTimingOrDecisionIsCaught() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir)
        try await StoreFixture.populate(store, count: 10)
        try tamper(dir, "UPDATE audit_records SET finished_at = finished_at + 1 WHERE sequence = 4")
        try tamper(dir, "UPDATE audit_records SET decision = 'deny' WHERE sequence = 9")
        let result = try await verify(store)
        XCTAssertEqual(result.problems.map(\.sequence), [4, 9])
    }

    func testDeletedRecordIsCaught() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir)
        try await StoreFixture.populate(store, count: 30)
        try tamper(dir, "DELETE FROM audit_records WHERE sequence = 12")
        let result = try await verify(store)
        XCTAssertEqual(result.firstProblem?.sequence, 12)
        XCTAssertEqual(result.firstProblem?.kind, .missingRecords)
        XCTAssertTrue(result.problems.contains { $0.kind == .verificationWithoutAudit && $0.verificationID == "vrf-acme-bank-12" },
                      "\(result.problems)")
    }

    func testReorderedRecordsAreCaught() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir)
        try await StoreFixture.populate(store, count: 20)
        try tamper(dir, """
            UPDATE audit_records SET sequence = 1000008 WHERE sequence = 8;
            UPDATE audit_records SET sequence = 8 WHERE sequence = 9;
            UPDATE audit_records SET sequence = 9 WHERE sequence = 1000008;
            """)
        let result = try await verify(store)
        XCTAssertEqual(result.firstProblem?.sequence, 8)
        XCTAssertEqual(result.firstProblem?.kind, .hashMismatch)
    }

    func testConsistentlyRewrittenChainIsCaughtByTheNextCheckpoint() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir, checkpointInterval: 10)
        try await StoreFixture.populate(store, count: 25)
        // The attacker knows the format: change record 12 and recompute
        // every hash and link after it.
        let db = try StoreFixture.rawConnection(dir)
        try db.execute("DROP TRIGGER audit_records_no_update; UPDATE audit_records SET purpose = 'marketing' WHERE sequence = 12")
        let columns = AuditCanonicalForm.recordColumns.joined(separator: ", ")
        var previous = try XCTUnwrap(db.queryOne("SELECT hash FROM audit_records WHERE sequence = 11")).text(0)
        for sequence in Int64(12)...25 {
            try db.run("UPDATE audit_records SET prev_hash = ?1 WHERE sequence = ?2", [.text(previous), .integer(sequence)])
            let row = try XCTUnwrap(db.queryOne("SELECT \(columns) FROM audit_records WHERE sequence = ?1", [.integer(sequence)]))
            let fields: [String?] = row.values.map {
                switch $0 {
                case .integer(let v): return String(v)
                case .text(let v): return v
                default: return nil
                }
            }
            previous = AuditCanonicalForm.recordHash(fields)
            try db.run("UPDATE audit_records SET hash = ?1 WHERE sequence = ?2", [.text(previous), .integer(sequence)])
        }
        let result = try await verify(store)
        XCTAssertEqual(result.firstProblem?.sequence, 20)
        XCTAssertEqual(result.firstProblem?.kind, .checkpointHashMismatch)
    }

    func testRemovedTailIsCaughtByCheckpointAndVerifications() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir, checkpointInterval: 10)
        try await StoreFixture.populate(store, count: 20)
        try tamper(dir, "DELETE FROM audit_records WHERE sequence > 14")
        let result = try await verify(store)
        XCTAssertEqual(result.firstProblem?.kind, .checkpointBeyondChain)
        XCTAssertEqual(result.firstProblem?.sequence, 20)
        XCTAssertEqual(result.problems.filter { $0.kind == .verificationWithoutAudit }.count, 6)
    }

    func testTamperedCheckpointSignatureIsCaught() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir, checkpointInterval: 10)
        try await StoreFixture.populate(store, count: 30)
        let db = try StoreFixture.rawConnection(dir)
        let signature = try XCTUnwrap(db.queryOne("SELECT signature FROM audit_checkpoints WHERE sequence = 20")).text(0)
        let flipped = (signature.first == "0" ? "1" : "0") + signature.dropFirst()
        try db.run("UPDATE audit_checkpoints SET signature = ?1 WHERE sequence = 20", [.text(flipped)])
        try db.run("UPDATE audit_checkpoints SET created_at = created_at + 1 WHERE sequence = 30")
        let result = try await verify(store)
        XCTAssertEqual(result.problems.map(\.sequence), [20, 30])
        XCTAssertTrue(result.problems.allSatisfy { $0.kind == .checkpointSignatureInvalid }, "\(result.problems)")
    }

    func testCheckpointSignedByAnotherKeyIsUntrusted() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir, checkpointInterval: 10)
        try await StoreFixture.populate(store, count: 10)
        let db = try StoreFixture.rawConnection(dir)
        let row = try XCTUnwrap(db.queryOne("SELECT sequence, hash, created_at FROM audit_checkpoints"))
        let forger = try Ed25519PrivateKey()
        let forgedKey = Hex.encode(try forger.publicKey().rawRepresentation)
        let message = AuditCanonicalForm.checkpointBytes(sequence: try row.integer(0), hash: try row.text(1),
                                                         createdAt: try row.integer(2), publicKey: forgedKey)
        try db.run("UPDATE audit_checkpoints SET public_key = ?1, signature = ?2",
                   [.text(forgedKey), .text(Hex.encode(try forger.signature(for: message)))])
        let result = try await verify(store)
        XCTAssertEqual(result.firstProblem?.kind, .checkpointKeyUntrusted)
        // Trusting that key (e.g. after a rotation) makes it count again.
        let trusting = try SQLiteStore(dataDirectory: dir.path, configuration: .init(
            checkpointInterval: 10, additionalTrustedCheckpointKeys: [try forger.publicKey()]))
        let trusted = try await trusting.verifyAuditChain()
        XCTAssertTrue(trusted.isIntact, "\(trusted.problems)")
    }

    func testOnDemandCheckpointCoversTheHead() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir)
        await assertStoreError(.notFound) { try await store.createAuditCheckpoint() }
        try await StoreFixture.populate(store, count: 3)
        let checkpoint = try await store.createAuditCheckpoint()
        XCTAssertEqual(checkpoint.sequence, 3)
        let again = try await store.createAuditCheckpoint()
        XCTAssertEqual(again, checkpoint)
        let records = try await store.auditRecords(tenant: nil, afterSequence: 2, limit: 1)
        XCTAssertEqual(checkpoint.hash, records.first?.hash)
        let message = AuditCanonicalForm.checkpointBytes(sequence: 3, hash: checkpoint.hash,
                                                         createdAt: Timestamp.milliseconds(checkpoint.createdAt),
                                                         publicKey: checkpoint.publicKey)
        XCTAssertTrue(store.checkpointPublicKey.isValidSignature(try XCTUnwrap(Hex.decode(checkpoint.signature)), for: message))
        let result = try await verify(store)
        XCTAssertTrue(result.isIntact)
        XCTAssertEqual(result.checkpointCount, 1)
    }

    func testOurOwnCodeCannotRewriteAuditRows() throws {
        let dir = try StoreFixture.makeDirectory(self)
        _ = try StoreFixture.open(dir)
        let db = try StoreFixture.rawConnection(dir)
        try db.run("""
            INSERT INTO audit_records (sequence, recorded_at, request_id, decision, outcome, started_at, finished_at,
                                       data_categories, prev_hash, hash) VALUES (1, 0, 'r', 'deny', 'x', 0, 0, '', '', '')
            """)
        XCTAssertThrowsError(try db.run("UPDATE audit_records SET outcome = 'y'")) { error in
            XCTAssertTrue("\(error)".contains("append-only"), "\(error)")
        }
        XCTAssertThrowsError(try db.run("DELETE FROM audit_records"))
    }

    func testHashFollowsTheDocumentedCanonicalForm() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let fixed = Date(timeIntervalSince1970: 1_760_000_123.456)
        let store = try StoreFixture.open(dir, clock: { fixed })
        let tenant = try await StoreFixture.populate(store, count: 0)
        let (record, entry) = try StoreFixture.verification(7, tenant: tenant)
        let appended = try await store.recordVerification(record, audit: entry)
        // Written out by hand from docs/store.md, independent of the code.
        func ns(_ s: String) -> String { "\(s.utf8.count):\(s)," }
        let text = ns("pavilion.audit.v1") + ns("1") + ns("1760000123456") + ns("req-acme-bank-7") + "~" + ns("acme-bank")
            + ns("camara-kyc-match") + ns("1.0.0") + ns("kyc.onboarding") + ns("gdpr-6-1-c") + ns("permit") + ns("succeeded")
            + "~" + ns("vrf-acme-bank-7") + ns("1760000007000") + ns("1760000007250") + ns("180")
            + ns("identity.birthdate,identity.name") + ns(String(repeating: "0", count: 64))
        XCTAssertEqual(appended.hash, SHA256.hex(Array(text.utf8)))
    }

    func testDeniedRequestWithoutTenantIsAudited() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir)
        let record = try await store.appendAudit(AuditEntry(requestID: "req-1", decision: .deny, outcome: "unauthenticated",
                                                           startedAt: Date(), finishedAt: Date()))
        XCTAssertNil(record.entry.tenantID)
        let result = try await verify(store)
        XCTAssertTrue(result.isIntact)
        await assertStoreError(.invalidInput) {
            try await store.appendAudit(AuditEntry(requestID: "req 2", decision: .deny, outcome: "x",
                                                   startedAt: Date(), finishedAt: Date()))
        }
        await assertStoreError(.invalidInput) {
            try await store.appendAudit(AuditEntry(requestID: "req-3", decision: .deny, outcome: "x",
                                                   startedAt: Date(), finishedAt: Date().addingTimeInterval(-60)))
        }
    }
}
