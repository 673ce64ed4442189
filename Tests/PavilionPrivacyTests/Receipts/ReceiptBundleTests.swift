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
            let report = ReceiptBundle.verify(json: try JSONParser().parse(bundle.json.prettySerialized), pinnedKey: signer.publicKey)
            XCTAssertTrue(report.isValid, "\(index): \(String(describing: report.failure))")
            XCTAssertEqual(report.passed, ReceiptCheck.allCases)
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
        check(.bundleFormat) { $0["inclusion_proof"] = ["zz"] }
        check(.bundleFormat) { $0["tree_head"] = nil }
        check(.receiptContent) { $0["signed_receipt"] = ["receipt": ["tenant": "x"], "signature": good["signed_receipt"]?["signature"] ?? .null] }
        check(.logKey, pinned: try Ed25519LogSigner().publicKey) { _ in }
        check(.treeHeadSignature) {
            guard case .object(var head) = $0["tree_head"] else { return }
            head["timestamp"] = 5
            $0["tree_head"] = .object(head)
        }
        check(.receiptSignature) {
            var receipt = bundle.signedReceipt.receipt
            receipt.purpose = "marketing"
            $0["signed_receipt"] = SignedReceipt(receipt: receipt, algorithm: .edDSA, keyID: bundle.signedReceipt.keyID,
                                                 signature: bundle.signedReceipt.signature).json
        }
        check(.inclusionProof) { $0["leaf_index"] = 7 }
        check(.inclusionProof) {
            guard case .array(var path) = $0["inclusion_proof"] else { return }
            path.removeLast()
            $0["inclusion_proof"] = .array(path)
        }
        // A receipt signed by the log but from another leaf: signature fine, proof not.
        check(.inclusionProof) { $0["signed_receipt"] = (try? log.bundle(leafIndex: 2, treeHead: head))?.signedReceipt.json }
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
