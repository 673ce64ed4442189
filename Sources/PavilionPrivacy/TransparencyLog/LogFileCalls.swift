import Glibc

/// The thin POSIX calls behind ``LogFile``: each retries `EINTR` and turns
/// `errno` into a ``TransparencyLogError`` naming the call and the path.
enum LogFileCalls {
    static func open(_ path: String, create: Bool) throws(TransparencyLogError) -> Int32 {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        var fd: Int32
        repeat { fd = Glibc.open(path, flags, 0o600) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw failure("open", path) }
        return fd
    }

    static func readAll(_ fd: Int32, _ path: String) throws(TransparencyLogError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("pread", path)
            }
            if count == 0 { return out }
            out.append(contentsOf: chunk[0..<count])
            offset += off_t(count)
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], at offset: UInt64, _ path: String) throws(TransparencyLogError) {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Glibc.pwrite(fd, base + done, buffer.count - done, off_t(offset) + off_t(done))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("pwrite", path)
            }
            done += count
        }
    }

    static func sync(_ fd: Int32, _ path: String) throws(TransparencyLogError) {
        var result: Int32
        repeat { result = Glibc.fsync(fd) } while result < 0 && errno == EINTR
        guard result == 0 else { throw failure("fsync", path) }
    }

    static func truncate(_ fd: Int32, to length: UInt64, _ path: String) throws(TransparencyLogError) {
        var result: Int32
        repeat { result = Glibc.ftruncate(fd, off_t(length)) } while result < 0 && errno == EINTR
        guard result == 0 else { throw failure("ftruncate", path) }
    }

    /// `fsync` the folder holding `path`, so a newly created file survives a crash.
    static func syncDirectory(of path: String) throws(TransparencyLogError) {
        let directory = path.contains("/") ? String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) : "."
        let fd = Glibc.open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", directory) }
        defer { _ = Glibc.close(fd) }
        try sync(fd, directory)
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    private static func failure(_ call: String, _ path: String) -> TransparencyLogError {
        let code = errno
        return TransparencyLogError(.io, "\(call)(\(path)): \(String(cString: strerror(code)))")
    }
}
