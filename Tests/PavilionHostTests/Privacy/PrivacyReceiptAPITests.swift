import Foundation
import PavilionCore
import PavilionCrypto
@testable import PavilionHost
import PavilionPrivacy
import PavilionStore
import PavilionTestSupport
import XCTest

/// Every verification yields a signed privacy receipt in the store-backed
/// transparency log; the log routes serve tree heads, receipts with
/// inclusion proofs and consistency proofs; the log survives a restart.
final class PrivacyReceiptAPITests: XCTestCase {
    func testEveryVerificationGetsASignedReceiptInTheLog() async throws {
        let host = try await HostHarness()
        do {
            let first = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
            XCTAssertEqual(first.status, 200, first.text)
            XCTAssertEqual(first.json?["privacy_receipt"]?["log_index"], 0)
            let leafHash = try XCTUnwrap(first.json?["privacy_receipt"]?["leaf_hash"]?.stringValue)
            let id = try VerificationID(try XCTUnwrap(first.json?["id"]?.stringValue))

            // The receipt is the verification's privacy_receipt artifact, in the audit record's digests.
            let artifact = try await host.store.artifact("privacy_receipt", of: id, tenant: TenantID("acme"))
            let body = try XCTUnwrap(artifact?.body)
            XCTAssertEqual(Hex.encode(MerkleHasher.leafHash(body)), leafHash)
            let signed = try SignedReceipt(json: try JSONParser().parse(bytes: body))
            XCTAssertEqual(signed.receipt.tenant, "acme")
            XCTAssertEqual(signed.receipt.connector, "echo")
            XCTAssertEqual(signed.receipt.purpose, "testing")
            XCTAssertEqual(signed.receipt.lawfulBasis, .legitimateInterests)
            XCTAssertEqual(signed.receipt.releasedClaims, ["echo"])
            XCTAssertEqual(signed.receipt.requestID.count, 36, "the verification id in UUID form")
            let records = try await host.store.auditRecords(tenant: TenantID("acme"), afterSequence: 0, limit: 10)
            XCTAssertEqual(records.first?.entry.artifactDigests["privacy_receipt"], artifact?.digest)

            // The bundle verifies offline under the signed tree head.
            let bundle = try await host.send("GET", "/v1/privacy/log/receipts/0", key: host.acmeKey)
            XCTAssertEqual(bundle.status, 200, bundle.text)
            let head = try await host.send("GET", "/v1/privacy/log/tree-head", key: host.acmeKey)
            XCTAssertEqual(head.status, 200, head.text)
            XCTAssertEqual(head.json?["tree_size"], 1)
            let pinned = try LogPublicKey(json: try XCTUnwrap(bundle.json?["log_public_key"]))
            let report = ReceiptBundle.verify(json: try XCTUnwrap(bundle.json), pinnedKey: pinned)
            XCTAssertTrue(report.isValid, "\(String(describing: report.failure))")
            XCTAssertTrue(try SignedTreeHead(json: try XCTUnwrap(head.json)).isValidSignature(with: pinned))

            // Another tenant cannot read acme's receipt; unknown indices are 404.
            let other = try await host.send("GET", "/v1/privacy/log/receipts/0", key: host.otherKey)
            XCTAssertEqual(other.status, 403, other.text)
            let missing = try await host.send("GET", "/v1/privacy/log/receipts/7", key: host.acmeKey)
            XCTAssertEqual(missing.status, 404, missing.text)
            XCTAssertEqual(missing.json?["code"], "receipt_not_found")
            let bad = try await host.send("GET", "/v1/privacy/log/receipts/x1", key: host.acmeKey)
            XCTAssertEqual(bad.status, 404, bad.text)
            let anonymous = try await host.send("GET", "/v1/privacy/log/tree-head")
            XCTAssertEqual(anonymous.status, 401, anonymous.text)

            // More receipts; the consistency proof links the two heads.
            for _ in 0..<2 {
                let r = try await host.send("POST", "/v1/verifications", key: host.otherKey, body: HostHarness.echoBody())
                XCTAssertEqual(r.status, 200, r.text)
            }
            let later = try await host.send("GET", "/v1/privacy/log/tree-head", key: host.adminKey)
            XCTAssertEqual(later.json?["tree_size"], 3)
            let proof = try await host.send("GET", "/v1/privacy/log/consistency?first=1&second=3", key: host.acmeKey)
            XCTAssertEqual(proof.status, 200, proof.text)
            let path = try XCTUnwrap(proof.json?["proof"]?.arrayValue).compactMap { $0.stringValue.flatMap(Hex.decode) }
            let firstRoot = try XCTUnwrap(head.json?["root_hash"]?.stringValue.flatMap(Hex.decode))
            let secondRoot = try XCTUnwrap(later.json?["root_hash"]?.stringValue.flatMap(Hex.decode))
            XCTAssertTrue(ConsistencyProof(firstSize: 1, secondSize: 3, path: path).isValid(firstRoot: firstRoot, secondRoot: secondRoot))
            for query in ["first=0&second=3", "first=2&second=9", "first=3", "first=a&second=3", "first=1&second=3&x=1"] {
                let r = try await host.send("GET", "/v1/privacy/log/consistency?\(query)", key: host.acmeKey)
                XCTAssertEqual(r.status, 400, "\(query): \(r.text)")
            }
            let wrongMethod = try await host.send("POST", "/v1/privacy/log/tree-head", key: host.acmeKey, body: "{}")
            XCTAssertEqual(wrongMethod.status, 405, wrongMethod.text)
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }

    func testTheLogSurvivesARestartWithTheSameKeyAndRoot() async throws {
        let host = try await HostHarness()
        do {
            for _ in 0..<3 {
                let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
                XCTAssertEqual(r.status, 200, r.text)
            }
            let head = try await host.send("GET", "/v1/privacy/log/tree-head", key: host.acmeKey)
            let data = host.root.appendingPathComponent("data").path
            // A second engine over the same store and secret: what a restarted host builds.
            let restarted = try PrivacyEngine(configuration: nil, dataDirectory: data, store: host.store)
            let again = try await restarted.receipts.treeHead()
            XCTAssertEqual(again.treeSize, 3)
            XCTAssertEqual(Hex.encode(again.rootHash), head.json?["root_hash"]?.stringValue)
            XCTAssertEqual(again.keyID, head.json?["signature"]?["kid"]?.stringValue)
            let bundle = try await restarted.receipts.bundle(index: 2)
            XCTAssertTrue(try XCTUnwrap(bundle).verify(pinnedKey: restarted.receipts.publicKey).isValid)

            // After a log key change the same tree is signed afresh by the new key.
            let newKey = try Ed25519LogSigner()
            let rekeyed = try PrivacyEngine(configuration: nil, dataDirectory: data, store: host.store, logSigner: newKey)
            let newHead = try await rekeyed.receipts.treeHead()
            XCTAssertEqual(newHead.treeSize, 3)
            XCTAssertEqual(newHead.rootHash, again.rootHash)
            XCTAssertEqual(newHead.keyID, newKey.publicKey.keyID)
            XCTAssertTrue(newHead.isValidSignature(with: newKey.publicKey))
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }
}
