import Foundation
import PavilionCore
import PavilionCrypto
@testable import PavilionHost
import PavilionPrivacy
import PavilionStore
import PavilionTestSupport
import XCTest

/// Every verification yields a privacy receipt in the store-backed
/// transparency log, covered by a signed tree head within the signing
/// interval; the log routes serve tree heads, receipts with inclusion
/// proofs (version-2 bundles, and version-1 bundles for entries signed on
/// their own before) and consistency proofs; the log survives a restart.
final class PrivacyReceiptAPITests: XCTestCase {
    func testEveryVerificationGetsAReceiptInTheLogAtTheIndexItAnswers() async throws {
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
            // The entry is the receipt itself (version 2): no signature of its own.
            guard case .receipt(let receipt) = try ReceiptLogEntry(bytes: body) else { return XCTFail("not a version-2 entry") }
            XCTAssertEqual(body, receipt.canonicalBytes)
            XCTAssertEqual(receipt.tenant, "acme")
            XCTAssertEqual(receipt.connector, "echo")
            XCTAssertEqual(receipt.purpose, "testing")
            XCTAssertEqual(receipt.lawfulBasis, .legitimateInterests)
            XCTAssertEqual(receipt.releasedClaims, ["echo"])
            XCTAssertEqual(receipt.requestID.count, 36, "the verification id in UUID form")
            let records = try await host.store.auditRecords(tenant: TenantID("acme"), afterSequence: 0, limit: 10)
            XCTAssertEqual(records.first?.entry.artifactDigests["privacy_receipt"], artifact?.digest)

            // The bundle verifies offline under the signed tree head.
            let bundle = try await host.send("GET", "/v1/privacy/log/receipts/0", key: host.acmeKey)
            XCTAssertEqual(bundle.status, 200, bundle.text)
            XCTAssertEqual(bundle.json?["format"], "pavilion-privacy-receipt-bundle/2")
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

    /// Poll the store (not the API: nothing may ask for a head) until a
    /// tree head of `size` is kept, for at most `seconds`.
    private func keptTreeHead(_ host: HostHarness, size: Int64, within seconds: Int = 30) async throws -> SignedTreeHead? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if let kept = try await host.store.privacyTreeHead(treeSize: size) {
                return try SignedTreeHead(json: try JSONParser().parse(kept))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    func testLeavesHandedOverOutOfOrderOrNeverGiveTheStoredLogsTree() async throws {
        let host = try await HostHarness()
        do {
            for _ in 0..<6 {
                let answer = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
                XCTAssertEqual(answer.status, 200, answer.text)
            }
            let entries = try await host.store.privacyLogEntries(from: 0, limit: 100)
            XCTAssertEqual(entries.count, 6)
            var reference = MerkleTree()
            for entry in entries { _ = reference.append(leaf: entry) }
            let hashes = entries.map { MerkleHasher.leafHash($0) }

            // A second view of the same log: leaves 2, 0, 1 arrive out of order, 4 and 5
            // before 3, which never arrives (its verification's task ended first); 1 twice.
            let log = ReceiptLogService(store: host.store, signer: try Ed25519LogSigner())
            for index in [2, 0, 1, 1, 5, 4] { log.committed(index: UInt64(index), leafHash: hashes[index]) }
            log.committed(index: 9, leafHash: [1, 2, 3])  // not a leaf hash: ignored
            let size = try await log.size()
            XCTAssertEqual(size, 6, "the missing leaf is read from the store")
            let root = try await log.rootHash(size: 6)
            XCTAssertEqual(root, reference.rootHash)
            let earlier = try await log.rootHash(size: 3)
            XCTAssertEqual(earlier, try reference.rootHash(treeSize: 3))
            // The serving host's own view, fed by its verifications, is the same tree.
            let head = try await host.send("GET", "/v1/privacy/log/tree-head", key: host.acmeKey)
            XCTAssertEqual(head.json?["tree_size"], 6)
            XCTAssertEqual(head.json?["root_hash"]?.stringValue, Hex.encode(reference.rootHash))
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }

    func testTheReceiptsRequestIDIsTheVerificationIDInUUIDForm() throws {
        XCTAssertEqual(VerificationPipeline.receiptRequestID(try VerificationID("vrf_0123456789abcdef0123456789abcdef")),
                       "01234567-89ab-cdef-0123-456789abcdef")
        // Anything else is passed through (the receipt's content policy judges it).
        XCTAssertEqual(VerificationPipeline.receiptRequestID(try VerificationID("vrf_0123")), "vrf_0123")
        XCTAssertEqual(VerificationPipeline.receiptRequestID(try VerificationID("0123456789abcdef0123456789abcdef")),
                       "01234567-89ab-cdef-0123-456789abcdef")
    }

    func testATreeHeadCoveringANewReceiptIsSignedWithoutAnyRequestAsking() async throws {
        var privacy = PrivacyConfiguration()
        privacy.logSignIntervalMilliseconds = 50
        let host = try await HostHarness(privacy: privacy)
        do {
            let key = host.service.api.privacy?.receipts.publicKey
            for expected in 0..<2 {
                let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
                XCTAssertEqual(r.status, 200, r.text)
                let index = try XCTUnwrap(r.json?["privacy_receipt"]?["log_index"]?.intValue)
                XCTAssertEqual(index, Int64(expected))
                let leafHash = try XCTUnwrap(r.json?["privacy_receipt"]?["leaf_hash"]?.stringValue.flatMap(Hex.decode))
                let found = try await keptTreeHead(host, size: index + 1)
                let head = try XCTUnwrap(found, "no tree head of size \(index + 1) was signed in the background")
                XCTAssertTrue(head.isValidSignature(with: try XCTUnwrap(key)))
                // The kept head covers the receipt: its inclusion proof leads to the signed root.
                let found2 = try await host.service.api.privacy?.receipts.bundle(index: UInt64(index))
                let bundle = try XCTUnwrap(found2)
                XCTAssertEqual(bundle.treeHead, head, "the head kept for this size, not a new one")
                XCTAssertEqual(bundle.entry.leafHash, leafHash)
                XCTAssertTrue(bundle.verify(pinnedKey: try XCTUnwrap(key)).isValid)
            }
            XCTAssertFalse(host.logs.lines.contains { $0.contains("cannot sign") }, host.logs.lines.joined(separator: "\n"))
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }

    func testShutdownSignsATreeHeadForTheLastReceipts() async throws {
        var privacy = PrivacyConfiguration()
        privacy.logSignIntervalMilliseconds = 3_600_000
        let host = try await HostHarness(privacy: privacy)
        do {
            for _ in 0..<3 {
                let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
                XCTAssertEqual(r.status, 200, r.text)
            }
            let before = try await host.store.privacyTreeHead(treeSize: 3)
            XCTAssertNil(before, "nothing asked, and the interval is an hour")
            await host.service.shutdown(gracePeriod: .seconds(2))
            let after = try await host.store.privacyTreeHead(treeSize: 3)
            XCTAssertNotNil(after, "draining signs a head for the receipts logged since the last one")
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }

    func testAnEntrySignedOnItsOwnBeforeIsServedAsAVersionOneBundleThatVerifies() async throws {
        let host = try await HostHarness()
        do {
            let first = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
            XCTAssertEqual(first.status, 200, first.text)
            // An entry as hosts wrote them before version 2, through the store API, signed by this log's key.
            let data = host.root.appendingPathComponent("data").path
            let signer = try PrivacySecret.loadOrCreate(configured: nil, dataDirectory: data).logSigner()
            let old = try SignedReceipt.sign(PrivacyReceipt(requestID: "0190d6a2-5b7c-7c3e-8f1a-2b3c4d5e6f70", tenant: "acme",
                                                            connector: "echo", purpose: "testing", lawfulBasis: .legitimateInterests,
                                                            dataCategories: [], releasedClaims: ["echo"], withheldClaims: [],
                                                            primitives: ["minimisation"], time: 1_767_225_600_000), with: signer)
            let oldIndex = try await host.store.appendPrivacyLogEntry(old.logEntry)
            XCTAssertEqual(oldIndex, 1)
            let second = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
            XCTAssertEqual(second.json?["privacy_receipt"]?["log_index"], 2)

            let v1 = try await host.send("GET", "/v1/privacy/log/receipts/1", key: host.acmeKey)
            XCTAssertEqual(v1.status, 200, v1.text)
            XCTAssertEqual(v1.json?["format"], "pavilion-privacy-receipt-bundle/1")
            let report = ReceiptBundle.verify(json: try XCTUnwrap(v1.json), pinnedKey: signer.publicKey)
            XCTAssertTrue(report.isValid, "\(String(describing: report.failure))")
            XCTAssertEqual(report.passed, ReceiptCheck.allCases)
            let v2 = try await host.send("GET", "/v1/privacy/log/receipts/2", key: host.acmeKey)
            XCTAssertEqual(v2.json?["format"], "pavilion-privacy-receipt-bundle/2")
            let other = try await host.send("GET", "/v1/privacy/log/receipts/1", key: host.otherKey)
            XCTAssertEqual(other.status, 403, other.text)

            // Both check offline with the real binary against the pinned key; an altered old receipt does not.
            let folder = try TestEnvironment.makeTemporaryDirectory("pavilion-receipt-v1")
            defer { try? FileManager.default.removeItem(at: folder) }
            let keyFile = folder.appendingPathComponent("log-key.json")
            try Data(signer.publicKey.json.serialized.utf8).write(to: keyFile)
            for (name, text, status): (String, String, Int32) in [("v1.json", v1.text, 0), ("v2.json", v2.text, 0),
                                         ("altered.json", v1.text.replacingOccurrences(of: "\"purpose\":\"testing\"",
                                                                                      with: "\"purpose\":\"marketing\""), 1)] {
                let file = folder.appendingPathComponent(name)
                try Data(text.utf8).write(to: file)
                let result = try await Self.pavilion(["privacy", "receipt", "verify", file.path, "--key", keyFile.path])
                XCTAssertEqual(result.status, status, "\(name): \(result.stdout)\(result.stderr)")
                if status == 1 { XCTAssertTrue(result.stdout.contains("receipt_signature"), result.stdout) }
            }

            // A restarted engine over the same store rebuilds the same tree, old entry included.
            let head = try await host.send("GET", "/v1/privacy/log/tree-head", key: host.acmeKey)
            let restarted = try PrivacyEngine(configuration: nil, dataDirectory: data, store: host.store)
            let again = try await restarted.receipts.treeHead()
            XCTAssertEqual(Hex.encode(again.rootHash), head.json?["root_hash"]?.stringValue)
            for index: UInt64 in 0...2 {
                let bundle = try await restarted.receipts.bundle(index: index)
                XCTAssertTrue(try XCTUnwrap(bundle).verify(pinnedKey: signer.publicKey).isValid, "\(index)")
            }
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }

    /// Run the real binary off the cooperative pool.
    private static func pavilion(_ words: [String]) async throws -> TestEnvironment.ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try TestEnvironment.pavilion(words) }) }
        }
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
