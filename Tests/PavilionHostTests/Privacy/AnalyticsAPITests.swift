import Foundation
import PavilionCore
@testable import PavilionHost
import PavilionPrivacy
import PavilionStore
import PavilionTestSupport
import XCTest

/// Aggregate counts of verifications are released only with exact discrete
/// noise and charged to the tenant's budget first; over the budget the host
/// refuses with a problem naming it (429 with Retry-After when it fits
/// after the reset, 403 when it never can).
final class AnalyticsAPITests: XCTestCase {
    func testAnalyticsAreNoisedChargedAndRefusedOverBudget() async throws {
        let budget = BudgetPolicy(limit: .epsilon(try PrivacyAmount("2")), resetPeriodSeconds: 86_400)
        let host = try await HostHarness(privacy: PrivacyConfiguration(budgets: ["acme": budget]))
        do {
            for _ in 0..<3 {
                let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
                XCTAssertEqual(r.status, 200, r.text)
            }
            let first = try await host.send("GET", "/v1/analytics/verifications?group_by=connector&epsilon=0.6", key: host.acmeKey)
            XCTAssertEqual(first.status, 200, first.text)
            XCTAssertEqual(first.json?["mechanism"], "discrete_laplace")
            XCTAssertEqual(first.json?["cost"]?["epsilon"], "0.6")
            let counts = try XCTUnwrap(first.json?["counts"]?.arrayValue)
            XCTAssertEqual(counts.map { $0["key"] }, ["echo"])
            XCTAssertNotNil(counts.first?["count"]?.intValue)

            // Stored verifications by region and by the subject's jurisdiction.
            let regions = try await host.send("GET", "/v1/analytics/verifications?group_by=region&epsilon=0.3", key: host.acmeKey)
            XCTAssertEqual(regions.status, 200, regions.text)
            XCTAssertEqual(regions.json?["counts"]?.arrayValue?.map { $0["key"] }, ["local"])
            let zones = try await host.send("GET", "/v1/analytics/verifications?group_by=jurisdiction&epsilon=0.3", key: host.acmeKey)
            XCTAssertEqual(zones.status, 200, zones.text)
            XCTAssertEqual(zones.json?["counts"]?.arrayValue?.first?["key"], "eu")
            XCTAssertEqual(zones.json?["counts"]?.arrayValue?.count, ResidencyZone.allCases.count)

            // 0.8 remains: 0.9 waits for the reset (429), 5 never fits (403).
            let again = try await host.send("GET", "/v1/analytics/verifications?group_by=outcome&epsilon=0.9", key: host.acmeKey)
            XCTAssertEqual(again.status, 429, again.text)
            XCTAssertEqual(again.json?["code"], "privacy_budget_exhausted")
            XCTAssertEqual(again.json?["budget"], "tenant acme")
            XCTAssertNotNil(again.headers["retry-after"])
            let huge = try await host.send("GET", "/v1/analytics/verifications?group_by=outcome&epsilon=5", key: host.acmeKey)
            XCTAssertEqual(huge.status, 403, huge.text)
            XCTAssertEqual(huge.json?["code"], "privacy_budget_exhausted")
            let fits = try await host.send("GET", "/v1/analytics/verifications?group_by=outcome&epsilon=0.8", key: host.acmeKey)
            XCTAssertEqual(fits.status, 200, fits.text)
            XCTAssertEqual(fits.json?["counts"]?.arrayValue?.map { $0["key"] }, ["completed", "not_found", "denied", "failed"])

            // zCDP against a pure-ε budget has no bound; tenants without a budget are refused.
            let gaussian = try await host.send("GET", "/v1/analytics/verifications?mechanism=gaussian&rho=0.01", key: host.acmeKey)
            XCTAssertEqual(gaussian.status, 403, gaussian.text)
            let other = try await host.send("GET", "/v1/analytics/verifications?epsilon=0.1", key: host.otherKey)
            XCTAssertEqual(other.status, 403, other.text)
            XCTAssertEqual(other.json?["code"], "privacy_budget_not_configured")

            // Malformed queries are refused before any charge.
            for query in ["group_by=country&epsilon=0.1", "epsilon=-1", "epsilon=abc", "mechanism=gaussian&epsilon=0.1", "foo=1", "epsilon"] {
                let r = try await host.send("GET", "/v1/analytics/verifications?\(query)", key: host.acmeKey)
                XCTAssertEqual(r.status, 400, "\(query): \(r.text)")
            }
            let admin = try await host.send("GET", "/v1/analytics/verifications?epsilon=0.1", key: host.adminKey)
            XCTAssertEqual(admin.status, 403, admin.text)

            // The spending is in the store's ledger: a restarted engine refuses too.
            let restarted = try PrivacyEngine(configuration: PrivacyConfiguration(budgets: ["acme": budget]),
                                              dataDirectory: host.root.appendingPathComponent("data").path, store: host.store)
            let tenth = try PrivacyAmount("0.1")
            do {
                try await restarted.charge(tenant: "acme", dataset: PrivacyEngine.analyticsDataset, mechanism: "count",
                                           cost: .epsilon(tenth))
                XCTFail("the restarted accountant must remember the spent budget")
            } catch {
                XCTAssertEqual(error.code, "privacy_budget_exhausted")
            }
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }
}
