import Foundation
import PavilionPrivacy
import PavilionTestSupport
import XCTest

final class BudgetAccountantTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws { directory = try TestEnvironment.makeTemporaryDirectory("pavilion-dp") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func ledger(_ name: String = "ledger.jsonl") throws -> FileBudgetLedger {
        try FileBudgetLedger(path: directory.appendingPathComponent(name).path)
    }

    private func eps(_ text: String) throws -> PrivacyBudget { .epsilon(try PrivacyAmount(text)) }
    private func rho(_ text: String) throws -> PrivacyBudget { .rho(try PrivacyAmount(text)) }

    private func refusalError(_ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line) async -> DifferentialPrivacyError? {
        do { try await body() } catch let error as DifferentialPrivacyError { return error } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
            return nil
        }
        XCTFail("not refused", file: file, line: line)
        return nil
    }

    func testPureEpsilonChargesComposeByAdditionAndTheOneTooManyIsRefused() async throws {
        let accountant = try BudgetAccountant(ledger: ledger(), configuration: .init(tenants: ["acme": BudgetPolicy(limit: eps("1"))]))
        for _ in 0..<3 { _ = try await accountant.charge(tenant: "acme", dataset: "claims", mechanism: "count", cost: eps("0.3")) }
        let left = await accountant.remaining(tenant: "acme", dataset: "claims")
        XCTAssertEqual(left.tenant, try eps("0.1"))
        XCTAssertNil(left.dataset)

        let error = await refusalError { _ = try await accountant.charge(tenant: "acme", dataset: "claims", mechanism: "sum", cost: self.eps("0.2")) }
        XCTAssertEqual(error?.code, .budgetExceeded)
        let refusal = try XCTUnwrap(error?.refusal)
        XCTAssertEqual(refusal.scope, .tenant)
        XCTAssertEqual(refusal.tenant, "acme")
        XCTAssertEqual(refusal.remaining, .privacy(try eps("0.1")))
        XCTAssertEqual(refusal.requested, .privacy(try eps("0.2")))
        XCTAssertEqual(refusal.limit, .privacy(try eps("1")))
        XCTAssertNil(refusal.resetsAt)
        XCTAssertEqual(refusal.suggestedHTTPStatus, 403)
        XCTAssert(error?.reason.contains("tenant acme") == true, error?.reason ?? "")
        // What still fits is granted.
        let charge = try await accountant.charge(tenant: "acme", dataset: "claims", mechanism: "count", cost: eps("0.1"))
        XCTAssertEqual(charge.tenantRemaining, try eps("0"))
    }

    func testZCDPBudgetCountsRhoAndEpsilonSquaredOverTwo() async throws {
        let accountant = try BudgetAccountant(ledger: ledger(), configuration: .init(tenants: ["acme": BudgetPolicy(limit: rho("0.5"))]))
        _ = try await accountant.charge(tenant: "acme", dataset: "d", mechanism: "gauss", cost: rho("0.25"))
        // ε = 0.6 is ρ = 0.18: 0.25 + 0.18 = 0.43.
        let charge = try await accountant.charge(tenant: "acme", dataset: "d", mechanism: "laplace", cost: eps("0.6"))
        XCTAssertEqual(charge.tenantRemaining, try rho("0.07"))
        let error = await refusalError { _ = try await accountant.charge(tenant: "acme", dataset: "d", mechanism: "gauss", cost: self.rho("0.08")) }
        XCTAssertEqual(error?.refusal?.requested, .privacy(try rho("0.08")))
        XCTAssertEqual(error?.refusal?.remaining, .privacy(try rho("0.07")))
    }

    func testRhoChargeAgainstAPureEpsilonBudgetIsRefused() async throws {
        let accountant = try BudgetAccountant(ledger: ledger(), configuration: .init(tenants: ["acme": BudgetPolicy(limit: eps("10"))]))
        let error = await refusalError { _ = try await accountant.charge(tenant: "acme", dataset: "d", mechanism: "gauss", cost: self.rho("0.01")) }
        XCTAssertEqual(error?.code, .incompatibleBudget)
    }

    func testUnknownTenantIsRefused() async throws {
        let accountant = try BudgetAccountant(ledger: ledger(), configuration: .init(tenants: [:]))
        let error = await refusalError { _ = try await accountant.charge(tenant: "ghost", dataset: "d", mechanism: "count", cost: self.eps("0.1")) }
        XCTAssertEqual(error?.code, .noBudgetConfigured)
    }

    func testDatasetBudgetRefusesBeforeTheTenantsAndOtherDatasetsStillRun() async throws {
        let configuration = BudgetAccountant.Configuration(
            tenants: ["acme": BudgetPolicy(limit: try eps("2"))],
            datasets: ["acme": ["claims": BudgetPolicy(limit: try eps("0.5"))]],
            defaultDatasetPolicy: BudgetPolicy(limit: try eps("1")))
        let accountant = try BudgetAccountant(ledger: ledger(), configuration: configuration)
        _ = try await accountant.charge(tenant: "acme", dataset: "claims", mechanism: "count", cost: eps("0.5"))
        let error = await refusalError { _ = try await accountant.charge(tenant: "acme", dataset: "claims", mechanism: "count", cost: self.eps("0.1")) }
        XCTAssertEqual(error?.refusal?.scope, .dataset)
        XCTAssertEqual(error?.refusal?.dataset, "claims")
        XCTAssertEqual(error?.refusal?.budgetName, "tenant acme, dataset claims")
        // Another dataset falls under the default policy (1) and the tenant's (2 - 0.5).
        _ = try await accountant.charge(tenant: "acme", dataset: "visits", mechanism: "count", cost: eps("1"))
        _ = try await accountant.charge(tenant: "acme", dataset: "orders", mechanism: "count", cost: eps("0.5"))
        let tenantError = await refusalError { _ = try await accountant.charge(tenant: "acme", dataset: "other", mechanism: "count", cost: self.eps("0.1")) }
        XCTAssertEqual(tenantError?.refusal?.scope, .tenant)
        XCTAssertEqual(tenantError?.refusal?.remaining, .privacy(try eps("0")))
    }

    func testPeriodResetRestoresTheBudgetAndTheRefusalSaysWhen() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))  // 2027-01-15T08:00:00Z
        let accountant = try BudgetAccountant(
            ledger: ledger(), configuration: .init(tenants: ["acme": BudgetPolicy(limit: eps("1"), resetPeriodSeconds: 86_400)]),
            now: clock.reader)
        _ = try await accountant.charge(tenant: "acme", dataset: "d", mechanism: "count", cost: eps("1"))
        let error = await refusalError { _ = try await accountant.charge(tenant: "acme", dataset: "d", mechanism: "count", cost: self.eps("0.5")) }
        let refusal = try XCTUnwrap(error?.refusal)
        XCTAssertEqual(refusal.suggestedHTTPStatus, 429)
        XCTAssertEqual(refusal.resetsAt, Date(timeIntervalSince1970: 1_800_057_600))  // next UTC midnight
        let tooBig = await refusalError { _ = try await accountant.charge(tenant: "acme", dataset: "d", mechanism: "count", cost: self.eps("2")) }
        XCTAssertEqual(tooBig?.refusal?.suggestedHTTPStatus, 403, "more than the whole budget")

        clock.advance(seconds: 57_600)
        let charge = try await accountant.charge(tenant: "acme", dataset: "d", mechanism: "count", cost: eps("0.5"))
        XCTAssertEqual(charge.tenantRemaining, try eps("0.5"))
    }

    func testSpendingSurvivesARestart() async throws {
        let configuration = BudgetAccountant.Configuration(tenants: ["acme": BudgetPolicy(limit: try eps("1"))])
        do {
            let accountant = try BudgetAccountant(ledger: ledger(), configuration: configuration)
            _ = try await accountant.charge(tenant: "acme", dataset: "claims", mechanism: "count", cost: eps("0.7"))
        }
        // A new process: a new ledger object on the same file, a new accountant.
        let accountant = try BudgetAccountant(ledger: ledger(), configuration: configuration)
        let left = await accountant.remaining(tenant: "acme", dataset: "claims")
        XCTAssertEqual(left.tenant, try eps("0.3"))
        let error = await refusalError { _ = try await accountant.charge(tenant: "acme", dataset: "claims", mechanism: "count", cost: self.eps("0.4")) }
        XCTAssertEqual(error?.code, .budgetExceeded)
    }

    func testConcurrentChargesNeverOverspend() async throws {
        let shared = try ledger()
        let accountant = try BudgetAccountant(ledger: shared, configuration: .init(tenants: ["acme": BudgetPolicy(limit: eps("1"))]))
        let cost = try eps("0.1")
        let granted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<40 {
                group.addTask { (try? await accountant.charge(tenant: "acme", dataset: "d", mechanism: "count", cost: cost)) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        XCTAssertEqual(granted, 10)
        XCTAssertEqual(try shared.entries().count, 10, "refused charges are not recorded")
    }
}
