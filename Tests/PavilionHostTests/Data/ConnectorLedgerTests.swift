import Foundation
@testable import PavilionHost
import PavilionStore
import XCTest

/// The per-connector day buckets behind `/v1/connectors/{name}/quality` and
/// `/ui/connectors/{name}`: outcomes counted, medians over the last
/// `samplesPerDay` answers, tenants kept apart.
final class ConnectorLedgerTests: XCTestCase {
    let day = Date(timeIntervalSince1970: 1_795_600_000)  // 2026-11-24

    func testMediansAreOverTheLastSamplesOfTheDayAndOutcomesAreAllCounted() throws {
        let ledger = ConnectorLedger()
        let acme = try TenantID("acme")
        let count = ConnectorLedger.samplesPerDay + 500
        for i in 1...count {
            ledger.record(connector: "echo", tenant: acme, outcome: i % 10 == 0 ? "not_found" : "completed", at: day,
                          exchangeMilliseconds: Double(i), totalMilliseconds: Double(2 * i), quality: nil)
        }
        let summaries = ledger.summaries(connector: "echo", tenant: acme)
        XCTAssertEqual(summaries.count, 1)
        let summary = try XCTUnwrap(summaries.first)
        XCTAssertEqual(summary.period, ConnectorLedger.day(day))
        XCTAssertEqual(summary.outcomes, ["completed": count - count / 10, "not_found": count / 10])
        // The last 1,000 values are 501...1500: median 1000.5 (and twice that for the totals).
        let first = Double(count - ConnectorLedger.samplesPerDay + 1), last = Double(count)
        XCTAssertEqual(summary.medianExchangeMilliseconds, (first + last) / 2)
        XCTAssertEqual(summary.medianTotalMilliseconds, first + last)
    }

    func testTenantsAreKeptApartAndMergedOnlyForTheAdminView() throws {
        let ledger = ConnectorLedger()
        let acme = try TenantID("acme"), shop = try TenantID("shop")
        ledger.record(connector: "echo", tenant: acme, outcome: "completed", at: day, exchangeMilliseconds: nil,
                      totalMilliseconds: 10, quality: nil)
        ledger.record(connector: "echo", tenant: shop, outcome: "denied", at: day, exchangeMilliseconds: nil,
                      totalMilliseconds: 30, quality: nil)
        ledger.record(connector: "other", tenant: acme, outcome: "completed", at: day, exchangeMilliseconds: 1,
                      totalMilliseconds: 1, quality: nil)
        XCTAssertEqual(ledger.summaries(connector: "echo", tenant: acme).first?.outcomes, ["completed": 1])
        XCTAssertNil(ledger.summaries(connector: "echo", tenant: acme).first?.medianExchangeMilliseconds, "no exchange ran")
        let all = try XCTUnwrap(ledger.summaries(connector: "echo", tenant: nil).first)
        XCTAssertEqual(all.outcomes, ["completed": 1, "denied": 1])
        XCTAssertEqual(all.medianTotalMilliseconds, 20)
        XCTAssertEqual(ledger.summaries(connector: "missing", tenant: nil), [])
    }
}
