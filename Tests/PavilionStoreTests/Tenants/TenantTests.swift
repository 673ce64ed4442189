import Foundation
import PavilionCore
@testable import PavilionStore
import XCTest

final class TenantTests: XCTestCase {
    func testTenantIsCreatedReadListedAndDisabled() async throws {
        let store = try StoreFixture.open(try StoreFixture.makeDirectory(self))
        let id = try TenantID("acme-bank")
        let created = try await store.createTenant(id: id, name: "ACME Bank, Zürich")
        let read = try await store.tenant(id: id)
        XCTAssertEqual(read, created)
        XCTAssertEqual(created.status, .active)
        _ = try await store.createTenant(id: TenantID("zeta"), name: "Zeta")
        let ids = try await store.tenants().map(\.id.rawValue)
        XCTAssertEqual(ids, ["acme-bank", "zeta"])
        try await store.setTenantStatus(.disabled, for: id)
        let disabled = try await store.tenant(id: id)
        XCTAssertEqual(disabled?.status, .disabled)
        await assertStoreError(.notFound) { try await store.setTenantStatus(.active, for: TenantID("ghost")) }
        let missing = try await store.tenant(id: TenantID("ghost"))
        XCTAssertNil(missing)
    }

    func testInvalidTenantIdsAreRefused() {
        for bad in ["", "Acme", "acme bank", "-acme", "acme_bank", "acme/../x", String(repeating: "a", count: 64), "ümlaut", "a\u{0}b"] {
            XCTAssertThrowsError(try TenantID(bad), bad) { error in
                XCTAssertEqual((error as? StoreError)?.code, .invalidInput)
            }
        }
        XCTAssertNoThrow(try TenantID(String(repeating: "a", count: 63)))
        XCTAssertNoThrow(try TenantID("0-bank"))
    }

    func testInvalidTenantNamesAreRefused() async throws {
        let store = try StoreFixture.open(try StoreFixture.makeDirectory(self))
        let names = ["", "   ", " leading", "trailing ", "tab\there", "new\nline", "nul\u{0}byte", "bidi\u{202E}override",
                     String(repeating: "x", count: 201)]
        for (n, name) in names.enumerated() {
            await assertStoreError(.invalidInput) { try await store.createTenant(id: TenantID("t\(n)"), name: name) }
        }
        let tenants = try await store.tenants()
        XCTAssertEqual(tenants, [])
    }

    func testDuplicateTenantIdIsRefused() async throws {
        let store = try StoreFixture.open(try StoreFixture.makeDirectory(self))
        let id = try TenantID("acme")
        _ = try await store.createTenant(id: id, name: "ACME")
        let error = await assertStoreError(.duplicate) { try await store.createTenant(id: id, name: "ACME again") }
        XCTAssertEqual(error?.call, "sqlite3_step")
        let tenant = try await store.tenant(id: id)
        XCTAssertEqual(tenant?.name, "ACME")
    }

    func testDuplicateVerificationIdIsRefusedAndAddsNoAuditRecord() async throws {
        let store = try StoreFixture.open(try StoreFixture.makeDirectory(self))
        let tenant = try await StoreFixture.populate(store, count: 1)
        let (record, entry) = try StoreFixture.verification(1, tenant: tenant)
        await assertStoreError(.duplicate) { try await store.recordVerification(record, audit: entry) }
        let records = try await store.auditRecords(tenant: nil, afterSequence: 0, limit: 10)
        XCTAssertEqual(records.count, 1)
        let verification = try await store.verifyAuditChain()
        XCTAssertTrue(verification.isIntact, "\(verification.problems)")
    }

    func testVerificationForUnknownTenantIsRefused() async throws {
        let store = try StoreFixture.open(try StoreFixture.makeDirectory(self))
        let (record, entry) = try StoreFixture.verification(1, tenant: TenantID("ghost"))
        await assertStoreError(.notFound) { try await store.recordVerification(record, audit: entry) }
        let records = try await store.auditRecords(tenant: nil, afterSequence: 0, limit: 10)
        XCTAssertEqual(records, [])
    }

    func testAnotherTenantsVerificationIsNotFound() async throws {
        let store = try StoreFixture.open(try StoreFixture.makeDirectory(self))
        let acme = try await StoreFixture.populate(store, tenant: "acme", count: 2)
        let zeta = try await StoreFixture.populate(store, tenant: "zeta", count: 3)
        let (acmeRecord, _) = try StoreFixture.verification(1, tenant: acme)
        let own = try await store.verification(id: acmeRecord.id, tenant: acme)
        XCTAssertEqual(own, acmeRecord)
        let foreign = try await store.verification(id: acmeRecord.id, tenant: zeta)
        XCTAssertNil(foreign)

        let acmeAudit = try await store.auditRecords(tenant: acme, afterSequence: 0, limit: 100)
        let zetaAudit = try await store.auditRecords(tenant: zeta, afterSequence: 0, limit: 100)
        let all = try await store.auditRecords(tenant: nil, afterSequence: 0, limit: 100)
        XCTAssertEqual(acmeAudit.count, 2)
        XCTAssertEqual(zetaAudit.count, 3)
        XCTAssertTrue(acmeAudit.allSatisfy { $0.entry.tenantID == acme })
        XCTAssertTrue(zetaAudit.allSatisfy { $0.entry.tenantID == zeta })
        XCTAssertEqual(all.map(\.sequence), [1, 2, 3, 4, 5])
        let page = try await store.auditRecords(tenant: nil, afterSequence: 2, limit: 2)
        XCTAssertEqual(page.map(\.sequence), [3, 4])
    }

    func testAuditEntryForAnotherTenantIsRefused() async throws {
        let store = try StoreFixture.open(try StoreFixture.makeDirectory(self))
        let acme = try await StoreFixture.populate(store, tenant: "acme", count: 0)
        let (record, entry) = try StoreFixture.verification(1, tenant: acme)
        var crossed = entry
        crossed.tenantID = try TenantID("zeta")
        await assertStoreError(.invalidInput) { try await store.recordVerification(record, audit: crossed) }
    }

    func testFreeTextCannotReachTheAuditTrail() async throws {
        let store = try StoreFixture.open(try StoreFixture.makeDirectory(self))
        let acme = try await StoreFixture.populate(store, tenant: "acme", count: 0)
        let (record, entry) = try StoreFixture.verification(1, tenant: acme)
        var withName = entry
        withName.dataCategories = ["Jane Doe, born 1980-01-01"]
        await assertStoreError(.invalidInput) { try await store.recordVerification(record, audit: withName) }
        var withPurpose = entry
        withPurpose.purpose = "check jane.doe@example.com"
        await assertStoreError(.invalidInput) { try await store.appendAudit(withPurpose) }
        var notObject = record
        notObject.result = .string("Jane Doe")
        await assertStoreError(.invalidInput) { try await store.recordVerification(notObject, audit: entry) }
    }

    func testConnectorsAreEnabledPerTenant() async throws {
        let store = try StoreFixture.open(try StoreFixture.makeDirectory(self))
        let acme = try await StoreFixture.populate(store, tenant: "acme", count: 0)
        let zeta = try await StoreFixture.populate(store, tenant: "zeta", count: 0)
        try await store.setConnector("fhir-patient", enabled: true, for: acme)
        try await store.setConnector("camara-kyc-match", enabled: true, for: acme)
        try await store.setConnector("camara-kyc-match", enabled: true, for: acme)
        try await store.setConnector("echo", enabled: true, for: zeta)
        var acmeConnectors = try await store.enabledConnectors(for: acme)
        XCTAssertEqual(acmeConnectors, ["camara-kyc-match", "fhir-patient"])
        try await store.setConnector("fhir-patient", enabled: false, for: acme)
        acmeConnectors = try await store.enabledConnectors(for: acme)
        XCTAssertEqual(acmeConnectors, ["camara-kyc-match"])
        let zetaConnectors = try await store.enabledConnectors(for: zeta)
        XCTAssertEqual(zetaConnectors, ["echo"])
        await assertStoreError(.notFound) { try await store.setConnector("echo", enabled: true, for: TenantID("ghost")) }
        await assertStoreError(.invalidInput) { try await store.setConnector("bad name", enabled: true, for: acme) }
    }
}
