import Foundation
import PavilionCore
import PavilionPrivacy
import PavilionTestSupport
import XCTest

/// `pavilion privacy receipt verify` through the real binary.
final class PrivacyCommandTests: XCTestCase {
    private var directory: URL!
    private var signer: Ed25519LogSigner!
    private var bundle: ReceiptBundle!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory("pavilion-privacy-cli")
        signer = try Ed25519LogSigner()
        let log = PrivacyReceiptLog(log: TransparencyLog(), signer: signer)
        for i in 0..<7 {
            _ = try log.record(PrivacyReceipt(requestID: "req-\(i)", tenant: "acme", connector: "camara-kyc-match",
                                              purpose: "age_verification", lawfulBasis: .consent, dataCategories: ["birth_date"],
                                              releasedClaims: ["age_over_18"], withheldClaims: ["birth_date"], epsilonSpent: 0.1,
                                              primitives: ["sd-jwt"], time: 1_767_225_600_000 + UInt64(i)))
        }
        bundle = try log.bundle(leafIndex: 5, treeHead: try log.signTreeHead(timestamp: 1_767_225_700_000))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ name: String, _ json: JSONValue) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(json.prettySerialized.utf8).write(to: url)
        return url.path
    }

    private func tampered(_ change: (inout [String: JSONValue]) -> Void) throws -> String {
        guard case .object(var object) = bundle.json else { throw XCTSkip("bundle is an object") }
        change(&object)
        return try write("tampered.json", .object(object))
    }

    func testValidBundleWithPinnedKeyExitsZero() throws {
        let file = try write("receipt.json", bundle.json)
        let key = try write("log-key.json", signer.publicKey.json)
        let result = try TestEnvironment.pavilion(["privacy", "receipt", "verify", file, "--key", key])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("receipt valid: request req-5 (tenant acme"), result.stdout)
        XCTAssertTrue(result.stdout.contains("included as leaf 5 of tree size 7"), result.stdout)
        XCTAssertTrue(result.stdout.contains("signed by the pinned log key \(signer.publicKey.keyID)"), result.stdout)

        let json = try TestEnvironment.pavilion(["privacy", "receipt", "verify", "--json", "--key", key, file])
        XCTAssertEqual(json.status, 0)
        let report = try JSONParser().parse(json.stdout)
        XCTAssertEqual(report["valid"], true)
        XCTAssertEqual(report["key_source"], "pinned")
        XCTAssertEqual(report["failed_check"], .null)
        XCTAssertEqual(report["leaf_index"], 5)
        XCTAssertEqual(report["tree_size"], 7)
        XCTAssertEqual(report["checks_passed"]?.arrayValue, ["bundle_format", "receipt_content", "log_key", "tree_head_signature",
                                                             "inclusion_proof"], "a version-2 receipt carries no signature of its own")
        XCTAssertEqual(report["receipt"]?["purpose"], "age_verification")
    }

    func testWithoutAPinnedKeyTheBundleKeyIsUsedAndSaidSo() throws {
        let file = try write("receipt.json", bundle.json)
        let result = try TestEnvironment.pavilion(["privacy", "receipt", "verify", file])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("warning: checked with the bundle's own key"), result.stdout)
        let json = try JSONParser().parse(try TestEnvironment.pavilion(["privacy", "receipt", "verify", file, "--json"]).stdout)
        XCTAssertEqual(json["key_source"], "bundle")
    }

    func testTamperedBundlesExitOneNamingTheFailedCheck() throws {
        let key = try write("log-key.json", signer.publicKey.json)
        let cases: [(String, (inout [String: JSONValue]) -> Void)] = [
            ("inclusion_proof", { $0["leaf_index"] = 4 }),
            ("tree_head_signature", { object in
                guard case .object(var head) = object["tree_head"] else { return }
                head["tree_size"] = 8
                object["tree_head"] = .object(head)
            }),
            ("inclusion_proof", { object in
                var receipt = self.bundle.receipt
                receipt.epsilonSpent = 0
                object["receipt"] = receipt.json
            }),
            ("inclusion_proof", { object in
                guard case .array(var path) = object["inclusion_proof"] else { return }
                path[1] = .string(String(repeating: "00", count: 32))
                object["inclusion_proof"] = .array(path)
            }),
            ("receipt_content", { object in
                guard case .object(var receipt) = object["receipt"] else { return }
                receipt["tenant"] = "jane.doe@example.com"
                object["receipt"] = .object(receipt)
            }),
            ("bundle_format", { $0["format"] = nil }),
        ]
        for (check, change) in cases {
            let file = try tampered(change)
            let text = try TestEnvironment.pavilion(["privacy", "receipt", "verify", file, "--key", key])
            XCTAssertEqual(text.status, 1, "\(check): \(text.stdout)\(text.stderr)")
            XCTAssertTrue(text.stdout.hasPrefix("receipt INVALID in \(file): \(check):"), "\(check): \(text.stdout)")
            let json = try TestEnvironment.pavilion(["privacy", "receipt", "verify", file, "--key", key, "--json"])
            XCTAssertEqual(json.status, 1)
            let report = try JSONParser().parse(json.stdout)
            XCTAssertEqual(report["valid"], false)
            XCTAssertEqual(report["failed_check"], .string(check))
        }
    }

    func testAVersionOneBundleStillVerifiesAndItsReceiptSignatureIsChecked() throws {
        let log = PrivacyReceiptLog(log: TransparencyLog(), signer: signer)
        let old = try SignedReceipt.sign(PrivacyReceipt(requestID: "req-old", tenant: "acme", connector: "echo", purpose: "testing",
                                                        lawfulBasis: .consent, dataCategories: [], releasedClaims: ["echo"],
                                                        withheldClaims: [], primitives: ["minimisation"], time: 1_767_225_600_000),
                                         with: signer)
        _ = try log.log.append(old.logEntry)
        try log.record(try XCTUnwrap(bundle?.receipt))
        let v1 = try log.bundle(leafIndex: 0, treeHead: try log.signTreeHead(timestamp: 1_767_225_700_000))
        XCTAssertEqual(v1.json["format"], "pavilion-privacy-receipt-bundle/1")
        let key = try write("log-key.json", signer.publicKey.json)
        let file = try write("receipt-v1.json", v1.json)
        let result = try TestEnvironment.pavilion(["privacy", "receipt", "verify", file, "--key", key, "--json"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let report = try JSONParser().parse(result.stdout)
        XCTAssertEqual(report["checks_passed"]?.arrayValue?.count, ReceiptCheck.allCases.count)
        XCTAssertEqual(report["receipt"]?["request_id"], "req-old")

        guard case .object(var object) = v1.json else { return XCTFail() }
        var receipt = old.receipt
        receipt.purpose = "marketing"
        object["signed_receipt"] = SignedReceipt(receipt: receipt, algorithm: .edDSA, keyID: old.keyID, signature: old.signature).json
        let altered = try write("altered-v1.json", .object(object))
        let refused = try TestEnvironment.pavilion(["privacy", "receipt", "verify", altered, "--key", key])
        XCTAssertEqual(refused.status, 1, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stdout.hasPrefix("receipt INVALID in \(altered): receipt_signature:"), refused.stdout)
    }

    func testBundleFromAnotherLogFailsAgainstThePinnedKey() throws {
        let file = try write("receipt.json", bundle.json)
        let other = try write("other-key.json", try Ed25519LogSigner().publicKey.json)
        let result = try TestEnvironment.pavilion(["privacy", "receipt", "verify", file, "--key", other, "--json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(try JSONParser().parse(result.stdout)["failed_check"], "log_key")
    }

    func testGarbageFileIsABundleFormatFailure() throws {
        let url = directory.appendingPathComponent("garbage.json")
        try Data([0xFF, 0xFE, 0x7B]).write(to: url)
        let result = try TestEnvironment.pavilion(["privacy", "receipt", "verify", url.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("bundle_format"), result.stdout)
    }

    func testUsageErrorsExitTwo() throws {
        let file = try write("receipt.json", bundle.json)
        let garbageKey = try write("bad-key.json", ["alg": "RS256", "key": "00"])
        for arguments in [["privacy"], ["privacy", "receipt"], ["privacy", "receipt", "verify"],
                          ["privacy", "receipt", "verify", file, file], ["privacy", "receipt", "verify", file, "--frobnicate"],
                          ["privacy", "receipt", "verify", directory.appendingPathComponent("missing.json").path],
                          ["privacy", "receipt", "verify", file, "--key", garbageKey],
                          ["privacy", "receipt", "verify", file, "--key"]] {
            let result = try TestEnvironment.pavilion(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
        }
    }
}
