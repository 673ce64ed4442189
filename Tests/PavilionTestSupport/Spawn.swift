import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts programs with `posix_spawn` and waits for them by polling `waitpid`.
///
/// Not Foundation's `Process`: on Linux its `run()` reads `/proc/self/fd`
/// with a 256-byte copy of each directory entry and crashes now and then
/// when an entry sits at the end of glibc's buffer
/// (swift-corelibs-foundation PR #5472; about one full test run in five
/// here, as this suite spawns thousands of children), and its termination
/// monitoring runs on libdispatch process sources, which crashed once in
/// `_dispatch_event_loop_drain` while a test signalled its child. Every
/// descriptor this process opens is close-on-exec (PavilionNet's sockets,
/// the pipes below), so a child gets only its three standard streams.
public enum Spawn {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Where a child's standard output or error goes.
    public enum Output: Sendable {
        /// A pipe this process reads (``Child/availableOutput()``, ``Child/availableErrors()``).
        case pipe
        /// `/dev/null`.
        case discard
        /// This process's own stream.
        case inherit
    }

    /// A running child. Its standard input is a pipe held here (close it with
    /// ``closeInput()``); it is reaped by ``wait()``, ``wait(seconds:)`` or ``isRunning``.
    public final class Child: @unchecked Sendable {
        // @unchecked: the descriptors are fixed at start; `input` and the
        // reaped status are behind `lock`.
        public let pid: pid_t
        private let lock = NSLock()
        private var input: Int32
        private let output: Int32
        private let errors: Int32
        private var status: Int32?
        private var pending = Data()  // read by outputLine, not yet returned; only its caller's thread

        init(pid: pid_t, input: Int32, output: Int32, errors: Int32) {
            self.pid = pid
            self.input = input
            self.output = output
            self.errors = errors
        }

        deinit {
            for fd in [input, output, errors] where fd >= 0 { close(fd) }
        }

        /// What the child has written to its standard output so far, waiting
        /// for at least one byte (empty at its end, or when it is not a pipe).
        public func availableOutput() -> Data { Spawn.readSome(output) }

        /// The next line the child writes to its standard output (without its
        /// newline), waiting at most `seconds`; `nil` at the deadline or at its end.
        /// Do not mix with ``availableOutput()``: bytes after the line are kept for the next call.
        public func outputLine(seconds: Double) -> String? {
            let deadline = Date().addingTimeInterval(seconds)
            while true {
                if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    return line
                }
                let left = deadline.timeIntervalSinceNow
                guard left > 0, output >= 0 else { return nil }
                var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, Int32(min(left, 1) * 1000) + 1)
                if ready < 0 && errno != EINTR { return nil }
                if ready > 0 {
                    let chunk = Spawn.readSome(output)
                    if chunk.isEmpty { return nil }
                    pending.append(chunk)
                }
            }
        }

        /// The same for its standard error.
        public func availableErrors() -> Data { Spawn.readSome(errors) }

        /// Everything the child writes to its standard output, up to its end.
        public func readOutputToEnd() -> Data { Spawn.readAll(output) }

        /// The same for its standard error.
        public func readErrorsToEnd() -> Data { Spawn.readAll(errors) }

        /// Write `data` to the child's standard input.
        public func write(_ data: Data) {
            lock.withLock { if input >= 0 { Spawn.writeAll(input, data) } }
        }

        /// Close the child's standard input (it sees end of file).
        public func closeInput() {
            lock.withLock {
                if input >= 0 { close(input) }
                input = -1
            }
        }

        /// Send `signal`, unless the child has been reaped (its pid may have been reused).
        public func signal(_ signal: Int32) {
            lock.withLock { if status == nil { _ = kill(pid, signal) } }
        }

        /// Whether the child still runs (reaping it if it has ended).
        public var isRunning: Bool { reap() == nil }

        /// Wait for the child to end.
        /// - Returns: its exit status, or the signal that ended it (as Foundation's `terminationStatus`).
        @discardableResult
        public func wait() -> Int32 {
            while true {
                if let code = reap() { return code }
                usleep(2_000)
            }
        }

        /// Wait at most `seconds` for the child to end.
        /// - Returns: as ``wait()``, or `nil` when it still runs at the deadline.
        public func wait(seconds: Double) -> Int32? {
            let deadline = Date().addingTimeInterval(seconds)
            while true {
                if let code = reap() { return code }
                if Date() >= deadline { return nil }
                usleep(2_000)
            }
        }

        /// Whether the child ended by a signal (`nil` while it runs).
        public var endedBySignal: Bool? {
            lock.withLock { status.map { ($0 & 0x7f) != 0 } }
        }

        private func reap() -> Int32? {
            lock.withLock {
                if status == nil {
                    var raw: Int32 = 0
                    var result: pid_t
                    repeat { result = waitpid(pid, &raw, WNOHANG) } while result == -1 && errno == EINTR
                    if result == pid { status = raw }
                }
                return status.map { ($0 & 0x7f) == 0 ? ($0 >> 8) & 0xff : $0 & 0x7f }
            }
        }
    }

    /// Start `executable` with `arguments` without waiting for it.
    /// - Parameters:
    ///   - directory: the working directory (through `/bin/sh`, as glibc's
    ///     `posix_spawn_file_actions_addchdir_np` is not visible from Swift); this process's when `nil`.
    ///   - environment: the child's whole environment; this process's when `nil`.
    public static func start(_ executable: String, _ arguments: [String], directory: String? = nil,
                             environment: [String: String]? = nil,
                             stdout: Output = .pipe, stderr: Output = .inherit) throws -> Child {
        var pipes: [[Int32]] = []
        func makePipe() throws -> [Int32] {
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else {
                for fd in pipes.joined() { close(fd) }
                throw Failure(description: "pipe failed: \(String(cString: strerror(errno)))")
            }
            // Close-on-exec at once, so that no other child started meanwhile keeps a pipe open.
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            pipes.append(fds)
            return fds
        }
        let input = try makePipe()
        let output = stdout == .pipe ? try makePipe() : [-1, -1]
        let errors = stderr == .pipe ? try makePipe() : [-1, -1]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        for (stream, fds, target) in [(stdout, output, Int32(1)), (stderr, errors, Int32(2))] {
            switch stream {
            case .pipe: posix_spawn_file_actions_adddup2(&actions, fds[1], target)
            case .discard: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            case .inherit: break
            }
        }
        var program = executable, argumentList = [executable] + arguments
        if let directory {
            program = "/bin/sh"
            argumentList = ["/bin/sh", "-c", #"cd "$1" && shift && exec "$@""#, "sh", directory] + argumentList
        }
        let argv = argumentList.map { strdup($0) } + [nil]
        let envp = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        // Default signal dispositions and an empty mask in the child, whatever this
        // thread blocks (libdispatch's worker threads, which run async tests, block
        // SIGTERM and friends) or this process ignores.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        for fd in [input[0], output[1], errors[1]] where fd >= 0 { close(fd) }
        guard spawned == 0 else {
            for fd in [input[1], output[0], errors[0]] where fd >= 0 { close(fd) }
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        return Child(pid: pid, input: input[1], output: output[0], errors: errors[0])
    }

    /// Run `executable` to completion in `directory`, feeding it `stdin` and capturing both its outputs.
    static func run(_ executable: String, _ arguments: [String], directory: String,
                    stdin: Data?) throws -> TestEnvironment.ProcessResult {
        let child = try start(executable, arguments, directory: directory, stdout: .pipe, stderr: .pipe)
        // Feed stdin and drain stderr on their own threads so that no pipe fills and blocks the child.
        Thread {
            if let stdin, !stdin.isEmpty { child.write(stdin) }
            child.closeInput()
        }.start()
        let errorsRead = Drained()
        Thread { errorsRead.set(child.readErrorsToEnd()) }.start()
        let out = child.readOutputToEnd()
        let err = errorsRead.wait()
        let code = child.wait()
        return TestEnvironment.ProcessResult(status: code, stdout: String(decoding: out, as: UTF8.self),
                                             stderr: String(decoding: err, as: UTF8.self))
    }

    private static func readSome(_ fd: Int32) -> Data {
        guard fd >= 0 else { return Data() }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n >= 0 { return Data(buffer[0..<n]) }
            if errno != EINTR { return Data() }
        }
    }

    private static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        while true {
            let chunk = readSome(fd)
            if chunk.isEmpty { return data }
            data.append(chunk)
        }
    }

    private static func writeAll(_ fd: Int32, _ data: Data) {
        var offset = 0
        let bytes = [UInt8](data)
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n > 0 { offset += n } else if !(n < 0 && errno == EINTR) { return }
        }
    }

    /// The stderr bytes, handed from the reading thread.
    private final class Drained: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var data = Data()
        func set(_ d: Data) {
            data = d
            done.signal()
        }
        func wait() -> Data {
            done.wait()
            return data
        }
    }
}
