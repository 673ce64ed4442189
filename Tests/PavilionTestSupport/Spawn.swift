import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion with `posix_spawn`, capturing its output.
///
/// Not Foundation's `Process`: on Linux its `run()` reads `/proc/self/fd`
/// with a 256-byte copy of each directory entry and crashes now and then
/// when an entry sits at the end of glibc's buffer
/// (swift-corelibs-foundation PR #5472; about one full test run in five
/// here, as this suite spawns thousands of children). Every descriptor this
/// process opens is close-on-exec (PavilionNet's sockets, the pipes below),
/// so the child gets only its three standard streams.
public enum Spawn {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A child started with ``start(_:_:)``: its standard input and output
    /// are pipes held here; its standard error is this process's.
    public final class Child: @unchecked Sendable {
        public let pid: pid_t
        private var input: Int32
        private let output: Int32

        init(pid: pid_t, input: Int32, output: Int32) {
            self.pid = pid
            self.input = input
            self.output = output
        }

        /// What the child has written to its standard output so far, waiting
        /// for at least one byte (empty at its end).
        public func availableOutput() -> Data {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
                if n >= 0 { return Data(buffer[0..<n]) }
                if errno != EINTR { return Data() }
            }
        }

        /// Close the child's standard input (it sees end of file).
        public func closeInput() {
            if input >= 0 { close(input) }
            input = -1
        }

        /// Wait for the child to end; its exit status, or the signal that ended it.
        @discardableResult
        public func wait() -> Int32 {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            close(output)
            return (status & 0x7f) == 0 ? (status >> 8) & 0xff : status & 0x7f
        }
    }

    /// Start `executable` with `arguments` without waiting for it.
    public static func start(_ executable: String, _ arguments: [String]) throws -> Child {
        var input: [Int32] = [-1, -1], output: [Int32] = [-1, -1]
        guard pipe(&input) == 0, pipe(&output) == 0 else {
            throw Failure(description: "pipe failed: \(String(cString: strerror(errno)))")
        }
        for fd in input + output { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(input[0]); close(output[1])
        guard spawned == 0 else {
            close(input[1]); close(output[0])
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        return Child(pid: pid, input: input[1], output: output[0])
    }

    static func run(_ executable: String, _ arguments: [String], directory: String,
                    stdin: Data?) throws -> TestEnvironment.ProcessResult {
        var input: [Int32] = [-1, -1], output: [Int32] = [-1, -1], errors: [Int32] = [-1, -1]
        for index in 0..<3 {
            let ok = index == 0 ? pipe(&input) : index == 1 ? pipe(&output) : pipe(&errors)
            guard ok == 0 else { throw Failure(description: "pipe failed: \(String(cString: strerror(errno)))") }
        }
        // Close-on-exec at once, so that no other child started meanwhile keeps a pipe open.
        for fd in input + output + errors { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        // The working directory through the shell (glibc's addchdir_np is not visible from Swift).
        let argv = (["/bin/sh", "-c", #"cd "$1" && shift && exec "$@""#, "sh", directory, executable] + arguments).map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
        close(input[0]); close(output[1]); close(errors[1])
        guard spawned == 0 else {
            close(input[1]); close(output[0]); close(errors[0])
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        // Feed stdin and drain stderr on their own threads so that no pipe fills and blocks the child.
        let writer = Thread { [input] in
            if let stdin, !stdin.isEmpty { writeAll(input[1], stdin) }
            close(input[1])
        }
        writer.start()
        let errorsRead = Drained()
        let reader = Thread { [errors] in errorsRead.set(readAll(errors[0])) }
        reader.start()
        let out = readAll(output[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let err = errorsRead.wait()
        close(output[0]); close(errors[0])
        // As Foundation's `terminationStatus`: the exit status, or the signal that ended the child.
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : status & 0x7f
        return TestEnvironment.ProcessResult(status: code, stdout: String(decoding: out, as: UTF8.self),
                                             stderr: String(decoding: err, as: UTF8.self))
    }

    private static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { data.append(contentsOf: buffer[0..<n]); continue }
            if n < 0 && errno == EINTR { continue }
            return data
        }
    }

    private static func writeAll(_ fd: Int32, _ data: Data) {
        var offset = 0
        let bytes = [UInt8](data)
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
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
