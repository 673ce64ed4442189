import Foundation
import PavilionCore
import PavilionHost
import PavilionNet
import PavilionStore
import PavilionTestSupport
import Synchronization
import XCTest

/// The real `pavilion serve` binary: ready line, a verification over the
/// wire, SIGHUP reload, SIGTERM drain and exit 0.
final class ServeCommandTests: XCTestCase {
    /// Collects a child's stderr lines as they arrive.
    final class LineCollector: Sendable {
        let lines = Mutex<[String]>([])
        private let partial = Mutex<String>("")

        func feed(_ data: Data) {
            let text = String(decoding: data, as: UTF8.self)
            let complete = partial.withLock { buffer -> [String] in
                buffer += text
                var parts = buffer.components(separatedBy: "\n")
                buffer = parts.removeLast()
                return parts
            }
            lines.withLock { $0.append(contentsOf: complete) }
        }

        /// Wait (bounded) for a line containing `text`.
        func wait(for text: String, seconds: Double = 20) -> String? {
            let deadline = Date().addingTimeInterval(seconds)
            let tick = DispatchSemaphore(value: 0)
            while Date() < deadline {
                if let line = lines.withLock({ $0.first { $0.contains(text) } }) { return line }
                _ = tick.wait(timeout: .now() + .milliseconds(10))
            }
            return nil
        }
    }

    func testServeAnswersReloadsOnSIGHUPAndDrainsOnSIGTERM() async throws {
        let root = try TestEnvironment.makeTemporaryDirectory("pavilion-serve")
        defer { try? FileManager.default.removeItem(at: root) }
        let connectors = root.appendingPathComponent("connectors.d")
        try HostHarness.installConnector("echo", into: connectors)
        let dp = try EchoDP()
        let token: String
        do {
            let store = try SQLiteStore(dataDirectory: root.appendingPathComponent("data").path)
            let acme = try TenantID("acme")
            _ = try await store.createTenant(id: acme, name: "Acme")
            try await store.setConnector("echo", enabled: true, for: acme)
            token = try await store.createAPIKey(kind: .tenant, tenant: acme, label: "ci").token
        }
        let config = root.appendingPathComponent("pavilion.yaml")
        try """
            listen: { host: 127.0.0.1, port: 0 }
            tls: off
            data_dir: data
            connectors_dir: connectors.d
            region: local
            endpoint_overrides:
              echo: { local: "http://127.0.0.1:\(dp.port)" }
            """.write(to: config, atomically: true, encoding: .utf8)

        let process = try Spawn.start(TestEnvironment.pavilionBinary.path, ["serve", "--config", config.path],
                                      stdout: .discard, stderr: .pipe)
        process.closeInput()
        let collector = LineCollector()
        Thread {
            while true {
                let chunk = process.availableErrors()
                if chunk.isEmpty { return }
                collector.feed(chunk)
            }
        }.start()
        defer { process.signal(SIGKILL); process.wait() }

        let ready = try XCTUnwrap(collector.wait(for: #""msg":"ready""#), collector.lines.withLock { $0.joined(separator: "\n") })
        let url = try XCTUnwrap(try JSONParser().parse(ready)["url"]?.stringValue)
        let port = try XCTUnwrap(Int(url.split(separator: ":").last ?? ""))

        let group = try EventLoopGroup(threads: 1)
        let client = try HTTPClient(group: group)
        let body = HostHarness.echoBody()
        let response = try await client.send(
            HTTPClientRequest(method: "POST", target: "/v1/verifications",
                              headers: ["authorization": "Bearer \(token)", "content-type": "application/json"],
                              body: Array(body.utf8)),
            to: Endpoint(scheme: .http, host: "127.0.0.1", port: port), deadline: .now + .seconds(10))
        XCTAssertEqual(response.status, 200, String(decoding: response.body, as: UTF8.self))
        client.shutdown()
        group.shutdown()

        process.signal(SIGHUP)
        XCTAssertNotNil(collector.wait(for: #""msg":"reloaded""#))
        process.signal(SIGTERM)
        XCTAssertNotNil(collector.wait(for: #""msg":"stopped""#))
        XCTAssertEqual(process.wait(seconds: 15), 0)
        await dp.stop()

        // Every line is JSON; none holds the key.
        for line in collector.lines.withLock({ $0 }) where !line.isEmpty {
            XCTAssertNoThrow(try JSONParser().parse(line), line)
            XCTAssertFalse(line.contains(token))
        }
    }
}
