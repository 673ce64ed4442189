import Foundation
import PavilionCore
import PavilionStore
import PavilionTestSupport
import XCTest

final class AuditVerifyCommandTests: XCTestCase {
    private static let sqlite3 = URL(fileURLWithPath: "/usr/bin/sqlite3")

    /// Change the database behind the store's back, as an attacker with
    /// file access would (dropping the triggers that refuse UPDATE).
    private func tamper(_ ops: OperatorData, _ sql: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.sqlite3.path) else {
            throw XCTSkip("the sqlite3 command line is not installed (script/deps installs it)")
        }
        // The in-process store may still be closing (a WAL checkpoint): wait for its lock.
        let result = try TestEnvironment.run(Self.sqlite3, ["-cmd", ".timeout 5000", ops.database.path,
                                                            "DROP TRIGGER IF EXISTS audit_records_no_update; " + sql])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testIntactChainExitsZero() async throws {
        let ops = try OperatorData.make()
        defer { ops.remove() }
        XCTAssertEqual(try ops.run("tenants", "create", "acme").status, 0)
        try await ops.recordVerifications(12, tenant: "acme")
        _ = try await ops.openStore().createAuditCheckpoint()

        let text = try ops.run("audit", "verify")
        XCTAssertEqual(text.status, 0, text.stdout + text.stderr)
        XCTAssertTrue(text.stdout.hasPrefix("audit trail intact: 12 record(s) checked (last sequence 12), 1 checkpoint(s), 12 verification(s)"),
                      text.stdout)

        let json = try ops.run("audit", "verify", "--json")
        XCTAssertEqual(json.status, 0)
        let report = try parseJSON(json.stdout)
        XCTAssertEqual(report["intact"], true)
        XCTAssertEqual(report["records"], 12)
        XCTAssertEqual(report["checkpoints"], 1)
        XCTAssertEqual(report["first_problem"], .null)
    }

    func testTamperedRecordExitsOneNamingItsSequence() async throws {
        let ops = try OperatorData.make()
        defer { ops.remove() }
        XCTAssertEqual(try ops.run("tenants", "create", "acme").status, 0)
        try await ops.recordVerifications(10, tenant: "acme")
        try tamper(ops, "UPDATE audit_records SET purpose = 'marketing' WHERE sequence = 7;")

        let text = try ops.run("audit", "verify")
        XCTAssertEqual(text.status, 1, text.stdout + text.stderr)
        XCTAssertTrue(text.stdout.contains("first broken at record 7: hashMismatch"), text.stdout)

        let json = try ops.run("audit", "verify", "--json")
        XCTAssertEqual(json.status, 1)
        let report = try parseJSON(json.stdout)
        XCTAssertEqual(report["intact"], false)
        XCTAssertEqual(report["records"], 10)
        XCTAssertEqual(report["first_problem"]?["sequence"], 7)
        XCTAssertEqual(report["first_problem"]?["kind"], "hashMismatch")
        XCTAssertNotNil(report["first_problem"]?["detail"]?.stringValue)
    }

    func testDeletedRecordIsReportedAsMissing() async throws {
        let ops = try OperatorData.make()
        defer { ops.remove() }
        XCTAssertEqual(try ops.run("tenants", "create", "acme").status, 0)
        try await ops.recordVerifications(6, tenant: "acme")
        try tamper(ops, "DROP TRIGGER IF EXISTS audit_records_no_delete; DELETE FROM audit_records WHERE sequence = 4;")
        let report = try parseJSON(try ops.run("audit", "verify", "--json").stdout)
        XCTAssertEqual(report["intact"], false)
        XCTAssertEqual(report["first_problem"]?["kind"], "missingRecords")
    }
}
