import Foundation
import PavilionPrivacy
import PavilionTestSupport
import XCTest

final class FileBudgetLedgerTests: XCTestCase {
    private var directory: URL!
    private var path: String { directory.appendingPathComponent("ledger.jsonl").path }

    override func setUpWithError() throws { directory = try TestEnvironment.makeTemporaryDirectory("pavilion-dp-ledger") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func sampleEntries() throws -> [BudgetLedgerEntry] {
        [
            BudgetLedgerEntry(account: .dataset(tenant: "acme", dataset: "claims"), mechanism: "count",
                              amount: .privacy(.epsilon(try PrivacyAmount("0.25"))), timeMilliseconds: 1_800_000_000_123),
            BudgetLedgerEntry(account: .dataset(tenant: "acme", dataset: "a \"quoted\"\nname"), mechanism: "histogram",
                              amount: .privacy(.rho(try PrivacyAmount("0.000000001"))), timeMilliseconds: 1),
            BudgetLedgerEntry(account: .probing(relyingParty: "rp-1", subjectDigest: String(repeating: "ab", count: 32)),
                              mechanism: "verify:birthdate", amount: .answers(1), timeMilliseconds: 2),
        ]
    }

    func testEntriesAreReadBackAfterReopening() throws {
        let entries = try sampleEntries()
        do {
            let ledger = try FileBudgetLedger(path: path)
            for entry in entries { try ledger.append(entry) }
            XCTAssertEqual(try ledger.entries(), entries)
        }
        XCTAssertEqual(try FileBudgetLedger(path: path).entries(), entries)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(text.split(separator: "\n").count, 3, "one line per entry")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
    }

    func testATornLastLineIsCutOffAndAppendingContinues() throws {
        let entries = try sampleEntries()
        do {
            let ledger = try FileBudgetLedger(path: path)
            try ledger.append(entries[0])
        }
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"account\":\"dataset\",\"amo".utf8))  // a crash mid-write
        try handle.close()

        let ledger = try FileBudgetLedger(path: path)
        XCTAssertEqual(try ledger.entries(), [entries[0]])
        try ledger.append(entries[1])
        XCTAssertEqual(try ledger.entries(), Array(entries[0...1]))
    }

    func testACorruptLineInTheMiddleIsRefused() throws {
        let good = try String(decoding: sampleEntries()[0].jsonLine(), as: UTF8.self)
        for bad in ["not json", "{\"v\":2}", "{\"account\":\"dataset\",\"amount\":\"-1\",\"dataset\":\"d\",\"mechanism\":\"m\",\"tenant\":\"t\",\"time_ms\":1,\"unit\":\"epsilon\",\"v\":1}",
                    "{\"account\":\"probing\",\"amount\":\"1\",\"dataset\":\"d\",\"mechanism\":\"m\",\"tenant\":\"t\",\"time_ms\":1,\"unit\":\"answers\",\"v\":1}",
                    "{\"account\":\"dataset\",\"amount\":\"1\",\"dataset\":\"d\",\"mechanism\":\"m\",\"tenant\":\"t\",\"time_ms\":1,\"unit\":\"delta\",\"v\":1}"] {
            try (good + bad + "\n" + good).write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try FileBudgetLedger(path: path), bad) {
                XCTAssertEqual(($0 as? DifferentialPrivacyError)?.code, .ledgerCorrupt, bad)
            }
        }
    }

    func testASecondWriterIsRefusedWhileTheFirstHoldsTheLedger() throws {
        let first = try FileBudgetLedger(path: path)
        XCTAssertThrowsError(try FileBudgetLedger(path: path)) {
            XCTAssertEqual(($0 as? DifferentialPrivacyError)?.code, .ledgerIO)
        }
        withExtendedLifetime(first) {}
    }

    func testAMissingFolderIsAnIOError() {
        XCTAssertThrowsError(try FileBudgetLedger(path: directory.appendingPathComponent("no/such/ledger.jsonl").path)) {
            XCTAssertEqual(($0 as? DifferentialPrivacyError)?.code, .ledgerIO)
        }
    }
}
