import Foundation
import Glibc

/// The child processes a command starts (simulators, servers, load
/// generators), each with its output in a file, all killed on exit: by
/// ``stopAll()`` on every normal or thrown exit path, and by the SIGINT,
/// SIGTERM and SIGHUP handlers that ``installSignalHandlers()`` sets up.
///
/// Children get `/dev/null` as stdin and files as stdout and stderr, never
/// the command's own streams, so a caller reading those to EOF is not held
/// open by a child.
final class ChildProcesses: @unchecked Sendable {
    // @unchecked: `running` is only touched under `lock`.
    private let lock = NSLock()
    private var running: [(pid: pid_t, name: String)] = []
    private var reaped: [pid_t: Int32] = [:]
    private var signalSources: [any DispatchSourceSignal] = []

    /// The absolute path of the running executable (`/proc/self/exe`).
    static var currentExecutable: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Kill every child, then exit 130, on SIGINT, SIGTERM or SIGHUP.
    func installSignalHandlers() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                Output.err("interrupted: stopping child processes")
                stopAll()
                exit(130)
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// Start `executable` with `arguments`; its stdout and stderr go to the
    /// given files (created or truncated), or `/dev/null`; with
    /// `inheritStandardError` its stderr is this process's.
    /// - Returns: the child's pid.
    /// - Throws: ``CommandError`` when `posix_spawn` fails.
    @discardableResult
    func spawn(_ name: String, _ executable: String, _ arguments: [String], stdout: String? = nil,
               stderr: String? = nil, inheritStandardError: Bool = false) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if !inheritStandardError {
            posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Children start with default signal dispositions, whatever this process ignores.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv + [nil]
        var pid: pid_t = 0
        let status = lock.withLock { () -> Int32 in
            let status = posix_spawn(&pid, executable, &actions, &attributes, &cArguments, environ)
            if status == 0 { running.append((pid, name)) }
            return status
        }
        guard status == 0 else {
            throw CommandError("cannot start \(name) (\(executable)): \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// Run `executable` to completion with its output in files.
    /// - Returns: its exit status (128 + signal when killed).
    func run(_ name: String, _ executable: String, _ arguments: [String], stdout: String? = nil,
             stderr: String? = nil) throws -> Int32 {
        let pid = try spawn(name, executable, arguments, stdout: stdout, stderr: stderr)
        return wait(pid)
    }

    /// Wait for `pid` to exit and forget it.
    /// - Returns: its exit status (128 + signal when killed).
    func wait(_ pid: pid_t) -> Int32 { Self.exitStatus(reap(pid)) }

    /// Wait for `pid` to exit and forget it; its raw wait status.
    private func reap(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        lock.withLock { running.removeAll { $0.pid == pid } }
        return status
    }

    /// Whether `pid` is still running (reaps it if it ended; ``lastExitStatus(_:)`` then has its status).
    func isRunning(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            lock.withLock {
                running.removeAll { $0.pid == pid }
                reaped[pid] = Self.exitStatus(status)
            }
            return false
        }
        return result == 0
    }

    /// The exit status of a child that ``isRunning(_:)`` reaped.
    func lastExitStatus(_ pid: pid_t) -> Int32? { lock.withLock { reaped[pid] } }

    /// Stop one child: `signal`, then SIGKILL if it is still there after `grace`.
    func stop(_ pid: pid_t, signal number: Int32 = SIGTERM, grace: Duration = .seconds(5)) {
        guard lock.withLock({ running.contains { $0.pid == pid } }) else { return }
        kill(pid, number)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if !isRunning(pid) { return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        _ = wait(pid)
    }

    /// Stop every child still running, newest first.
    func stopAll() {
        let children = lock.withLock { running }
        for child in children.reversed() { stop(child.pid) }
    }

    /// How a child run by ``capture(_:_:)`` ended and what it printed.
    struct Captured {
        /// Its standard output.
        var output: Data
        /// Its exit status, or nil when a signal ended it.
        var exitStatus: Int32?
        /// The signal that ended it, or nil.
        var signal: Int32?
    }

    /// Run `executable` with `arguments` to its end, capturing its standard
    /// output (through a private temporary file); stdin is `/dev/null`, and
    /// stderr too unless `keepStandardError` (then it is this process's).
    /// Not Foundation's `Process`, whose `run()` on Linux now and then
    /// crashes reading `/proc/self/fd` (swift-corelibs-foundation PR #5472).
    /// - Throws: ``CommandError`` when the file cannot be made or the program cannot start.
    static func capture(_ executable: String, _ arguments: [String], keepStandardError: Bool = false) throws -> Captured {
        var template = Array((NSTemporaryDirectory() + "/pavilion-output-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw CommandError("cannot create a temporary file: \(String(cString: strerror(errno)))") }
        close(fd)
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(path) }
        let children = ChildProcesses()
        let pid = try children.spawn((executable as NSString).lastPathComponent, executable, arguments, stdout: path,
                                     inheritStandardError: keepStandardError)
        let status = children.reap(pid)
        let output = FileManager.default.contents(atPath: path) ?? Data()
        let signal = status & 0x7F
        return Captured(output: output, exitStatus: signal == 0 ? (status >> 8) & 0xFF : nil, signal: signal == 0 ? nil : signal)
    }

    /// Wait until a line holding `marker` appears in the file `path` (a
    /// child's output), at most `timeout`.
    /// - Parameter pid: the child writing it; its end before the line is an error.
    /// - Throws: ``CommandError`` naming `what` when the child ended or the time ran out.
    func waitForLine(in path: String, containing marker: String, what: String, pid: pid_t? = nil,
                     timeout: Duration = .seconds(30)) throws -> String {
        let deadline = ContinuousClock.now + timeout
        func text() -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        while true {
            if let line = text().split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
            if let pid, !isRunning(pid) {
                throw CommandError("\(what) exited before it was ready; see \(path): \(text().suffix(2000))")
            }
            guard ContinuousClock.now < deadline else { throw CommandError("\(what) was not ready within \(timeout)") }
            usleep(20_000)
        }
    }

    private static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
