import Foundation
import PavilionTestSupport
import XCTest

/// A long-running child process (`pavilion serve`, `pavilion simulate`)
/// whose stdout and stderr lines are collected as they arrive, so a test can
/// wait for a line or for the exit with a deadline instead of sleeping.
final class ChildProcess: @unchecked Sendable {
    // @unchecked: `child` is fixed at start; the lines live in `LineLog`s, which lock.
    private let child: Spawn.Child
    /// Lines written to stdout so far.
    let stdout = LineLog()
    /// Lines written to stderr so far.
    let stderr = LineLog()

    /// Start `executable` with `arguments` in `directory` (with `posix_spawn`, see ``Spawn``).
    init(_ executable: URL, _ arguments: [String], in directory: URL) throws {
        child = try Spawn.start(executable.path, arguments, directory: directory.path, stdout: .pipe, stderr: .pipe)
        child.closeInput()
        let child = child, stdoutLog = stdout, stderrLog = stderr
        Thread { Self.drain(child.availableOutput, into: stdoutLog) }.start()
        Thread { Self.drain(child.availableErrors, into: stderrLog) }.start()
    }

    private static func drain(_ read: () -> Data, into log: LineLog) {
        while true {
            let data = read()
            if data.isEmpty { return }
            log.feed(data)
        }
    }

    var pid: Int32 { child.pid }
    var isRunning: Bool { child.isRunning }

    /// Send `signal` to the child (only while it runs: a finished child's pid may be reused).
    func send(_ signal: Int32) {
        child.signal(signal)
    }

    /// Wait for the child to exit.
    /// - Returns: its exit status, or `nil` when it still runs at the deadline.
    func waitForExit(seconds: Double) -> Int32? {
        child.wait(seconds: seconds)
    }

    /// SIGKILL the child if it still runs and reap it: the last resort of every teardown.
    func forceStop() {
        send(SIGKILL)
        _ = waitForExit(seconds: 10)
    }
}

/// Lines of text arriving in chunks, with a bounded wait for a matching line.
final class LineLog: @unchecked Sendable {
    // @unchecked: all state is behind `condition`.
    private let condition = NSCondition()
    private var complete: [String] = []
    private var partial = ""

    func feed(_ data: Data) {
        condition.lock()
        partial += String(decoding: data, as: UTF8.self)
        var parts = partial.components(separatedBy: "\n")
        partial = parts.removeLast()
        complete += parts
        condition.broadcast()
        condition.unlock()
    }

    /// Every complete line so far.
    var lines: [String] {
        condition.lock()
        defer { condition.unlock() }
        return complete
    }

    /// The whole text so far, for failure messages.
    var text: String { lines.joined(separator: "\n") }

    /// Wait until a line satisfies `predicate`, at most `seconds`.
    /// - Returns: the first such line, or `nil` at the deadline.
    func wait(seconds: Double = 20, for predicate: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let line = complete.first(where: predicate) { return line }
            if !condition.wait(until: deadline) { return complete.first(where: predicate) }
        }
    }

    /// Wait until `count(lines) >= target`, at most `seconds`.
    /// - Returns: whether it was reached.
    func wait(seconds: Double = 20, until target: Int, counting: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while complete.filter(counting).count < target {
            if !condition.wait(until: deadline) { return complete.filter(counting).count >= target }
        }
        return true
    }
}
