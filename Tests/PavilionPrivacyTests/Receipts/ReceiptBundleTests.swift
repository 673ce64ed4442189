import Foundation
import PavilionCore
import PavilionCrypto
import PavilionPrivacy
import XCTest

final class ReceiptBundleTests: XCTestCase {
    private func makeLog(receipts: Int = 10) throws -> (PrivacyReceiptLog, Ed25519LogSigner) {
        let signer = try Ed25519LogSigner()
        let log = PrivacyReceiptLog(log: TransparencyLog(), signer: signer)
        for i in 0..<receipts {
            _ = try log.record(PrivacyReceiptTests.sample(requestID: "req-\(i)", time: 1_767_225_600_000 + UInt64(i)))
        }
        return (log, signer)
    }

    func testBundleForEveryReceiptVerifiesWithThePinnedKey() throws {
        let (log, signer) = try makeLog()
        let head = try log.signTreeHead(timestamp: 1_767_225_700_000)
        for index in 0..<head.treeSize {
            let bundle = try log.bundle(leafIndex: index, treeHead: head)
            XCTAssertEqual(bundle.json["format"], "pavilion-privacy-receipt-bundle/2")
            XCTAssertEqual(bundle.json["receipt"], bundle.receipt.json, "the log entry is the receipt itself")
            let report = ReceiptBundle.verify(json: try JSONParser().parse(bundle.json.prettySerialized), pinnedKey: signer.publicKey)
            XCTAssertTrue(report.isValid, "\(index): \(String(describing: report.failure))")
            XCTAssertEqual(report.passed, ReceiptCheck.allCases.filter { $0 != .receiptSignature })
            XCTAssertEqual(report.keySource, .pinned)
        }
        let unpinned = try log.bundle(leafIndex: 3, treeHead: head).verify(pinnedKey: nil)
        XCTAssertTrue(unpinned.isValid)
        XCTAssertEqual(unpinned.keySource, .bundle)
    }

    func testBundleUnderAnOlderTreeHeadStillVerifies() throws {
        let (log, signer) = try makeLog(receipts: 5)
        let old = try log.signTreeHead(timestamp: 1)
        _ = try log.record(PrivacyReceiptTests.sample(requestID: "later"))
        XCTAssertTrue(try log.bundle(leafIndex: 4, treeHead: old).verify(pinnedKey: signer.publicKey).isValid)
        XCTAssertThrowsError(try log.bundle(leafIndex: 5, treeHead: old))
    }

    func testEachTamperingFailsNamingItsCheck() throws {
        let (log, signer) = try makeLog()
        let head = try log.signTreeHead(timestamp: 1_767_225_700_000)
        let bundle = try log.bundle(leafIndex: 6, treeHead: head)
        guard case .object(let good) = bundle.json else { return XCTFail() }

        func check(_ expected: ReceiptCheck, pinned: LogPublicKey? = nil, _ change: (inout [String: JSONValue]) -> Void,
                   line: UInt = #line) {
            var object = good
            change(&object)
            let report = ReceiptBundle.verify(json: .object(object), pinnedKey: pinned ?? signer.publicKey)
            XCTAssertEqual(report.failure?.check, expected, "\(String(describing: report.failure))", line: line)
        }
        check(.bundleFormat) { $0["format"] = "other/1" }
        check(.bundleFormat) { $0["format"] = "pavilion-privacy-receipt-bundle/1" }
        check(.bundleFormat) { $0["signed_receipt"] = $0["receipt"] }
        check(.bundleFormat) { $0["inclusion_proof"] = ["zz"] }
        check(.bundleFormat) { $0["tree_head"] = nil }
        check(.bundleFormat) { $0["receipt"] = nil }
        check(.receiptContent) { $0["receipt"] = ["tenant": "x"] }
        check(.receiptContent) {
            guard case .object(var receipt) = $0["receipt"] else { return }
            receipt["purpose"] = "call jane.doe@example.com"
            $0["receipt"] = .object(receipt)
        }
        check(.logKey, pinned: try Ed25519LogSigner().publicKey) { _ in }
        check(.treeHeadSignature) {
            guard case .object(var head) = $0["tree_head"] else { return }
            head["timestamp"] = 5
            $0["tree_head"] = .object(head)
        }
        // An altered receipt has another leaf hash: the proof no longer leads to the signed root.
        check(.inclusionProof) {
            var receipt = bundle.receipt
            receipt.purpose = "marketing"
            $0["receipt"] = receipt.json
        }
        check(.inclusionProof) { $0["leaf_index"] = 7 }
        check(.inclusionProof) {
            guard case .array(var path) = $0["inclusion_proof"] else { return }
            path.removeLast()
            $0["inclusion_proof"] = .array(path)
        }
        check(.inclusionProof) {
            guard case .array(var path) = $0["inclusion_proof"], case .string(let first) = path[0] else { return }
            path[0] = .string(String(first.reversed()))
            $0["inclusion_proof"] = .array(path)
        }
        // Another leaf's receipt: the proof does not lead there.
        check(.inclusionProof) { $0["receipt"] = (try? log.bundle(leafIndex: 2, treeHead: head))?.receipt.json }
    }

    func testAWrongTreeHeadIsRefusedEvenWhenGenuine() throws {
        let (log, signer) = try makeLog(receipts: 8)
        let early = try log.signTreeHead(timestamp: 1)
        _ = try log.record(PrivacyReceiptTests.sample(requestID: "req-late"))
        let later = try log.signTreeHead(timestamp: 2)
        let bundle = try log.bundle(leafIndex: 3, treeHead: later)
        guard case .object(var object) = bundle.json else { return XCTFail() }
        object["tree_head"] = early.json // signed by the log, but for 8 leaves, not 9
        let report = ReceiptBundle.verify(json: .object(object), pinnedKey: signer.publicKey)
        XCTAssertEqual(report.failure?.check, .inclusionProof, "\(String(describing: report.failure))")
    }

    func testAVersionOneEntryGivesAVersionOneBundleWhoseSignatureIsChecked() throws {
        let (log, signer) = try makeLog(receipts: 3)
        // An entry written before version 2: a receipt signed on its own.
        let old = try SignedReceipt.sign(PrivacyReceiptTests.sample(requestID: "req-old"), with: signer)
        XCTAssertEqual(try log.log.append(old.logEntry), 3)
        _ = try log.record(PrivacyReceiptTests.sample(requestID: "req-new"))
        let head = try log.signTreeHead(timestamp: 1_767_225_700_000)
        let bundle = try log.bundle(leafIndex: 3, treeHead: head)
        XCTAssertEqual(bundle.entry, .signed(old))
        XCTAssertEqual(bundle.json["format"], "pavilion-privacy-receipt-bundle/1")
        let report = ReceiptBundle.verify(json: try JSONParser().parse(bundle.json.serialized), pinnedKey: signer.publicKey)
        XCTAssertTrue(report.isValid, "\(String(describing: report.failure))")
        XCTAssertEqual(report.passed, ReceiptCheck.allCases)
        XCTAssertEqual(try log.bundle(leafIndex: 4, treeHead: head).json["format"], "pavilion-privacy-receipt-bundle/2")

        guard case .object(let good) = bundle.json else { return XCTFail() }
        var altered = good
        var receipt = old.receipt
        receipt.purpose = "marketing"
        altered["signed_receipt"] = SignedReceipt(receipt: receipt, algorithm: .edDSA, keyID: old.keyID, signature: old.signature).json
        XCTAssertEqual(ReceiptBundle.verify(json: .object(altered), pinnedKey: signer.publicKey).failure?.check, .receiptSignature)
        var unwrapped = good
        unwrapped["format"] = "pavilion-privacy-receipt-bundle/2"
        XCTAssertEqual(ReceiptBundle.verify(json: .object(unwrapped), pinnedKey: signer.publicKey).failure?.check, .bundleFormat)
    }

    func testLogEntriesOfEitherVersionAreReadOnlyInCanonicalForm() throws {
        let receipt = PrivacyReceiptTests.sample()
        XCTAssertEqual(try ReceiptLogEntry(bytes: receipt.canonicalBytes), .receipt(receipt))
        XCTAssertEqual(try ReceiptLogEntry(bytes: receipt.canonicalBytes).version, 2)
        let signed = try SignedReceipt.sign(receipt, with: try Ed25519LogSigner())
        XCTAssertEqual(try ReceiptLogEntry(bytes: signed.logEntry).version, 1)
        for bad in [receipt.json.prettySerialized, "not json", "{}", "[1]", #"{"receipt":{},"signature":{}}"#, ""] {
            XCTAssertThrowsError(try ReceiptLogEntry(bytes: Array(bad.utf8)), bad) { XCTAssertTrue($0 is ReceiptError) }
        }
    }

    func testBundleSignedByAnotherKeyPassesOnlyWithoutAPin() throws {
        let (log, signer) = try makeLog(receipts: 3)
        let (forger, _) = try makeLog(receipts: 3)
        let forged = try forger.bundle(leafIndex: 1, treeHead: try forger.signTreeHead(timestamp: 9))
        XCTAssertTrue(forged.verify(pinnedKey: nil).isValid, "self-consistent")
        XCTAssertEqual(forged.verify(pinnedKey: signer.publicKey).failure?.check, .logKey)
        _ = log
    }
}
