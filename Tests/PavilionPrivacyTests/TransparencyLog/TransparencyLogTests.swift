import Foundation
import PavilionCrypto
import PavilionPrivacy
import PavilionTestSupport
import XCTest

final class TransparencyLogTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory("pavilion-tlog")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private var path: String { directory.appendingPathComponent("receipts.tlog").path }

    func testInMemoryLogMatchesTheRFC6962Tree() throws {
        let vectors = try MerkleVectors.tree()
        let log = TransparencyLog()
        // The 8-leaf tree's first leaf is empty; the log refuses empty entries, so
        // compare from the second leaf on against the tree built the same way.
        XCTAssertThrowsError(try log.append([])) { XCTAssertEqual(($0 as? TransparencyLogError)?.code, .entrySize) }
        var tree = MerkleTree()
        for leaf in vectors.leaves.dropFirst() {
            let index = try log.append(leaf)
            XCTAssertEqual(index, tree.append(leaf: leaf))
            XCTAssertEqual(log.rootHash, tree.rootHash)
        }
        XCTAssertEqual(log.entry(at: 0), vectors.leaves[1])
        XCTAssertNil(log.entry(at: 7))
    }

    func testFileBackedLogSurvivesReopenWithTheSameRootAndProofs() throws {
        let rootAfterFive: [UInt8]
        do {
            let log = try TransparencyLog(path: path)
            try log.append(contentsOf: (0..<5).map { Array("receipt \($0)".utf8) })
            rootAfterFive = log.rootHash
            try log.append(Array("receipt 5".utf8))
        }
        let reopened = try TransparencyLog(path: path)
        XCTAssertEqual(reopened.size, 6)
        XCTAssertEqual(try reopened.rootHash(treeSize: 5), rootAfterFive)
        XCTAssertEqual(reopened.entry(at: 5), Array("receipt 5".utf8))
        let proof = try reopened.consistencyProof(firstSize: 5, secondSize: 6)
        XCTAssertNoThrow(try proof.verify(firstRoot: rootAfterFive, secondRoot: reopened.rootHash))
        let inclusion = try reopened.inclusionProof(leafIndex: 3, treeSize: 6)
        XCTAssertTrue(inclusion.isValid(leafHash: MerkleHasher.leafHash(Array("receipt 3".utf8)), rootHash: reopened.rootHash))
    }

    func testTornTailRecordIsCutOffOnOpen() throws {
        do {
            let log = try TransparencyLog(path: path)
            try log.append(contentsOf: [Array("one".utf8), Array("two".utf8)])
        }
        // A crash in the middle of an append: a length and half the entry.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0, 0, 0, 10, 0x41, 0x42]))
        try handle.close()
        let healthy = try Data(contentsOf: URL(fileURLWithPath: path)).count - 6

        let log = try TransparencyLog(path: path)
        XCTAssertEqual(log.size, 2)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)).count, healthy)
        try log.append(Array("three".utf8))
        XCTAssertEqual(try TransparencyLog(path: path).entry(at: 2), Array("three".utf8))
    }

    func testFileThatIsNotALogIsRefused() throws {
        try Data("not a log".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try TransparencyLog(path: path)) { XCTAssertEqual(($0 as? TransparencyLogError)?.code, .corrupt) }
        XCTAssertThrowsError(try TransparencyLog(path: directory.appendingPathComponent("missing/dir/log").path)) {
            XCTAssertEqual(($0 as? TransparencyLogError)?.code, .io)
        }
    }

    func testRecordWithImpossibleLengthIsCorruption() throws {
        var bytes = Array("PVTLOG1\n".utf8)
        bytes += [0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try TransparencyLog(path: path)) { XCTAssertEqual(($0 as? TransparencyLogError)?.code, .corrupt) }
    }

    func testConcurrentAppendsAllLandAndTheTreeStaysConsistent() throws {
        let log = TransparencyLog()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for i in 0..<250 { _ = try? log.append(Array("w\(worker) e\(i)".utf8)) }
        }
        XCTAssertEqual(log.size, 2000)
        var tree = MerkleTree()
        for index in 0..<log.size { tree.append(leaf: try XCTUnwrap(log.entry(at: index))) }
        XCTAssertEqual(tree.rootHash, log.rootHash)
    }

    func testSignedTreeHeadVerifiesOnlyUnderItsKeyAndContent() throws {
        let signer = try Ed25519LogSigner()
        let other = try Ed25519LogSigner()
        let log = TransparencyLog()
        try log.append(contentsOf: [Array("a".utf8), Array("b".utf8), Array("c".utf8)])
        let head = try log.signTreeHead(with: signer, timestamp: 1_767_225_600_000)
        XCTAssertEqual(head.treeSize, 3)
        XCTAssertEqual(head.rootHash, log.rootHash)
        XCTAssertEqual(head.signingInput.count, 51)
        XCTAssertTrue(head.isValidSignature(with: signer.publicKey))
        XCTAssertFalse(head.isValidSignature(with: other.publicKey))

        let roundTripped = try SignedTreeHead(json: head.json)
        XCTAssertEqual(roundTripped, head)
        for tampered in [
            SignedTreeHead(treeSize: 4, timestamp: head.timestamp, rootHash: head.rootHash, algorithm: .edDSA, keyID: head.keyID, signature: head.signature),
            SignedTreeHead(treeSize: 3, timestamp: head.timestamp + 1, rootHash: head.rootHash, algorithm: .edDSA, keyID: head.keyID, signature: head.signature),
            SignedTreeHead(treeSize: 3, timestamp: head.timestamp, rootHash: MerkleHasher.emptyTreeRoot, algorithm: .edDSA, keyID: head.keyID, signature: head.signature),
        ] {
            XCTAssertFalse(tampered.isValidSignature(with: signer.publicKey))
        }
    }

    func testTreeHeadSigningInputIsTheTLSEncodedTreeHeadDataV2() {
        let input = SignedTreeHead.signingInput(treeSize: 0x0102, timestamp: 0x0A0B, rootHash: [UInt8](repeating: 0xAA, count: 32))
        XCTAssertEqual(Hex.encode(input), "0000000000000a0b" + "0000000000000102" + "20" + String(repeating: "aa", count: 32) + "0000")
    }

    func testES256KeysVerifyTreeHeadsToo() throws {
        let key = try ECPrivateKey(curve: .p256)
        struct ES256Signer: LogSigner {
            let key: ECPrivateKey
            var publicKey: LogPublicKey { get { (try? LogPublicKey(algorithm: .es256, rawRepresentation: key.publicKey.rawRepresentation))! } }
            func sign(_ message: [UInt8]) throws(LogSigningError) -> [UInt8] {
                do { return try key.signature(for: message).rawRepresentation } catch { throw LogSigningError("\(error)") }
            }
        }
        let signer = ES256Signer(key: key)
        let head = try SignedTreeHead.sign(treeSize: 1, timestamp: 2, rootHash: MerkleHasher.leafHash([1]), with: signer)
        XCTAssertEqual(head.algorithm, .es256)
        XCTAssertTrue(head.isValidSignature(with: signer.publicKey))
        XCTAssertFalse(head.isValidSignature(with: try Ed25519LogSigner().publicKey))
    }

    func testMalformedTreeHeadJSONIsRefusedNamingTheMember() throws {
        let head = try SignedTreeHead.sign(treeSize: 1, timestamp: 2, rootHash: MerkleHasher.leafHash([1]), with: try Ed25519LogSigner())
        guard case .object(var object) = head.json else { return XCTFail() }
        object["root_hash"] = "abcd"
        XCTAssertThrowsError(try SignedTreeHead(json: .object(object))) { XCTAssertEqual(($0 as? BundleFormatError)?.member, "tree_head.root_hash") }
        object["root_hash"] = head.json["root_hash"]
        object["extra"] = 1
        XCTAssertThrowsError(try SignedTreeHead(json: .object(object))) { XCTAssertEqual(($0 as? BundleFormatError)?.member, "tree_head") }
        object["extra"] = nil
        object["tree_size"] = -1
        XCTAssertThrowsError(try SignedTreeHead(json: .object(object))) { XCTAssertEqual(($0 as? BundleFormatError)?.member, "tree_head.tree_size") }
    }
}
