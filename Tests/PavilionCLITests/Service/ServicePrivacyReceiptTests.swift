import Foundation
import PavilionCore
import PavilionTestSupport
import XCTest

/// A privacy receipt fetched from the running `pavilion serve` checks
/// offline with `pavilion privacy receipt verify` against the log key that
/// `pavilion privacy log-key` derives from the data directory; a tampered
/// copy is refused. All through the real binary.
final class ServicePrivacyReceiptTests: ServiceTestCase {
    func testAReceiptFromTheRunningHostVerifiesOfflineAgainstThePinnedKey() throws {
        let response = try verify(Self.echoBody)
        XCTAssertEqual(response.status, 200, response.summary)
        let index = try XCTUnwrap(response.json?["privacy_receipt"]?["log_index"]?.intValue, response.summary)
        let leafHash = try XCTUnwrap(response.json?["privacy_receipt"]?["leaf_hash"]?.stringValue)

        let fetched = try harness.curl.get("/v1/privacy/log/receipts/\(index)", key: harness.acmeKey)
        XCTAssertEqual(fetched.status, 200, fetched.summary)
        let head = try harness.curl.get("/v1/privacy/log/tree-head", key: harness.acmeKey)
        XCTAssertEqual(head.status, 200, head.summary)
        XCTAssertGreaterThan(try XCTUnwrap(head.json?["tree_size"]?.intValue), index)

        let folder = try TestEnvironment.makeTemporaryDirectory("pavilion-receipt-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bundleFile = folder.appendingPathComponent("receipt.json")
        try Data(fetched.body.utf8).write(to: bundleFile)
        let key = try TestEnvironment.pavilion(["privacy", "log-key", "--config", harness.configFile.path])
        XCTAssertEqual(key.status, 0, key.stderr)
        let keyFile = folder.appendingPathComponent("log-key.json")
        try Data(key.stdout.utf8).write(to: keyFile)

        let result = try TestEnvironment.pavilion(["privacy", "receipt", "verify", "--json", bundleFile.path, "--key", keyFile.path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let report = try JSONParser().parse(result.stdout)
        XCTAssertEqual(report["valid"], true)
        XCTAssertEqual(report["key_source"], "pinned")
        XCTAssertEqual(report["leaf_index"]?.intValue, index)
        XCTAssertEqual(report["receipt"]?["tenant"], "acme")
        XCTAssertEqual(report["receipt"]?["connector"], "echo")
        XCTAssertNotNil(leafHash)

        // A receipt altered after the fact is refused, naming the failed check.
        let tampered = fetched.body.replacingOccurrences(of: "\"purpose\":\"testing\"", with: "\"purpose\":\"marketing\"")
        XCTAssertNotEqual(tampered, fetched.body)
        let tamperedFile = folder.appendingPathComponent("tampered.json")
        try Data(tampered.utf8).write(to: tamperedFile)
        let refused = try TestEnvironment.pavilion(["privacy", "receipt", "verify", tamperedFile.path, "--key", keyFile.path])
        XCTAssertEqual(refused.status, 1, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stdout.contains("receipt INVALID"), refused.stdout)

        // Another key (a pin that is not this log's) is refused too.
        let otherSecret = folder.appendingPathComponent("other.key")
        try Data((0..<32).map { UInt8($0) }).write(to: otherSecret)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: otherSecret.path)
        let otherKey = try TestEnvironment.pavilion(["privacy", "log-key", "--secret-file", otherSecret.path])
        XCTAssertEqual(otherKey.status, 0, otherKey.stderr)
        let otherKeyFile = folder.appendingPathComponent("other-key.json")
        try Data(otherKey.stdout.utf8).write(to: otherKeyFile)
        let wrongPin = try TestEnvironment.pavilion(["privacy", "receipt", "verify", bundleFile.path, "--key", otherKeyFile.path])
        XCTAssertEqual(wrongPin.status, 1, wrongPin.stdout)
        XCTAssertTrue(wrongPin.stdout.contains("log_key"), wrongPin.stdout)
    }

    func testOPRFKeysAreCreatedRotatedAndListedFromTheCommandLine() throws {
        let data = ["--config", harness.configFile.path]
        let created = try TestEnvironment.pavilion(["privacy", "oprf-key", "create", "acme", "phone-list", "--json"] + data)
        XCTAssertEqual(created.status, 0, created.stderr)
        XCTAssertEqual(try JSONParser().parse(created.stdout)["version"], 1)
        let again = try TestEnvironment.pavilion(["privacy", "oprf-key", "create", "acme", "phone-list"] + data)
        XCTAssertEqual(again.status, 1, again.stdout + again.stderr)
        let rotated = try TestEnvironment.pavilion(["privacy", "oprf-key", "rotate", "acme", "phone-list", "--json"] + data)
        XCTAssertEqual(rotated.status, 0, rotated.stderr)
        XCTAssertEqual(try JSONParser().parse(rotated.stdout)["version"], 2)
        let listed = try TestEnvironment.pavilion(["privacy", "oprf-key", "list", "acme"] + data)
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertTrue(listed.stdout.contains("retired") && listed.stdout.contains("in use"), listed.stdout)
        let bad = try TestEnvironment.pavilion(["privacy", "oprf-key", "create", "acme", "x", "--suite", "P521"] + data)
        XCTAssertEqual(bad.status, 2, bad.stderr)

        // The running host serves the rotated key.
        let served = try harness.curl.get("/v1/privacy/oprf/phone-list", key: harness.acmeKey)
        XCTAssertEqual(served.status, 200, served.summary)
        XCTAssertEqual(served.json?["version"], 2)
        XCTAssertEqual(served.json?["public_key"], try JSONParser().parse(rotated.stdout)["public_key"])
    }
}
