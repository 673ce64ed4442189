import Foundation
import PavilionTestSupport
import XCTest
@testable import PavilionPrivacy

/// The streaming client over set files: exact answers against a plain `Set`
/// computation with chunks small enough to force many spilled runs,
/// duplicates, the temporary directory (private, removed on success and on
/// failure), bad and changing set files.
final class PSIStreamingClientTests: XCTestCase {
    private var directory: URL!
    /// The parent of the client's run directories; empty after every query.
    private var spillParent: String!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory("psi-stream")
        spillParent = directory.appendingPathComponent("spill").path
        try FileManager.default.createDirectory(atPath: spillParent, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func writeSet(_ elements: [String], name: String = UUID().uuidString) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data((elements.map { $0 + "\n" }.joined()).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func server(_ elements: [String], mode: PSIMode) throws -> PSIServer {
        PSIServer(set: try PSIServerSet.prepare(setPath: try writeSet(elements), mode: mode, workers: 2))
    }

    private func options(chunk: Int) -> PSIStreamingOptions {
        PSIStreamingOptions(chunkElements: chunk, temporaryDirectory: spillParent)
    }

    /// The streaming intersection: (index, element) pairs in the order emitted.
    private func intersection(_ setPath: String, _ transport: some PSITransport, chunk: Int) async throws -> [(Int, String)] {
        var found: [(Int, String)] = []
        let count = try await PSIClient.intersection(setPath: setPath, transport: transport, options: options(chunk: chunk), workers: 2) {
            index, element throws(PSIError) in found.append((index, String(decoding: element, as: UTF8.self)))
        }
        XCTAssertEqual(count, found.count)
        return found
    }

    /// What a plain computation says: each common element once, at its first index, in file order.
    private func expected(_ mine: [String], _ theirs: [String]) -> [(Int, String)] {
        let theirSet = Set(theirs)
        var seen: Set<String> = []
        return mine.enumerated().filter { theirSet.contains($0.element) && seen.insert($0.element).inserted }.map { ($0.offset, $0.element) }
    }

    private func randomSets(client: Int, server: Int, common: Int) -> ([String], [String]) {
        let shared = (0..<common).map { "shared-\($0)-\(UInt64.random(in: 0...UInt64.max))" }
        let mine = shared + (0..<(client - common)).map { "client-\($0)-\(UInt64.random(in: 0...UInt64.max))" }
        let theirs = shared + (0..<(server - common)).map { "server-\($0)-\(UInt64.random(in: 0...UInt64.max))" }
        return (mine.shuffled(), theirs.shuffled())
    }

    private func assertSpillRemoved(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: spillParent), [], "run directory left behind", file: file, line: line)
    }

    func testIntersectionIsExactWithManySpilledRuns() async throws {
        let cases: [(client: Int, server: Int, common: Int, chunk: Int)] = [
            (10_000, 6_000, 2_500, 1_000),  // ten runs
            (2_500, 2_500, 0, 333),         // disjoint: empty intersection over eight runs
            (3_000, 3_000, 3_000, 1_000),   // all common
            (1_001, 10, 10, 1_000),         // one full run and a run of one
            (500, 700, 200, 1_000_000),     // one chunk, never spilled
            (0, 50, 0, 10),                 // empty client set
            (30, 0, 0, 7),                  // empty server set
        ]
        for (client, server, common, chunk) in cases {
            let (mine, theirs) = randomSets(client: client, server: server, common: common)
            let psi = try self.server(theirs, mode: .intersection)
            let got = try await intersection(try writeSet(mine), PSILocalTransport(server: psi), chunk: chunk)
            let want = expected(mine, theirs)
            XCTAssertEqual(got.map(\.0), want.map(\.0), "client \(client), server \(server), common \(common), chunk \(chunk)")
            XCTAssertEqual(got.map(\.1), want.map(\.1))
            XCTAssertEqual(got.count, common)
            try assertSpillRemoved()
        }
    }

    func testIntersectionAgreesWithTheInMemoryClient() async throws {
        let (mine, theirs) = randomSets(client: 1_500, server: 1_200, common: 400)
        let psi = try server(theirs, mode: .intersection)
        let streamed = try await intersection(try writeSet(mine), PSILocalTransport(server: psi), chunk: 128)
        let inMemory = try await PSIClient.intersection(elements: mine.map { Array($0.utf8) }, transport: PSILocalTransport(server: psi), workers: 2)
        XCTAssertEqual(streamed.map(\.0), inMemory)
    }

    func testDuplicatesAcrossRunsAreReportedOnceAtTheirFirstLine() async throws {
        let theirs = ["a", "b", "c", "東京"]
        // "a" repeats inside a chunk and across chunks; "x" repeats but is not common.
        let mine = ["x", "a", "a", "x", "東京", "b", "a", "x", "東京", "z", "b", "a"]
        let psi = try server(theirs, mode: .intersection)
        let got = try await intersection(try writeSet(mine), PSILocalTransport(server: psi), chunk: 3)
        XCTAssertEqual(got.map(\.0), [1, 4, 5])
        XCTAssertEqual(got.map(\.1), ["a", "東京", "b"])
        try assertSpillRemoved()
    }

    func testCardinalityIsExactWithManySpilledRuns() async throws {
        for (client, server, common, chunk) in [(4_000, 5_000, 1_234, 700), (300, 300, 0, 64), (800, 800, 800, 100), (0, 40, 0, 8),
                                                (250, 600, 90, 1_000_000)] {
            var (mine, theirs) = randomSets(client: client, server: server, common: common)
            mine += mine.prefix(50)  // duplicates count once
            let psi = try self.server(theirs, mode: .cardinality)
            let count = try await PSIClient.cardinality(setPath: try writeSet(mine.shuffled()), transport: PSILocalTransport(server: psi),
                                                        options: options(chunk: chunk), workers: 2)
            XCTAssertEqual(count, Set(mine).intersection(theirs).count, "client \(client), server \(server), chunk \(chunk)")
            try assertSpillRemoved()
        }
    }

    func testRunDirectoryIsPrivateWhileInUseAndRemovedAfterAServerError() async throws {
        let (mine, theirs) = randomSets(client: 600, server: 300, common: 100)
        let psi = try server(theirs, mode: .intersection)
        let parent = spillParent!
        let seen = LockedBox<[String]>([])
        let failing = HookedTransport(base: PSILocalTransport(server: psi)) { () throws(PSIError) in
            // By the first page every run is on disk, in one private directory.
            let names = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
            var report = names
            for name in names {
                let attributes = try? FileManager.default.attributesOfItem(atPath: parent + "/" + name)
                report.append(String((attributes?[.posixPermissions] as? Int) ?? -1, radix: 8))
                report.append(String(((try? FileManager.default.contentsOfDirectory(atPath: parent + "/" + name)) ?? []).count))
            }
            seen.set(report)
            throw PSIError(.transport, "the server went away")
        }
        do {
            _ = try await intersection(try writeSet(mine), failing, chunk: 100)
            XCTFail("a failing server gave an answer")
        } catch let error as PSIError {
            XCTAssertEqual(error.code, .transport)
        }
        let report = seen.get()
        XCTAssertEqual(report.count, 3, "\(report)")
        XCTAssertTrue(report.first?.hasPrefix("pavilion-psi-") ?? false, "\(report)")
        XCTAssertEqual(report.dropFirst().first, "700")
        XCTAssertEqual(report.last, "6", "600 elements in chunks of 100")
        try assertSpillRemoved()
    }

    func testBadSetFileGivesItsLineAndLeavesNothingBehind() async throws {
        let psi = try server(["a"], mode: .intersection)
        var lines = (0..<2_000).map { "element-\($0)" }
        lines[1_499] = ""
        let path = try writeSet(lines, name: "bad.txt")
        do {
            _ = try await intersection(path, PSILocalTransport(server: psi), chunk: 100)
            XCTFail("an empty line was accepted")
        } catch let error as PSIError {
            XCTAssertEqual(error.code, .invalidSet)
            XCTAssertTrue(error.reason.hasPrefix("\(path):1500:"), error.reason)
        }
        do {
            _ = try await intersection(directory.appendingPathComponent("missing.txt").path, PSILocalTransport(server: psi), chunk: 100)
            XCTFail("a missing file was accepted")
        } catch let error as PSIError {
            XCTAssertEqual(error.code, .invalidSet)
        }
        try assertSpillRemoved()
    }

    func testSetFileChangedBetweenThePassesIsRefused() async throws {
        let theirs = (0..<100).map { "id-\($0)" }
        let psi = try server(theirs, mode: .intersection)
        let path = try writeSet((50..<150).map { "id-\($0)" }, name: "changing.txt")
        let changing = HookedTransport(base: PSILocalTransport(server: psi)) { () throws(PSIError) in
            guard let handle = FileHandle(forWritingAtPath: path) else { throw PSIError(.invalidSet, "cannot open") }
            handle.seekToEndOfFile()
            handle.write(Data("id-7\n".utf8))
            handle.closeFile()
        }
        do {
            _ = try await intersection(path, changing, chunk: 30)
            XCTFail("a changed file was accepted")
        } catch let error as PSIError {
            XCTAssertEqual(error.code, .invalidSet)
            XCTAssertTrue(error.reason.contains("changed"), error.reason)
        }
        try assertSpillRemoved()
    }

    func testRunFilesReadBackInAnyBlockSizeAndRefuseATruncatedRecord() throws {
        let records = (0..<1_000).map { i in
            PSIClient.Indexed(digest: PSIDigest(prefixOf: (0..<12).map { _ in UInt8.random(in: 0...255) }), index: i * 7 + Int.random(in: 0...6))
        }.sorted()
        let path = spillParent + "/run"
        try PSIRunFile.write(records, to: path)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, 1_000 * PSIRunFile.recordLength)
        for blockRecords in [1, 3, 999, 1_000, 65_536] {
            let reader = try PSIRunFile.Reader(path: path, blockRecords: blockRecords)
            var back: [PSIClient.Indexed] = []
            while let record = try reader.next() { back.append(record) }
            XCTAssertEqual(back, records, "blocks of \(blockRecords)")
        }
        // The merge's read blocks shrink as runs multiply, within bounds.
        XCTAssertEqual(PSIRunFile.readBlockRecords(runs: 1), 65_536)
        XCTAssertEqual(PSIRunFile.readBlockRecords(runs: 32), 32_768)
        XCTAssertEqual(PSIRunFile.readBlockRecords(runs: 100_000), 1_024)
        // A run cut inside a record is refused.
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(10 * PSIRunFile.recordLength + 5))
        try handle.close()
        let reader = try PSIRunFile.Reader(path: path, blockRecords: 4)
        XCTAssertThrowsError(try { while try reader.next() != nil {} }()) { XCTAssertEqual(($0 as? PSIError)?.code, .cacheIO) }
        try FileManager.default.removeItem(atPath: path)
    }

    func testRunDirectoryParentMustExist() async throws {
        let psi = try server(["a"], mode: .intersection)
        let options = PSIStreamingOptions(chunkElements: 0, temporaryDirectory: directory.appendingPathComponent("nope").path)
        XCTAssertEqual(options.chunkElements, 1, "a chunk below one counts as one")
        do {
            _ = try await PSIClient.intersection(setPath: try writeSet(["a"]), transport: PSILocalTransport(server: psi), options: options) { _, _ throws(PSIError) in }
            XCTFail("a missing temporary directory was accepted")
        } catch let error as PSIError {
            XCTAssertEqual(error.code, .cacheIO)
        }
    }
}

/// A real transport with a hook run before each page request: the thin
/// seam through which a test makes the server fail or changes the set file
/// mid-query.
private struct HookedTransport: PSITransport {
    let base: PSILocalTransport
    let beforePage: @Sendable () throws(PSIError) -> Void

    func info() async throws(PSIError) -> PSIServerInfo { try await base.info() }
    func evaluate(_ points: [UInt8]) async throws(PSIError) -> [UInt8] { try await base.evaluate(points) }
    func page(offset: Int, count: Int) async throws(PSIError) -> [UInt8] {
        try beforePage()
        return try await base.page(offset: offset, count: count)
    }
    func openSession() async throws(PSIError) -> String { try await base.openSession() }
    func addToSession(_ id: String, _ points: [UInt8]) async throws(PSIError) { try await base.addToSession(id, points) }
    func finishSession(_ id: String) async throws(PSIError) -> [UInt8] { try await base.finishSession(id) }
}

/// A value shared with a `@Sendable` hook.
private final class LockedBox<T: Sendable>: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func set(_ new: T) { lock.withLock { value = new } }
    func get() -> T { lock.withLock { value } }
}
