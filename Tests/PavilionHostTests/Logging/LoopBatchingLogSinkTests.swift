import Foundation
import PavilionHost
import PavilionNet
import Synchronization
import XCTest

/// Lines written on an event loop reach the base sink in one write at the
/// end of the loop's iteration; lines written elsewhere go at once.
final class LoopBatchingLogSinkTests: XCTestCase {
    /// Keeps every write it gets, as given.
    private final class RecordingSink: LogSink {
        let writes = Mutex<[[UInt8]]>([])
        func write(line: String) { write(lineBytes: Array((line + "\n").utf8)) }
        func write(lineBytes: [UInt8]) { writes.withLock { $0.append(lineBytes) } }
        var texts: [String] { writes.withLock { $0.map { String(decoding: $0, as: UTF8.self) } } }
    }

    private func waitUntil(_ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(10)
        while Date() < end {
            if condition() { return true }
            usleep(1000)
        }
        return condition()
    }

    func testLinesOfOneIterationAreWrittenTogetherInOrder() async throws {
        let recorder = RecordingSink()
        let sink = LoopBatchingLogSink(base: recorder)
        let group = try EventLoopGroup(threads: 1)
        let server = try HTTPServer(configuration: HTTPServerConfiguration(), group: group) { request in
            let logger = Logger(level: .info, sink: sink)
            for n in 1...3 { logger.info("line", ["n": .int(Int64(n)), "path": .string(request.path)]) }
            return HTTPServerResponse(status: 200)
        }
        try server.start()
        let client = try HTTPClient(group: group)
        let response = try await client.send(HTTPClientRequest(target: "/a"), to: Endpoint(scheme: .http, host: "127.0.0.1", port: server.port),
                                             deadline: .now + .seconds(10))
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(waitUntil { !recorder.texts.isEmpty })
        let batch = try XCTUnwrap(recorder.texts.first)
        XCTAssertEqual(recorder.texts.count, 1)
        let lines = batch.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(batch.hasSuffix("\n"))
        for (index, line) in lines.enumerated() { XCTAssertTrue(line.contains("\"n\":\(index + 1)"), String(line)) }
        client.shutdown()
        await server.shutdown(gracePeriod: .seconds(1))
        group.shutdown()
    }

    func testLinesWrittenOffALoopGoAtOnce() {
        let recorder = RecordingSink()
        let sink = LoopBatchingLogSink(base: recorder)
        sink.write(line: "one")
        sink.write(lineBytes: Array("two\n".utf8))
        XCTAssertEqual(recorder.texts, ["one\n", "two\n"])
    }
}
