import Foundation
import PavilionCore

/// A sink that never makes its caller wait for the disk: lines are appended
/// to a buffer in memory and a thread of its own hands them to the base sink,
/// many lines per call.
///
/// Writing the access log on an event loop blocked the loop whenever
/// `write(2)` did: with standard error on an ext4 file, a write that meets
/// the flusher's writeback stalled both loops for 50–150 ms about every five
/// seconds, and every request that arrived meanwhile waited
/// (docs/benchmarks.md). Here a loop only copies bytes.
///
/// Bounded: past ``capacity`` bytes waiting, new lines are dropped and
/// counted, and a `log lines dropped` warning with the count follows once the
/// writer catches up: a stuck log file slows nothing and never grows memory
/// without bound. ``flush()`` waits until every line taken so far is written
/// (the service calls it before it exits); a killed process loses what
/// waits, at most about ``coalescing`` of lines.
public final class BackgroundLogSink: LogSink, @unchecked Sendable {
    // @unchecked: `waiting`, `dropped`, `written` and `taken` are only
    // touched with `condition` locked.
    private let base: any LogSink
    private let condition = NSCondition()
    private var waiting: [UInt8] = []
    private var dropped = 0
    private var taken = 0
    private var written = 0
    private let capacity: Int
    private let coalescing: Duration
    /// The longest ``flush()`` waits.
    private let flushLimit: Duration

    /// - Parameters:
    ///   - base: where the lines go, from one thread.
    ///   - capacity: bytes that may wait before lines are dropped.
    ///   - coalescing: how long the writer lets lines gather after the first
    ///     one arrives, so that a busy service makes one write per interval.
    ///   - flushLimit: the longest ``flush()`` waits for the base.
    public init(base: any LogSink, capacity: Int = 16 << 20, coalescing: Duration = .milliseconds(2),
                flushLimit: Duration = .seconds(5)) {
        self.base = base
        self.capacity = capacity
        self.coalescing = coalescing
        self.flushLimit = flushLimit
        let thread = Thread { [self] in run() }
        thread.name = "pavilion.log"
        thread.start()
    }

    /// Keep `line` and a newline for the writer.
    public func write(line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        write(lineBytes: bytes)
    }

    /// Keep `lineBytes` (whole lines, each ending in a newline) for the writer.
    public func write(lineBytes bytes: [UInt8]) {
        condition.lock()
        defer { condition.unlock() }
        guard waiting.count + bytes.count <= capacity else {
            dropped += bytes.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            return
        }
        let wake = waiting.isEmpty
        waiting.append(contentsOf: bytes)
        taken += 1
        if wake { condition.broadcast() }
    }

    /// Wait until every line written before this call has reached the base
    /// sink, at most ``flushLimit``: a process that exits must not hang on
    /// a stderr nobody reads.
    public func flush() {
        condition.lock()
        let target = taken
        let deadline = Date().addingTimeInterval(flushLimit.inSeconds)
        while written < target, condition.wait(until: deadline) {}
        condition.unlock()
        base.flush()
    }

    private func run() {
        // Two buffers swapped in turn, so that taking the lines allocates nothing.
        var batch: [UInt8] = []
        while true {
            condition.lock()
            while waiting.isEmpty { condition.wait() }
            condition.unlock()
            // Let the lines of the next moment join this write.
            Thread.sleep(forTimeInterval: coalescing.inSeconds)
            condition.lock()
            swap(&batch, &waiting)
            let count = taken
            let lost = dropped
            dropped = 0
            condition.unlock()
            base.write(lineBytes: batch)
            if lost > 0 { base.write(lineBytes: Self.droppedLine(lost)) }
            // Keep a buffer's room for the next turn, unless a burst made it large.
            if batch.capacity > 1 << 20 { batch = [] } else { batch.removeAll(keepingCapacity: true) }
            condition.lock()
            written = count
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The warning that `count` lines were dropped, in the logger's form.
    static func droppedLine(_ count: Int) -> [UInt8] {
        var line: [UInt8] = []
        JSONValue.serializeObject([("dropped", .int(Int64(count))), ("ts", .string(Timestamps.rfc3339(Date()))),
                                   ("level", .string(LogLevel.warn.rawValue)), ("msg", .string("log lines dropped"))],
                                  into: &line)
        line.append(0x0A)
        return line
    }
}
