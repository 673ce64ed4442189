import Foundation
import PavilionCore
import PavilionPrivacy
import PavilionStore
import PavilionTestSupport
import XCTest

/// The running `pavilion serve` signs a tree head covering each new
/// receipt within `privacy.log.sign_interval_ms`, with nobody asking; on
/// SIGTERM it drains and exits 0, and after a restart every receipt still
/// checks offline under the pinned key. All through the real binary.
final class ServiceReceiptSigningTests: ServiceTestCase {
    override class var harnessOptions: ServiceHarness.Options {
        var options = ServiceHarness.Options()
        options.receiptSignIntervalMs = 100
        return options
    }

    func testAReceiptIsCoveredByASignedTreeHeadWithoutAskingAndSurvivesARestart() async throws {
        let response = try verify(Self.echoBody)
        XCTAssertEqual(response.status, 200, response.summary)
        let index = try XCTUnwrap(response.json?["privacy_receipt"]?["log_index"]?.intValue, response.summary)

        // Watch the store beside the server (SQLite WAL allows it); no request asks for a head.
        let store = try SQLiteStore(dataDirectory: harness.dataDirectory.path)
        let deadline = ContinuousClock.now + .seconds(30)
        var kept: String?
        while kept == nil, ContinuousClock.now < deadline {
            kept = try await store.privacyTreeHead(treeSize: index + 1)
            if kept == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let head = try SignedTreeHead(json: try JSONParser().parse(try XCTUnwrap(kept, "no tree head covers receipt \(index)")))

        let folder = try TestEnvironment.makeTemporaryDirectory("pavilion-receipt-signing")
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = try TestEnvironment.pavilion(["privacy", "log-key", "--config", harness.configFile.path])
        XCTAssertEqual(key.status, 0, key.stderr)
        let keyFile = folder.appendingPathComponent("log-key.json")
        try Data(key.stdout.utf8).write(to: keyFile)
        XCTAssertTrue(head.isValidSignature(with: try LogPublicKey(json: try JSONParser().parse(key.stdout))))

        // SIGTERM drains and exits cleanly with the background signer running; a restart keeps the log.
        XCTAssertEqual(harness.stopServer(), 0, "pavilion serve did not drain and exit 0 on SIGTERM")
        try harness.startServer()
        let fetched = try harness.curl.get("/v1/privacy/log/receipts/\(index)", key: harness.acmeKey)
        XCTAssertEqual(fetched.status, 200, fetched.summary)
        XCTAssertEqual(fetched.json?["format"], "pavilion-privacy-receipt-bundle/2")
        let bundleFile = folder.appendingPathComponent("receipt.json")
        try Data(fetched.body.utf8).write(to: bundleFile)
        let result = try TestEnvironment.pavilion(["privacy", "receipt", "verify", "--json", bundleFile.path, "--key", keyFile.path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(try JSONParser().parse(result.stdout)["leaf_index"]?.intValue, index)
        let again = try await store.privacyTreeHead(treeSize: index + 1)
        XCTAssertEqual(again, kept, "the head kept for a size is never replaced")
    }
}
