import Foundation
import PavilionCore
import PavilionNet
import PavilionTestSupport
import XCTest

/// `pavilion simulate`, the real binary.
final class SimulateCommandTests: XCTestCase {
    func testSimulatePrintsItsURLAnswersAndStopsOnSIGTERM() async throws {
        let process = Process()
        process.executableURL = TestEnvironment.pavilionBinary
        process.arguments = ["simulate", "camara", "--port", "0", "--latency-ms", "5", "--client-id", "cli",
                             "--client-secret", "pw"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        defer { if process.isRunning { process.interrupt() } }

        // Read the first line on another thread; wait for it with a deadline.
        let lineRead = DispatchSemaphore(value: 0)
        let box = LineBox()
        let reader = out.fileHandleForReading
        Thread {
            var bytes: [UInt8] = []
            while true {
                let chunk = reader.readData(ofLength: 1)
                guard let byte = chunk.first, byte != UInt8(ascii: "\n") else { break }
                bytes.append(byte)
            }
            box.set(String(decoding: bytes, as: UTF8.self))
            lineRead.signal()
        }.start()
        XCTAssertEqual(lineRead.wait(timeout: .now() + 20), .success, "no URL line within 20 s")
        let line = try JSONParser().parse(box.get())
        XCTAssertEqual(line["simulator"], "camara")
        let url = try XCTUnwrap(line["url"]?.stringValue)
        let port = try XCTUnwrap(url.split(separator: ":").last.flatMap { Int($0) })
        XCTAssertEqual(url, "http://127.0.0.1:\(port)")

        let group = try EventLoopGroup(threads: 1)
        let client = try HTTPClient(group: group)
        let endpoint = Endpoint(scheme: .http, host: "127.0.0.1", port: port)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/x-www-form-urlencoded")
        headers.add(name: "authorization", value: "Basic " + Data("cli:pw".utf8).base64EncodedString())
        let token = try await client.send(HTTPClientRequest(method: "POST", target: "/oauth2/token", headers: headers,
                                                            body: Array("grant_type=client_credentials".utf8)),
                                          to: endpoint, deadline: .now + .seconds(10))
        XCTAssertEqual(token.status, 200, "the configured client credentials are accepted")
        let faults = try await client.send(HTTPClientRequest(target: "/_sim/faults"), to: endpoint,
                                           deadline: .now + .seconds(10))
        XCTAssertEqual(try JSONParser().parse(bytes: faults.body)["latencyMs"], 5)
        client.shutdown()
        group.shutdown()

        process.terminate()  // SIGTERM
        XCTAssertEqual(exited.wait(timeout: .now() + 20), .success, "no exit within 20 s of SIGTERM")
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testSimulateRefusesAnUnknownKind() throws {
        let result = try TestEnvironment.pavilion(["simulate", "ldap"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("simulate needs exactly one of camara, fhir, echo"), result.stderr)
    }
}

private final class LineBox: @unchecked Sendable {
    private let lock = NSLock()
    private var line = ""
    func set(_ value: String) { lock.withLock { line = value } }
    func get() -> String { lock.withLock { line } }
}
