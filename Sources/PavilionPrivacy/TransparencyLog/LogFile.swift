/// The append-only file behind a durable ``TransparencyLog``.
///
/// Layout: the 8-byte magic `PVTLOG1\n`, then one record per entry:
/// a 4-byte big-endian length and the entry's bytes. Nothing is ever
/// rewritten. An append writes its records past the end with `pwrite` and
/// returns only after `fsync`; if the process dies mid-append, the torn
/// record at the tail was never acknowledged and is cut off on the next
/// open. Leaf and subtree hashes are not stored: opening re-hashes every
/// entry (O(n), about a second per million entries), so a file can never
/// disagree with its hashes.
final class LogFile {
    static let magic: [UInt8] = Array("PVTLOG1\n".utf8)

    let path: String
    private let fd: Int32
    private(set) var length: UInt64

    /// Open or create the file and read its entries.
    /// - Returns: the file and the entries it holds, oldest first.
    static func open(path: String, maxEntryLength: Int) throws(TransparencyLogError) -> (LogFile, [[UInt8]]) {
        let fd = try LogFileCalls.open(path, create: true)
        let bytes: [UInt8]
        do { bytes = try LogFileCalls.readAll(fd, path) } catch {
            LogFileCalls.close(fd)
            throw error
        }
        do throws(TransparencyLogError) {
            if bytes.isEmpty {
                try LogFileCalls.writeAll(fd, magic, at: 0, path)
                try LogFileCalls.sync(fd, path)
                try LogFileCalls.syncDirectory(of: path)
                return (LogFile(path: path, fd: fd, length: UInt64(magic.count)), [])
            }
            guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
                throw TransparencyLogError(.corrupt, "\(path) is not a Pavilion transparency log (bad magic)")
            }
            var entries: [[UInt8]] = []
            var offset = magic.count
            while offset + 4 <= bytes.count {
                let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
                guard length > 0, length <= maxEntryLength else {
                    throw TransparencyLogError(.corrupt, "\(path): record \(entries.count) at byte \(offset) has length \(length)")
                }
                guard offset + 4 + length <= bytes.count else { break }
                entries.append(Array(bytes[(offset + 4)..<(offset + 4 + length)]))
                offset += 4 + length
            }
            if offset < bytes.count {
                // A torn tail: an append that never returned. Cut it off.
                try LogFileCalls.truncate(fd, to: UInt64(offset), path)
                try LogFileCalls.sync(fd, path)
            }
            return (LogFile(path: path, fd: fd, length: UInt64(offset)), entries)
        } catch {
            LogFileCalls.close(fd)
            throw error
        }
    }

    private init(path: String, fd: Int32, length: UInt64) {
        self.path = path
        self.fd = fd
        self.length = length
    }

    deinit { LogFileCalls.close(fd) }

    /// Append `entries` as records and `fsync`. On failure the file is cut
    /// back to its old length (best effort) and nothing counts as appended.
    func append(_ entries: [[UInt8]]) throws(TransparencyLogError) {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(entries.reduce(0) { $0 + 4 + $1.count })
        for entry in entries {
            let n = UInt32(entry.count)
            buffer.append(contentsOf: [UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)])
            buffer.append(contentsOf: entry)
        }
        do {
            try LogFileCalls.writeAll(fd, buffer, at: length, path)
            try LogFileCalls.sync(fd, path)
        } catch {
            try? LogFileCalls.truncate(fd, to: length, path)
            throw error
        }
        length += UInt64(buffer.count)
    }
}
