import Foundation
import PavilionCore
import PavilionStore
import PavilionTestSupport
import XCTest

/// A temporary working folder for the operator commands, with the data
/// directory at `./data` inside it.
struct OperatorData {
    let root: URL
    var data: URL { root.appendingPathComponent("data") }
    var database: URL { data.appendingPathComponent(SQLiteStore.databaseFileName) }

    static func make() throws -> OperatorData {
        OperatorData(root: try TestEnvironment.makeTemporaryDirectory("pavilion-ops"))
    }

    /// Run `pavilion` in the root folder.
    func pavilion(_ arguments: [String]) throws -> TestEnvironment.ProcessResult {
        try TestEnvironment.pavilion(arguments, in: root)
    }

    /// Run `pavilion ARGS --data data`.
    func run(_ arguments: String...) throws -> TestEnvironment.ProcessResult {
        try pavilion(arguments + ["--data", data.path])
    }

    /// The store, opened in-process beside the binary's (SQLite WAL allows it).
    func openStore() throws -> SQLiteStore { try SQLiteStore(dataDirectory: data.path) }

    /// Record `count` verifications with their audit records for `tenant`.
    func recordVerifications(_ count: Int, tenant: String) async throws {
        let store = try openStore()
        let id = try TenantID(tenant)
        for n in 1...count {
            let started = Date(timeIntervalSince1970: 1_760_000_000 + Double(n))
            let record = VerificationRecord(id: try VerificationID("vrf-\(n)"), tenantID: id, connector: "echo",
                                            connectorVersion: "1.0.0", purpose: "kyc", status: .succeeded,
                                            createdAt: started, finishedAt: started.addingTimeInterval(0.1),
                                            result: ["age_over_18": true])
            let entry = AuditEntry(requestID: "req-\(n)", tenantID: id, connector: "echo", connectorVersion: "1.0.0",
                                   purpose: "kyc", lawfulBasis: "consent", decision: .permit, outcome: "succeeded",
                                   startedAt: started, finishedAt: started.addingTimeInterval(0.1),
                                   connectorMilliseconds: 40, dataCategories: ["identity"])
            _ = try await store.recordVerification(record, audit: entry)
        }
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
