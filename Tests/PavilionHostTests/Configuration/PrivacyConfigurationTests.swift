import Foundation
import PavilionCore
import PavilionHost
import PavilionManifest
import PavilionPrivacy
import XCTest

/// The `privacy:` section of `pavilion.yaml`.
final class PrivacyConfigurationTests: XCTestCase {
    private let base = """
        listen: { host: 127.0.0.1, port: 0 }
        tls: off
        data_dir: data
        connectors_dir: connectors.d

        """

    private func parse(_ privacy: String) throws -> HostConfiguration {
        let document = try YAMLDocument.parse(bytes: Array((base + privacy).utf8), file: "/etc/pavilion/pavilion.yaml")
        return try HostConfiguration.parse(document)
    }

    private func problems(_ privacy: String) -> [String] {
        do {
            _ = try parse(privacy)
            XCTFail("accepted:\n\(privacy)")
            return []
        } catch let error as HostConfigurationError {
            return error.diagnostics.map(\.description)
        } catch {
            XCTFail("\(error)")
            return []
        }
    }

    func testTheFullSectionIsRead() throws {
        let config = try parse("""
            privacy:
              secret_file: keys/privacy.key
              probing:
                answers_per_period: 5
                reset_period_seconds: 3600
                subject_fields: { camara-kyc-match: [phone_number] }
                tenants: { shop: { answers_per_period: 2 } }
              budgets:
                acme: { epsilon: "1.5", reset_period_seconds: 86400 }
                shop: { rho: 0.25 }
              default_budget: { epsilon: "0.5" }
              oprf: { max_batch: 10, elements_per_minute: 600 }
            """)
        let privacy = try XCTUnwrap(config.privacy)
        XCTAssertEqual(privacy.secretFile, "/etc/pavilion/keys/privacy.key")
        XCTAssertEqual(privacy.probing, .init(answersPerPeriod: 5, resetPeriodSeconds: 3600, subjectFields: ["camara-kyc-match": ["phone_number"]],
                                              tenants: ["shop": ProbingPolicy(answersPerPeriod: 2, resetPeriodSeconds: 3600)]))
        XCTAssertEqual(privacy.probing?.policy(for: "acme"), ProbingPolicy(answersPerPeriod: 5, resetPeriodSeconds: 3600))
        XCTAssertEqual(privacy.budgets["acme"], BudgetPolicy(limit: .epsilon(try PrivacyAmount("1.5")), resetPeriodSeconds: 86_400))
        XCTAssertEqual(privacy.budgets["shop"], BudgetPolicy(limit: .rho(try PrivacyAmount("0.25"))))
        XCTAssertEqual(privacy.defaultBudget, BudgetPolicy(limit: .epsilon(try PrivacyAmount("0.5"))))
        XCTAssertEqual(privacy.oprfMaxBatch, 10)
        XCTAssertEqual(privacy.oprfElementsPerMinute, 600)
        XCTAssertNil(try parse("").privacy)
    }

    func testBadValuesAreReportedWithTheirPositions() {
        let found = problems("""
            privacy:
              probing: { reset_period_seconds: 0 }
              budgets:
                acme: { epsilon: "-1" }
                shop: { epsilon: "1", rho: "1" }
                none: { reset_period_seconds: 60 }
              oprf: { max_batch: 0, per_minute: 5 }
              log_key: receipt-log
              extra: 1
            """)
        let text = found.joined(separator: "\n")
        XCTAssertTrue(text.contains("missing key 'answers_per_period'"), text)
        XCTAssertTrue(text.contains("reset_period_seconds' must be in 1..."), text)
        XCTAssertTrue(text.contains("privacy.budgets.acme.epsilon must be a positive decimal"), text)
        XCTAssertTrue(text.contains("budget 'shop' gives exactly one of epsilon, rho"), text)
        XCTAssertTrue(text.contains("budget 'none' gives exactly one of epsilon, rho"), text)
        XCTAssertTrue(text.contains("unknown key 'per_minute'"), text)
        XCTAssertTrue(text.contains("unknown key 'extra' in 'privacy'"), text)
        XCTAssertTrue(text.contains("privacy.log_key names a key of the credentials: key source"), text)
        XCTAssertTrue(found.allSatisfy { $0.hasPrefix("/etc/pavilion/pavilion.yaml:") }, text)
    }

    func testTheReceiptLogSigningIntervalIsReadAndChecked() throws {
        XCTAssertEqual(try parse("privacy: { log: { sign_interval_ms: 250 } }").privacy?.logSignIntervalMilliseconds, 250)
        XCTAssertEqual(try parse("privacy: { secret_file: k }").privacy?.logSignIntervalMilliseconds, 1000, "default: a second")
        XCTAssertEqual(PrivacyConfiguration().logSignIntervalMilliseconds, 1000, "no privacy section: a second")
        for (yaml, expected) in [("privacy: { log: { sign_interval_ms: 0 } }", "sign_interval_ms' must be in 10..."),
                                 ("privacy: { log: { sign_interval_ms: 3600001 } }", "sign_interval_ms' must be in 10..."),
                                 ("privacy: { log: { sign_interval_ms: soon } }", "sign_interval_ms"),
                                 ("privacy: { log: { every: 5 } }", "unknown key 'every'"),
                                 ("privacy: { log: 5 }", "privacy.log")] {
            let text = problems(yaml).joined(separator: "\n")
            XCTAssertTrue(text.contains(expected), "\(yaml): \(text)")
        }
    }

    func testPSISetsAreRead() throws {
        let config = try parse("""
            privacy:
              psi: { elements_per_minute: 5000 }
              psi_sets:
                fraud-list: { file: sets/fraud.txt, tenants: [acme, shop] }
                fraud-count: { file: /srv/fraud.txt, cardinality_only: true, tenants: [acme] }
            """)
        let privacy = try XCTUnwrap(config.privacy)
        XCTAssertEqual(privacy.psiElementsPerMinute, 5000)
        XCTAssertEqual(privacy.psiSets, [
            "fraud-list": .init(file: "/etc/pavilion/sets/fraud.txt", cardinalityOnly: false, tenants: ["acme", "shop"]),
            "fraud-count": .init(file: "/srv/fraud.txt", cardinalityOnly: true, tenants: ["acme"]),
        ])
        XCTAssertEqual(try parse("privacy: { secret_file: k }").privacy?.psiElementsPerMinute, 1_000_000)
    }

    func testBadPSISetsAreReportedWithTheirKeyPaths() {
        let found = problems("""
            privacy:
              psi: { elements_per_minute: 0, burst: 1 }
              psi_sets:
                no-file: { tenants: [acme] }
                no-tenants: { file: a.txt }
                empty-tenants: { file: a.txt, tenants: [] }
                bad-tenant: { file: a.txt, tenants: ["not a tenant"] }
                bad-flag: { file: a.txt, cardinality_only: "yes", tenants: [acme] }
                extra: { file: a.txt, tenants: [acme], mode: x }
                "bad/name": { file: a.txt, tenants: [acme] }
            """)
        let text = found.joined(separator: "\n")
        XCTAssertTrue(text.contains("'privacy.psi.elements_per_minute' must be in 1..."), text)
        XCTAssertTrue(text.contains("unknown key 'burst' in 'privacy.psi'"), text)
        XCTAssertTrue(text.contains("missing key 'file'"), text)
        XCTAssertTrue(text.contains("privacy.psi_sets.no-tenants.tenants must be a non-empty list of tenant ids"), text)
        XCTAssertTrue(text.contains("privacy.psi_sets.empty-tenants.tenants must be a non-empty list"), text)
        XCTAssertTrue(text.contains("privacy.psi_sets.bad-tenant.tenants must be a non-empty list"), text)
        XCTAssertTrue(text.contains("privacy.psi_sets.bad-flag.cardinality_only must be true or false"), text)
        XCTAssertTrue(text.contains("unknown key 'mode' in 'privacy.psi_sets.extra'"), text)
        XCTAssertTrue(text.contains("the PSI set name 'bad/name' must be a token"), text)
        XCTAssertTrue(found.allSatisfy { $0.hasPrefix("/etc/pavilion/pavilion.yaml:") }, text)
    }
}
