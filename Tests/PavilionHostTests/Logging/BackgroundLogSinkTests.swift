import Foundation
import PavilionCore
import PavilionHost
import Synchronization
import XCTest

/// Log lines go to the base sink from a thread of the sink's own: a writer
/// never waits for the base, lines keep their order, `flush` returns once
/// they are written, and a stuck base costs dropped lines, counted, not
/// memory or a blocked caller.
final class BackgroundLogSinkTests: XCTestCase {
    /// Keeps every write; `stuck` makes writes wait until it is cleared.
    private final class GateSink: LogSink, @unchecked Sendable {
        let writes = Mutex<[[UInt8]]>([])
        let gate = NSCondition()
        var stuck = false
        var entered = 0
        func write(line: String) { write(lineBytes: Array((line + "\n").utf8)) }
        func write(lineBytes: [UInt8]) {
            gate.lock()
            entered += 1
            gate.broadcast()
            while stuck { gate.wait() }
            gate.unlock()
            writes.withLock { $0.append(lineBytes) }
        }
        func setStuck(_ value: Bool) {
            gate.lock()
            stuck = value
            gate.broadcast()
            gate.unlock()
        }
        /// Wait until the writer thread is inside `write`.
        func waitEntered(_ count: Int) -> Bool {
            let end = Date().addingTimeInterval(10)
            gate.lock()
            defer { gate.unlock() }
            while entered < count { if !gate.wait(until: end) { return entered >= count } }
            return true
        }
        var lines: [String] {
            writes.withLock { $0.flatMap { String(decoding: $0, as: UTF8.self).split(separator: "\n").map(String.init) } }
        }
    }

    func testLinesArriveInOrderAndFlushWaitsForThem() {
        let base = GateSink()
        let sink = BackgroundLogSink(base: base)
        let logger = Logger(level: .info, sink: sink)
        for n in 1...500 { logger.info("line", ["n": .int(Int64(n))]) }
        logger.flush()
        let numbers = base.lines.compactMap { try? JSONParser().parse($0)["n"]?.intValue }
        XCTAssertEqual(numbers, (1...500).map(Int64.init))
        XCTAssertLessThan(base.writes.withLock { $0.count }, 500, "lines should be written many per call")
    }

    func testAStuckBaseDropsLinesPastTheCapacityAndCountsThem() throws {
        let base = GateSink()
        base.setStuck(true)
        let sink = BackgroundLogSink(base: base, capacity: 1_000)
        // The first line is taken by the writer, which then waits inside the base.
        sink.write(line: "first")
        XCTAssertTrue(base.waitEntered(1), "the writer thread never reached the base")
        // These wait in memory: 20 lines of 100 bytes, of which 10 fit.
        let line = String(repeating: "x", count: 99)
        for _ in 0..<20 { sink.write(line: line) }  // returns although the base is stuck
        base.setStuck(false)
        sink.flush()
        let lines = base.lines
        XCTAssertEqual(lines.first, "first")
        XCTAssertEqual(lines.filter { $0 == line }.count, 10)
        let warning = try JSONParser().parse(try XCTUnwrap(lines.last))
        XCTAssertEqual(warning["msg"], "log lines dropped")
        XCTAssertEqual(warning["level"], "warn")
        XCTAssertEqual(warning["dropped"], 10)
    }

    func testFlushWithNothingWaitingReturnsAtOnce() {
        let base = GateSink()
        let sink = BackgroundLogSink(base: base)
        sink.flush()
        XCTAssertTrue(base.lines.isEmpty)
    }

    /// A base that never returns (a stderr pipe nobody reads) holds `flush`
    /// only up to its limit, so a stopping service still exits.
    func testFlushGivesUpOnAStuckBaseAfterItsLimit() {
        let base = GateSink()
        base.setStuck(true)
        let sink = BackgroundLogSink(base: base, flushLimit: .milliseconds(100))
        sink.write(line: "never written")
        XCTAssertTrue(base.waitEntered(1))
        sink.flush()  // returns although the line is not written
        XCTAssertTrue(base.lines.isEmpty)
        base.setStuck(false)
        sink.flush()
        XCTAssertEqual(base.lines, ["never written"])
    }
}
