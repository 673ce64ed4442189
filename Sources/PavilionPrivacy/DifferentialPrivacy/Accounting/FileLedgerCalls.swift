import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin internal wrappers over the POSIX calls ``FileBudgetLedger`` makes.
enum FileLedgerCalls {
    private static func failure(_ call: String, _ path: String) -> DifferentialPrivacyError {
        let code = errno
        return DifferentialPrivacyError(.ledgerIO, "\(call) \(path): \(String(cString: strerror(code))) (errno \(code))")
    }

    /// Open (creating with mode 0600) for appending (`open(O_WRONLY|O_APPEND|O_CREAT)`).
    /// - Returns: the descriptor and whether the file was created.
    static func openForAppend(_ path: String) throws(DifferentialPrivacyError) -> (fd: Int32, created: Bool) {
        var fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
        if fd >= 0 { return (fd, false) }
        guard errno == ENOENT else { throw failure("open", path) }
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw failure("open", path) }
        return (fd, true)
    }

    /// Take an exclusive advisory lock without waiting (`flock(LOCK_EX|LOCK_NB)`):
    /// one process (one open ledger) appends at a time.
    static func lockExclusive(_ fd: Int32, path: String) throws(DifferentialPrivacyError) {
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw failure("flock", path) }
    }

    /// The file's size (`fstat`).
    static func size(_ fd: Int32, path: String) throws(DifferentialPrivacyError) -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("fstat", path) }
        return Int64(info.st_size)
    }

    /// Write all of `bytes` (`write`, retried on `EINTR` and short writes).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(DifferentialPrivacyError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + written }, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            written += n
        }
    }

    /// Cut the file to `length` bytes (`ftruncate`).
    static func truncate(_ fd: Int32, to length: Int64, path: String) throws(DifferentialPrivacyError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw failure("ftruncate", path) }
    }

    /// Flush to disk (`fsync`).
    static func sync(_ fd: Int32, path: String) throws(DifferentialPrivacyError) {
        guard fsync(fd) == 0 else { throw failure("fsync", path) }
    }

    /// Make a new file's name durable (`open(O_DIRECTORY)`, `fsync`).
    static func syncDirectory(_ directory: String) throws(DifferentialPrivacyError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync", directory) }
    }

    /// Close, ignoring errors (`close`).
    static func closeQuietly(_ fd: Int32) { _ = close(fd) }
}
