import Foundation
import PavilionCrypto
@testable import PavilionStore
import XCTest

final class ArtifactTests: XCTestCase {
    private let credential = VerificationArtifact(kind: "credential", mediaType: "application/vc+jwt",
                                                  body: Array("eyJhbGciOiJFUzI1NiJ9.e30.sig".utf8))
    private let lineage = VerificationArtifact(kind: "lineage", mediaType: "application/json", body: Array(#"{"nodes":[]}"#.utf8))

    func testArtifactsAreStoredWithTheirVerificationAndTheirDigestsAreAudited() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir)
        let tenant = try await StoreFixture.populate(store, count: 0)
        let other = try await StoreFixture.populate(store, tenant: "zeta", count: 0)
        let (record, entry) = try StoreFixture.verification(1, tenant: tenant)
        let appended = try await store.recordVerification(record, audit: entry, artifacts: [credential, lineage]).audit
        XCTAssertEqual(appended.entry.artifactDigests, ["credential": "sha256:" + SHA256.hex(credential.body),
                                                        "lineage": "sha256:" + SHA256.hex(lineage.body)])
        let listed = try await store.auditRecords(tenant: tenant, afterSequence: 0, limit: 1)
        XCTAssertEqual(listed, [appended])

        let read = try await store.artifact("credential", of: record.id, tenant: tenant)
        XCTAssertEqual(read, credential)
        let asAdmin = try await store.artifact("lineage", of: record.id, tenant: nil)
        XCTAssertEqual(asAdmin, lineage)
        let otherTenant = try await store.artifact("credential", of: record.id, tenant: other)
        XCTAssertNil(otherTenant, "another tenant's artifact must not be readable")
        let missingKind = try await store.artifact("quality", of: record.id, tenant: tenant)
        XCTAssertNil(missingKind)
        let verdict = try await store.verifyAuditChain()
        XCTAssertTrue(verdict.isIntact, "\(verdict.problems)")
    }

    func testRecordWithArtifactsFollowsTheDocumentedV2Form() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir, clock: { Date(timeIntervalSince1970: 1_760_000_123.456) })
        let tenant = try await StoreFixture.populate(store, count: 0)
        let (record, entry) = try StoreFixture.verification(7, tenant: tenant)
        let appended = try await store.recordVerification(record, audit: entry, artifacts: [lineage, credential]).audit
        // Written out by hand from docs/store.md, independent of the code.
        func ns(_ s: String) -> String { "\(s.utf8.count):\(s)," }
        let artifacts = "credential=sha256:\(SHA256.hex(credential.body)),lineage=sha256:\(SHA256.hex(lineage.body))"
        let text = ns("pavilion.audit.v2") + ns("1") + ns("1760000123456") + ns("req-acme-bank-7") + "~" + ns("acme-bank")
            + ns("camara-kyc-match") + ns("1.0.0") + ns("kyc.onboarding") + ns("gdpr-6-1-c") + ns("permit") + ns("succeeded")
            + "~" + ns("vrf-acme-bank-7") + ns("1760000007000") + ns("1760000007250") + ns("180")
            + ns("identity.birthdate,identity.name") + ns(artifacts) + ns(String(repeating: "0", count: 64))
        XCTAssertEqual(appended.hash, SHA256.hex(Array(text.utf8)))
    }

    func testChangedOrRemovedArtifactDigestIsCaught() async throws {
        for sql in ["UPDATE audit_records SET artifacts = replace(artifacts, 'sha256:', 'sha256:0') WHERE sequence = 2",
                    "UPDATE audit_records SET artifacts = NULL WHERE sequence = 2"] {
            let dir = try StoreFixture.makeDirectory(self)
            let store = try StoreFixture.open(dir)
            let tenant = try await StoreFixture.populate(store, count: 1)
            let (record, entry) = try StoreFixture.verification(2, tenant: tenant)
            _ = try await store.recordVerification(record, audit: entry, artifacts: [credential])
            let (next, nextEntry) = try StoreFixture.verification(3, tenant: tenant)
            _ = try await store.recordVerification(next, audit: nextEntry)
            let db = try StoreFixture.rawConnection(dir)
            try db.execute("DROP TRIGGER IF EXISTS audit_records_no_update;")
            try db.execute(sql)
            let verdict = try await store.verifyAuditChain()
            XCTAssertEqual(verdict.firstProblem?.sequence, 2, sql)
            XCTAssertEqual(verdict.firstProblem?.kind, .hashMismatch, sql)
        }
    }

    func testBadArtifactsAreRefusedAndNothingIsWritten() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir)
        let tenant = try await StoreFixture.populate(store, count: 0)
        let (record, entry) = try StoreFixture.verification(1, tenant: tenant)
        let bad: [(String, [VerificationArtifact])] = [
            ("repeated kind", [credential, credential]),
            ("kind not a token", [VerificationArtifact(kind: "cred ential", mediaType: "application/json", body: [])]),
            ("kind with =", [VerificationArtifact(kind: "a=b", mediaType: "application/json", body: [])]),
            ("bad media type", [VerificationArtifact(kind: "lineage", mediaType: "text/plain; x=\n", body: [])]),
            ("too large", [VerificationArtifact(kind: "lineage", mediaType: "application/json",
                                                body: [UInt8](repeating: 0x20, count: VerificationArtifact.maxBodyBytes + 1))]),
            ("receipt not JSON", [VerificationArtifact(kind: "privacy_receipt", mediaType: "text/plain", body: [0x7B, 0x7D])]),
            ("empty receipt", [VerificationArtifact(kind: "privacy_receipt", mediaType: "application/json", body: [])]),
        ]
        for (what, artifacts) in bad {
            let error = await assertStoreError(.invalidInput) {
                try await store.recordVerification(record, audit: entry, artifacts: artifacts)
            }
            XCTAssertNotNil(error, what)
        }
        let stored = try await store.verification(id: record.id)
        XCTAssertNil(stored, "a refused verification must leave nothing behind")
        let trail = try await store.auditRecords(tenant: nil, afterSequence: 0, limit: 10)
        XCTAssertEqual(trail.count, 0)
    }

    func testRecordsWithoutArtifactsKeepTheV1FormAndVerify() async throws {
        // Records without artifacts (all records written before schema version 2) hash in the v1 form.
        let dir = try StoreFixture.makeDirectory(self)
        let store = try StoreFixture.open(dir)
        try await StoreFixture.populate(store, count: 5)
        let db = try StoreFixture.rawConnection(dir)
        let rows = try db.query("SELECT count(*) FROM audit_records WHERE artifacts IS NULL", [])
        XCTAssertEqual(rows.first?.values.first, .integer(5))
        let verdict = try await store.verifyAuditChain()
        XCTAssertTrue(verdict.isIntact, "\(verdict.problems)")
        let versions = try db.query("SELECT version FROM schema_migrations ORDER BY version", [])
        XCTAssertEqual(versions.map { $0.values.first }, SQLiteSchema.migrations.map { .integer($0.version) })
    }
}
