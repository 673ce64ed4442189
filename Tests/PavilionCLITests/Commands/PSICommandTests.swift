import Foundation
import PavilionTestSupport
import XCTest

/// `pavilion psi serve` and `pavilion psi query` as separate processes of the
/// real binary, talking HTTP on loopback.
final class PSICommandTests: XCTestCase {
    private var directory: URL!
    private var servers: [ChildProcess] = []

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory("psi-cli")
    }

    override func tearDownWithError() throws {
        servers.forEach { $0.forceStop() }
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ name: String, _ lines: [String]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: url)
        return url.path
    }

    /// Start a server and return its URL from the ready line.
    private func serve(_ arguments: [String]) throws -> String {
        let server = try ChildProcess(TestEnvironment.pavilionBinary, ["psi", "serve"] + arguments, in: directory)
        servers.append(server)
        let line = try XCTUnwrap(server.stdout.wait(seconds: 60) { $0.contains("\"url\"") }, "no ready line: \(server.stderr.text)")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return try XCTUnwrap(json["url"] as? String)
    }

    private func query(_ arguments: [String]) throws -> (Int32, [String: Any]?, String) {
        let result = try TestEnvironment.pavilion(["psi", "query"] + arguments, in: directory)
        let json = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return (result.status, json, result.stderr)
    }

    func testClientAndServerOnLoopbackFindTheIntersection() throws {
        let theirs = (0..<300).map { "+44 7700 900\(String(format: "%03d", $0))" } + ["zoë@example.org"]
        let mine = ["nobody@example.org", "zoë@example.org"] + (250..<400).map { "+44 7700 900\(String(format: "%03d", $0))" }
        let url = try serve(["--set", try write("dp.txt", theirs)])
        let (status, json, stderr) = try query(["--server", url, "--set", try write("rp.txt", mine)])
        XCTAssertEqual(status, 0, stderr)
        let found = try XCTUnwrap(json?["intersection"] as? [String])
        XCTAssertEqual(found, mine.filter(Set(theirs).contains), "the common elements, in the client's file order")
        XCTAssertNil(json?["cardinality"])
        // A cardinality query to an intersection server is refused.
        let (refused, _, message) = try query(["--server", url, "--set", try write("rp2.txt", mine), "--cardinality"])
        XCTAssertEqual(refused, 1)
        XCTAssertTrue(message.contains("intersection"), message)
    }

    func testQueryStreamsItsSetInSpilledRunsAndLeavesNoTemporaryFiles() throws {
        let theirs = (0..<3_000).map { "id-\($0)" } + ["zoë \"quoted\" \\ tab\t"]
        // Ten runs of 250; duplicates inside and across runs; an element that needs JSON escaping.
        var mine = (2_000..<4_500).map { "id-\($0)" }.shuffled()
        mine.insert("zoë \"quoted\" \\ tab\t", at: 700)
        mine += ["id-2500", "id-9999", "id-2001", "id-2500"]
        let temp = directory.appendingPathComponent("spill")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        let url = try serve(["--set", try write("dp.txt", theirs)])
        let (status, json, stderr) = try query(["--server", url, "--set", try write("rp.txt", mine), "--chunk", "250", "--temp", temp.path])
        XCTAssertEqual(status, 0, stderr)
        var seen: Set<String> = []
        let expected = mine.filter { Set(theirs).contains($0) && seen.insert($0).inserted }
        XCTAssertEqual(try XCTUnwrap(json?["intersection"] as? [String]), expected, "each common element once, in file order")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temp.path), [])

        // Against a cardinality server, with runs of the server's digests.
        let countURL = try serve(["--set", try write("dp2.txt", theirs), "--cardinality", "--cache", directory.appendingPathComponent("c2").path])
        let (countStatus, countJSON, countError) = try query(["--server", countURL, "--set", try write("rp3.txt", mine), "--cardinality",
                                                              "--chunk", "400", "--temp", temp.path])
        XCTAssertEqual(countStatus, 0, countError)
        XCTAssertEqual(countJSON?["cardinality"] as? Int, expected.count)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temp.path), [])

        // A server that refuses midway (its budget is one batch): exit 1, nothing left behind.
        let stingy = try serve(["--set", try write("dp3.txt", theirs), "--max-evaluations", "10", "--cache", directory.appendingPathComponent("c3").path])
        let (refused, _, message) = try query(["--server", stingy, "--set", try write("rp4.txt", mine), "--chunk", "250", "--temp", temp.path])
        XCTAssertEqual(refused, 1)
        XCTAssertTrue(message.contains("psi_refused") || message.contains("refused") || message.contains("403"), message)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temp.path), [])

        // Usage mistakes exit 2.
        for bad in [["--chunk", "0"], ["--chunk", "x"], ["--temp"]] {
            XCTAssertEqual(try TestEnvironment.pavilion(["psi", "query", "--server", url, "--set", "rp.txt"] + bad, in: directory).status, 2, "\(bad)")
        }
    }

    func testQueryStoppedBySignalLeavesNoTemporaryFiles() throws {
        let temp = directory.appendingPathComponent("spill")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        let url = try serve(["--set", try write("dp.txt", (0..<100).map { "id-\($0)" })])
        let server = try XCTUnwrap(servers.last)
        let client = try ChildProcess(TestEnvironment.pavilionBinary,
                                      ["psi", "query", "--server", url, "--set", try write("rp.txt", (0..<40_000).map { "id-\($0)" }),
                                       "--chunk", "100", "--temp", temp.path], in: directory)
        defer { client.forceStop() }
        // Once the query's run directory exists (it has the server's info), freeze the server so the query waits mid-way.
        let started = eventually {
            let mine = (try? FileManager.default.contentsOfDirectory(atPath: temp.path)) ?? []
            return mine.contains { ((try? FileManager.default.contentsOfDirectory(atPath: temp.path + "/" + $0)) ?? []).count == 1 }
        }
        XCTAssertTrue(started, "no run directory: \(client.stderr.text)")
        server.send(SIGSTOP)
        defer { server.send(SIGCONT) }
        client.send(SIGTERM)
        XCTAssertEqual(client.waitForExit(seconds: 30), 128 + SIGTERM, client.stderr.text)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temp.path), [])
    }

    /// Poll `condition` until it holds or `seconds` pass.
    private func eventually(_ seconds: Double = 30, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition()
    }

    func testCardinalityServerRevealsOnlyTheCount() throws {
        let theirs = (0..<200).map { "id-\($0)" }
        let mine = (150..<260).map { "id-\($0)" }
        let url = try serve(["--set", try write("dp.txt", theirs), "--cardinality"])
        let (status, json, stderr) = try query(["--server", url, "--set", try write("rp.txt", mine), "--cardinality"])
        XCTAssertEqual(status, 0, stderr)
        XCTAssertEqual(json?["cardinality"] as? Int, 50)
        XCTAssertNil(json?["intersection"])
        // Asking that server for the elements themselves is refused.
        let (refused, _, message) = try query(["--server", url, "--set", try write("rp2.txt", mine)])
        XCTAssertEqual(refused, 1)
        XCTAssertTrue(message.contains("cardinality"), message)
        // So is a raw evaluation request.
        let curl = try TestEnvironment.run(URL(fileURLWithPath: "/usr/bin/curl"),
                                           ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "--data-binary", "x", url + "/psi/v1/evaluate"])
        XCTAssertEqual(curl.stdout, "403")
    }

    func testServerRefusesMalformedRequests() throws {
        let url = try serve(["--set", try write("dp.txt", ["a", "b"])])
        let notAPoint = directory.appendingPathComponent("bad.bin")
        try Data(repeating: 0x04, count: 65).write(to: notAPoint)
        for (method, path, body, expected) in [("POST", "/psi/v1/evaluate", "@" + notAPoint.path, "400"),
                                               ("POST", "/psi/v1/evaluate", "short", "400"),
                                               ("GET", "/psi/v1/set?offset=9&count=1", "", "400"),
                                               ("GET", "/psi/v1/set?offset=x", "", "400"),
                                               ("POST", "/psi/v1/sessions", "", "403"),
                                               ("DELETE", "/psi/v1/info", "", "405"),
                                               ("GET", "/psi/v2/info", "", "404")] {
            var arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method]
            if !body.isEmpty { arguments += ["--data-binary", body] }
            let curl = try TestEnvironment.run(URL(fileURLWithPath: "/usr/bin/curl"), arguments + [url + path])
            XCTAssertEqual(curl.stdout, expected, "\(method) \(path)")
        }
    }

    func testBadInputGivesAClearErrorAndNonZeroStatus() throws {
        let good = try write("rp.txt", ["a"])
        // No server listening.
        var (status, _, message) = try query(["--server", "http://127.0.0.1:9", "--set", good])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(message.contains("127.0.0.1:9"), message)
        // Missing set file, on either side.
        (status, _, message) = try query(["--server", "http://127.0.0.1:9", "--set", directory.appendingPathComponent("none.txt").path])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(message.contains("no such set file"), message)
        let missing = try TestEnvironment.pavilion(["psi", "serve", "--set", directory.appendingPathComponent("none.txt").path], in: directory)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no such set file"), missing.stderr)
        // An invalid line names its line number.
        let bad = directory.appendingPathComponent("bad.txt")
        try Data([0x61, 0x0A, 0xC3, 0x28, 0x0A]).write(to: bad)
        (status, _, message) = try query(["--server", "http://127.0.0.1:9", "--set", bad.path])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(message.contains("bad.txt:2: not valid UTF-8"), message)
        // Usage mistakes exit 2.
        XCTAssertEqual(try TestEnvironment.pavilion(["psi", "query", "--set", good], in: directory).status, 2)
        XCTAssertEqual(try TestEnvironment.pavilion(["psi", "query", "--server", "ftp://x", "--set", good], in: directory).status, 2)
        XCTAssertEqual(try TestEnvironment.pavilion(["psi", "fly"], in: directory).status, 2)
        // A server that is not a PSI server (it answers 404 to /psi/v1/info).
        let other = try ChildProcess(TestEnvironment.pavilionBinary, ["simulate", "echo"], in: directory)
        servers.append(other)
        let line = try XCTUnwrap(other.stdout.wait(seconds: 30) { $0.contains("\"url\"") })
        let otherURL = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["url"] as? String)
        (status, _, message) = try query(["--server", otherURL, "--set", good])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(message.contains("/psi/v1/info"), message)
    }
}
