import Foundation
import PavilionPrivacy
import PavilionTestSupport
import XCTest

final class ProbingGuardTests: XCTestCase {
    private var directory: URL!
    private var path: String { directory.appendingPathComponent("ledger.jsonl").path }
    private let key = [UInt8](repeating: 0x5A, count: 32)

    override func setUpWithError() throws { directory = try TestEnvironment.makeTemporaryDirectory("pavilion-dp-probing") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func testRepeatedQuestionsAboutOneSubjectAreRefusedOnceTheBudgetIsSpent() async throws {
        let clock = ManualClock()
        let guardian = try ProbingGuard(ledger: FileBudgetLedger(path: path), digestKey: key,
                                        policy: ProbingPolicy(answersPerPeriod: 3, resetPeriodSeconds: 86_400), now: clock.reader)
        // "Is the date of birth 1990-01-0X?" for X = 1, 2, 3: three answers.
        for expected in [2, 1, 0] as [UInt64] {
            let left = try await guardian.chargeAnswer(relyingParty: "rp-1", subject: "+441234567890", question: "verify:birthdate")
            XCTAssertEqual(left, expected)
        }
        do {
            _ = try await guardian.chargeAnswer(relyingParty: "rp-1", subject: "+441234567890", question: "verify:birthdate")
            XCTFail("the fourth answer was given")
        } catch {
            XCTAssertEqual(error.code, .probingLimitReached)
            let refusal = try XCTUnwrap(error.refusal)
            XCTAssertEqual(refusal.scope, .probing)
            XCTAssertEqual(refusal.relyingParty, "rp-1")
            XCTAssertEqual(refusal.limit, .answers(3))
            XCTAssertEqual(refusal.remaining, .answers(0))
            XCTAssertEqual(refusal.suggestedHTTPStatus, 429)
            XCTAssertFalse(error.description.contains("+441234567890"), "the refusal never names the subject")
        }
        // Other subjects and other relying parties have their own budgets.
        let otherSubject = try await guardian.remainingAnswers(relyingParty: "rp-1", subject: "+449999999999")
        XCTAssertEqual(otherSubject, 3)
        let otherRelyingParty = try await guardian.remainingAnswers(relyingParty: "rp-2", subject: "+441234567890")
        XCTAssertEqual(otherRelyingParty, 3)
        // The next period starts afresh.
        clock.advance(seconds: 86_400)
        let afterReset = try await guardian.remainingAnswers(relyingParty: "rp-1", subject: "+441234567890")
        XCTAssertEqual(afterReset, 3)
    }

    func testTheLedgerKeepsOnlyAKeyedDigestOfTheSubjectAndSurvivesARestart() async throws {
        let clock = ManualClock()
        let policy = ProbingPolicy(answersPerPeriod: 2, resetPeriodSeconds: nil)
        let digest: String
        do {
            let guardian = try ProbingGuard(ledger: FileBudgetLedger(path: path), digestKey: key, policy: policy, now: clock.reader)
            _ = try await guardian.chargeAnswer(relyingParty: "rp-1", subject: "alice@example.org", question: "verify:email")
            digest = try await guardian.subjectDigest("alice@example.org")
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertFalse(text.contains("alice"), text)
        XCTAssert(text.contains(digest), text)
        XCTAssertEqual(digest.count, 64)

        let restarted = try ProbingGuard(ledger: FileBudgetLedger(path: path), digestKey: key, policy: policy, now: clock.reader)
        let afterRestart = try await restarted.remainingAnswers(relyingParty: "rp-1", subject: "alice@example.org")
        XCTAssertEqual(afterRestart, 1)
        // Another key gives other digests: the same subject is unknown to it.
        let otherKey = try ProbingGuard(ledger: FileBudgetLedger(path: directory.appendingPathComponent("other.jsonl").path),
                                        digestKey: [UInt8](repeating: 0x11, count: 32), policy: policy)
        let otherDigest = try await otherKey.subjectDigest("alice@example.org")
        XCTAssertNotEqual(otherDigest, digest)
    }

    func testAShortDigestKeyIsRefused() throws {
        XCTAssertThrowsError(try ProbingGuard(ledger: FileBudgetLedger(path: path), digestKey: [1, 2, 3],
                                              policy: ProbingPolicy(answersPerPeriod: 1))) {
            XCTAssertEqual(($0 as? DifferentialPrivacyError)?.code, .parameterOutOfRange)
        }
    }

    func testProbingAndDatasetChargesShareOneLedger() async throws {
        let ledger = try FileBudgetLedger(path: path)
        let guardian = try ProbingGuard(ledger: ledger, digestKey: key, policy: ProbingPolicy(answersPerPeriod: 5))
        let accountant = try BudgetAccountant(ledger: ledger, configuration: .init(tenants: ["acme": BudgetPolicy(limit: .epsilon(PrivacyAmount("1")))]))
        _ = try await guardian.chargeAnswer(relyingParty: "rp", subject: "s", question: "verify:age_over_18")
        _ = try await accountant.charge(tenant: "acme", dataset: "d", mechanism: "count", cost: .epsilon(PrivacyAmount("0.5")))
        XCTAssertEqual(try ledger.entries().count, 2)
        let reloadedAccountant = try BudgetAccountant(ledger: ledger, configuration: .init(tenants: ["acme": BudgetPolicy(limit: .epsilon(PrivacyAmount("1")))]))
        let tenantLeft = await reloadedAccountant.remaining(tenant: "acme", dataset: "d").tenant
        XCTAssertEqual(tenantLeft, .epsilon(try PrivacyAmount("0.5")))
        let answersLeft = try await guardian.remainingAnswers(relyingParty: "rp", subject: "s")
        XCTAssertEqual(answersLeft, 4)
    }
}
