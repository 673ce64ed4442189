import Foundation
import PavilionCrypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin internal wrappers over the POSIX file calls the store makes, so that
/// files holding data or keys are created with mode 0600 from the first
/// byte (no window with the process umask).
enum FileCalls {
    private static func failure(_ call: String, _ path: String, file: String = #fileID, line: Int = #line) -> StoreError {
        let code = errno
        return StoreError(.fileSystem, "\(path): \(String(cString: strerror(code)))", call: call, resultCode: code,
                          file: file, line: line)
    }

    /// Make `path` a directory with mode 0700 if it does not exist, and its
    /// missing parents likewise (`mkdir`).
    static func ensureDirectory(_ path: String) throws(StoreError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw StoreError(.fileSystem, "\(path) exists and is not a directory", call: "stat")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path, !exists(parent) { try ensureDirectory(parent) }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw failure("mkdir", path) }
    }

    /// Create `path` if missing with mode 0600 and force an existing file to
    /// 0600 (`open(O_CREAT)`, `fchmod`).
    static func ensurePrivateFile(_ path: String) throws(StoreError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("open", path) }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else { throw failure("fchmod", path) }
    }

    /// Whether `path` exists.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// The permission bits of `path` (`stat`).
    static func permissions(_ path: String) throws(StoreError) -> UInt32 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw failure("stat", path) }
        return UInt32(info.st_mode) & 0o7777
    }

    /// Write `bytes` to a new file at `path` with mode 0600, failing if it
    /// exists (`open(O_EXCL)`, `write`, `fsync`).
    static func createPrivateFile(_ path: String, bytes: [UInt8]) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("open", path) }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + written }, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            written += n
        }
        guard fsync(fd) == 0 else { throw failure("fsync", path) }
    }

    /// The whole contents of a small file (`open`, `read`), refusing more
    /// than `limit` bytes.
    static func readFile(_ path: String, limit: Int) throws(StoreError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", path) }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("read", path)
            }
            if n == 0 { break }
            out += chunk[0..<n]
            guard out.count <= limit else {
                throw StoreError(.fileSystem, "\(path) is larger than \(limit) bytes", call: "read")
            }
        }
        ConstantTime.wipe(&chunk)
        return out
    }
}
