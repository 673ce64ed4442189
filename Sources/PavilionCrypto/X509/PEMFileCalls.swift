import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin internal wrappers over the POSIX calls ``PEMFile`` makes to replace a
/// file atomically with a given mode from its first byte (no window where the
/// process umask decides who can read a key).
enum PEMFileCalls {
    private static func failure(_ call: String, _ path: String) -> CryptoError {
        let code = errno
        return CryptoError(call: call, reason: "\(path): \(String(cString: strerror(code))) (errno \(code))")
    }

    /// Create `path` exclusively with `mode` (`open(O_CREAT|O_EXCL|O_NOFOLLOW)`,
    /// then `fchmod` so the umask cannot narrow or the mode widen).
    static func createExclusive(_ path: String, mode: UInt16) throws(CryptoError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode_t(mode))
        guard fd >= 0 else { throw failure("open", path) }
        guard fchmod(fd, mode_t(mode)) == 0 else {
            let error = failure("fchmod", path)
            close(fd)
            throw error
        }
        return fd
    }

    /// Write all of `bytes` (`write`, retried on `EINTR` and short writes).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(CryptoError) {
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

    /// Flush to disk (`fsync`).
    static func sync(_ fd: Int32, path: String) throws(CryptoError) {
        guard fsync(fd) == 0 else { throw failure("fsync", path) }
    }

    /// Close (`close`); a failure to close a written file is an error.
    static func closeFile(_ fd: Int32, path: String) throws(CryptoError) {
        guard close(fd) == 0 else { throw failure("close", path) }
    }

    /// Close, ignoring errors (cleanup after another failure).
    static func closeQuietly(_ fd: Int32) { _ = close(fd) }

    /// Atomically replace `to` with `from` (`rename`).
    static func replace(_ from: String, with to: String) throws(CryptoError) {
        guard rename(from, to) == 0 else { throw failure("rename", to) }
    }

    /// Remove `path`, ignoring errors (`unlink`).
    static func removeQuietly(_ path: String) { _ = unlink(path) }

    /// Make a rename in `directory` durable (`open(O_DIRECTORY)`, `fsync`).
    static func syncDirectory(_ directory: String) throws(CryptoError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync", directory) }
    }

    /// The permission bits of `path` (`stat`).
    static func permissions(_ path: String) throws(CryptoError) -> UInt16 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw failure("stat", path) }
        return UInt16(truncatingIfNeeded: info.st_mode & 0o7777)
    }
}
