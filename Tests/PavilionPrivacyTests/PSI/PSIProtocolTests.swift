import Foundation
import PavilionCrypto
import PavilionTestSupport
import Synchronization
import XCTest
@testable import PavilionPrivacy

/// PSI and PSI-cardinality end to end in one process: exact answers on
/// random sets of many sizes, the RFC 9497 link, the cache, bad set files.
final class PSIProtocolTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory("psi")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func writeSet(_ name: String, _ elements: [String]) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data((elements.map { $0 + "\n" }.joined()).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func server(_ elements: [String], mode: PSIMode, name: String = UUID().uuidString) throws -> PSIServer {
        let path = try writeSet(name, elements)
        return PSIServer(set: try PSIServerSet.prepare(setPath: path, mode: mode, workers: 2))
    }

    private func intersection(_ client: [String], _ server: PSIServer) async throws -> Set<String> {
        let indices = try await PSIClient.intersection(elements: client.map { Array($0.utf8) },
                                                       transport: PSILocalTransport(server: server), workers: 2)
        return Set(indices.map { client[$0] })
    }

    /// Random sets: each pair shares `common` elements, plus its own.
    private func randomSets(client: Int, server: Int, common: Int) -> ([String], [String]) {
        let shared = (0..<common).map { "shared-\($0)-\(UInt64.random(in: 0...UInt64.max))" }
        let mine = shared + (0..<(client - common)).map { "client-\($0)-\(UInt64.random(in: 0...UInt64.max))@example.org" }
        let theirs = shared + (0..<(server - common)).map { "server-\($0)-\(UInt64.random(in: 0...UInt64.max))" }
        return (mine.shuffled(), theirs.shuffled())
    }

    func testIntersectionIsExactOnRandomSetsOfManySizes() async throws {
        let cases: [(client: Int, server: Int, common: Int)] = [
            (0, 0, 0), (0, 5, 0), (5, 0, 0), (1, 1, 1), (1, 1, 0), (1, 50, 1), (50, 1, 1),
            (40, 40, 0),      // disjoint
            (40, 40, 40),     // identical
            (25, 100, 25),    // client ⊂ server
            (100, 25, 25),    // server ⊂ client
            (3000, 2000, 700) // thousands
        ]
        for (client, server, common) in cases {
            let (mine, theirs) = randomSets(client: client, server: server, common: common)
            let psi = try self.server(theirs, mode: .intersection)
            let expected = Set(mine).intersection(theirs)
            let got = try await intersection(mine, psi)
            XCTAssertEqual(got, expected, "client \(client), server \(server), common \(common)")
            XCTAssertEqual(psi.set.count, Set(theirs).count)
        }
    }

    func testIntersectionHandlesUnicodeAndDuplicates() async throws {
        let theirs = ["zoë@example.org", "+44 20 7946 0958", "東京", "東京", "a\tb"]
        let mine = ["東京", "zoe@example.org", "+44 20 7946 0958", "東京", "a\tb", "a b"]
        let psi = try server(theirs, mode: .intersection)
        XCTAssertEqual(psi.set.count, 4)
        let indices = try await PSIClient.intersection(elements: mine.map { Array($0.utf8) }, transport: PSILocalTransport(server: psi))
        XCTAssertEqual(indices, [0, 2, 4], "each element once, at its first index")
    }

    func testServerDigestsAreTruncatedRFC9497Outputs() throws {
        let psi = try server(["alice", "bob"], mode: .intersection)
        let oprf = try OPRFServer(privateKey: psi.set.key)
        let expected = try ["alice", "bob"].map { PSIDigest(prefixOf: try oprf.evaluate(Array($0.utf8))) }.sorted()
        XCTAssertEqual(try PSIDigest.decodeAll(try psi.page(offset: 0, count: 10)), expected)
    }

    func testFastHashToCurveMatchesTheReferenceMap() throws {
        let worker = try PSIWorker()
        let dst = Array("HashToGroup-".utf8) + worker.context.contextString
        for i in 0..<64 {
            let input = Array("element-\(i)-\(UInt32.random(in: 0...UInt32.max))".utf8)
            XCTAssertEqual(try worker.hashToGroup(input), try HashToCurveSuite.p256SHA256.hashToCurve(input, dst: dst))
        }
    }

    func testCardinalityReturnsTheSizeOnly() async throws {
        for (client, server, common) in [(0, 10, 0), (1, 1, 1), (30, 30, 0), (30, 30, 30), (500, 800, 123)] {
            let (mine, theirs) = randomSets(client: client, server: server, common: common)
            let psi = try self.server(theirs, mode: .cardinality)
            let count = try await PSIClient.cardinality(elements: mine.map { Array($0.utf8) }, transport: PSILocalTransport(server: psi), workers: 2)
            XCTAssertEqual(count, common)
        }
    }

    func testCardinalityServerRefusesPerElementAnswers() async throws {
        let psi = try server(["a", "b", "c"], mode: .cardinality)
        let worker = try PSIWorker()
        var point: [UInt8] = []
        try worker.encodePoint(try worker.hashToGroup(Array("a".utf8)), to: &point)
        XCTAssertThrowsError(try psi.evaluate(point)) { XCTAssertEqual(($0 as? PSIError)?.code, .refused) }
        // The client may not ask an intersection server for cardinality, nor the reverse.
        do {
            _ = try await PSIClient.intersection(elements: [Array("a".utf8)], transport: PSILocalTransport(server: psi))
            XCTFail("an intersection query to a cardinality server was answered")
        } catch { XCTAssertEqual(error.code, .protocolMismatch) }
    }

    func testCardinalitySessionDigestsAreSortedNotInRequestOrder() throws {
        let psi = try server(["x"], mode: .cardinality)
        let worker = try PSIWorker()
        var body: [UInt8] = []
        for i in 0..<64 { try worker.encodePoint(try worker.hashToGroup(Array("e\(i)".utf8)), to: &body) }
        let session = try psi.openSession()
        try psi.addToSession(session, body)
        let digests = try PSIDigest.decodeAll(try psi.finishSession(session))
        XCTAssertEqual(digests.count, 64)
        XCTAssertEqual(digests, digests.sorted())
        XCTAssertThrowsError(try psi.finishSession(session), "a finished session is gone") {
            XCTAssertEqual(($0 as? PSIError)?.code, .malformedMessage)
        }
    }

    func testAnIdleSessionIsDroppedAndFreesItsPlace() throws {
        let clock = Mutex(ContinuousClock.now)
        let psi = PSIServer(set: try PSIServerSet.prepare(setPath: try writeSet("idle.txt", ["x"]), mode: .cardinality, workers: 2),
                            maxSessions: 2, sessionIdleTimeout: .seconds(60), now: { clock.withLock { $0 } })
        let worker = try PSIWorker()
        var point: [UInt8] = []
        try worker.encodePoint(try worker.hashToGroup(Array("e".utf8)), to: &point)
        let abandoned = try psi.openSession()
        let used = try psi.openSession()
        XCTAssertThrowsError(try psi.openSession(), "two are open") { XCTAssertEqual(($0 as? PSIError)?.code, .refused) }
        clock.withLock { $0 += .seconds(45) }
        try psi.addToSession(used, point)                  // use keeps it open
        clock.withLock { $0 += .seconds(30) }              // 75 s idle for the abandoned one, 30 s for the used one
        XCTAssertEqual(psi.openSessions, [used])
        let third = try psi.openSession()                  // the abandoned one's place
        XCTAssertThrowsError(try psi.addToSession(abandoned, point)) { XCTAssertEqual(($0 as? PSIError)?.code, .malformedMessage) }
        XCTAssertThrowsError(try psi.finishSession(abandoned)) { XCTAssertEqual(($0 as? PSIError)?.code, .malformedMessage) }
        XCTAssertEqual(try PSIDigest.decodeAll(try psi.finishSession(used)).count, 1)
        clock.withLock { $0 += .seconds(61) }
        XCTAssertThrowsError(try psi.finishSession(third), "idle past the timeout") {
            XCTAssertEqual(($0 as? PSIError)?.code, .malformedMessage)
        }
        XCTAssertEqual(psi.openSessions, [])
    }

    func testCacheIsReusedAndRebuiltWhenTheSetChanges() throws {
        let path = try writeSet("dp.txt", ["a", "b", "c"])
        let first = try PSIServerSet.prepare(setPath: path, mode: .intersection)
        XCTAssertFalse(first.reusedCache)
        let second = try PSIServerSet.prepare(setPath: path, mode: .intersection)
        XCTAssertTrue(second.reusedCache)
        XCTAssertEqual(second.publicKey, first.publicKey, "the key persists")
        XCTAssertEqual(try second.page(offset: 0, count: 3), try first.page(offset: 0, count: 3))
        let keyAttributes = try FileManager.default.attributesOfItem(atPath: path + ".psi-cache/key")
        XCTAssertEqual((keyAttributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        _ = try writeSet("dp.txt", ["a", "b", "c", "d"])
        let third = try PSIServerSet.prepare(setPath: path, mode: .intersection)
        XCTAssertFalse(third.reusedCache)
        XCTAssertEqual(third.count, 4)
        // A corrupt cache file is rebuilt, not trusted.
        let digests = path + ".psi-cache/digests"
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: digests))
        try handle.truncate(atOffset: 70)
        try handle.close()
        let fourth = try PSIServerSet.prepare(setPath: path, mode: .intersection)
        XCTAssertFalse(fourth.reusedCache)
        XCTAssertEqual(fourth.count, 4)
    }

    func testBadSetFilesAreRefusedWithTheirLine() throws {
        XCTAssertThrowsError(try PSIServerSet.prepare(setPath: directory.appendingPathComponent("missing.txt").path, mode: .intersection)) {
            XCTAssertEqual(($0 as? PSIError)?.code, .invalidSet)
        }
        let cases: [(String, Data)] = [
            ("empty-line", Data("a\n\nb\n".utf8)),
            ("bad-utf8", Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A])),
            ("too-long", Data(String(repeating: "x", count: 70_000).utf8)),
        ]
        for (name, bytes) in cases {
            let path = directory.appendingPathComponent(name).path
            try bytes.write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try PSISetReader(path: path).readAll(), name) { error in
                XCTAssertEqual((error as? PSIError)?.code, .invalidSet)
                XCTAssertTrue("\(error)".contains("\(path):"), "\(error)")
            }
        }
        let crlf = directory.appendingPathComponent("crlf").path
        try Data("a\r\nb".utf8).write(to: URL(fileURLWithPath: crlf))
        XCTAssertEqual(try PSISetReader(path: crlf).readAll(), [Array("a".utf8), Array("b".utf8)])
    }

    func testEvaluationBudgetIsEnforced() async throws {
        let set = try PSIServerSet.prepare(setPath: try writeSet("small.txt", ["a"]), mode: .intersection)
        let psi = PSIServer(set: set, maxEvaluations: 3)
        let elements = ["a", "b", "c", "d"].map { Array($0.utf8) }
        do {
            _ = try await PSIClient.intersection(elements: elements, transport: PSILocalTransport(server: psi))
            XCTFail("four evaluations passed a budget of three")
        } catch { XCTAssertEqual(error.code, .refused) }
        let found = try await PSIClient.intersection(elements: Array(elements.prefix(3)), transport: PSILocalTransport(server: PSIServer(set: set, maxEvaluations: 3)))
        XCTAssertEqual(found, [0])
    }
}
