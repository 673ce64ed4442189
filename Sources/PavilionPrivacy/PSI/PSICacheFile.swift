import Foundation
import PavilionCrypto
import Synchronization

/// One file of a server's preprocessed set: a 64-byte header, then `count`
/// fixed-size entries (12-byte digests or 65-byte points), read back a page
/// at a time so the server never holds the set in memory.
///
/// Header: magic (8 bytes, `PVPSID01` or `PVPSIP01`), count (8, big-endian),
/// the set file's fingerprint (32), the first 16 bytes of SHA-256 of the
/// server's public key (16).
final class PSICacheFile: Sendable {
    static let headerLength = 64
    let path: String
    let count: Int
    let entryLength: Int
    private let handle: Mutex<FileHandle>

    struct Header: Equatable {
        var magic: [UInt8]
        var count: Int
        var setFingerprint: [UInt8]
        var keyFingerprint: [UInt8]

        var bytes: [UInt8] {
            var out = magic
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: UInt64(count) >> UInt64(shift))) }
            return out + setFingerprint + keyFingerprint
        }

        init(magic: [UInt8], count: Int, setFingerprint: [UInt8], keyFingerprint: [UInt8]) {
            self.magic = magic
            self.count = count
            self.setFingerprint = setFingerprint
            self.keyFingerprint = keyFingerprint
        }

        init?(_ bytes: [UInt8]) {
            guard bytes.count == PSICacheFile.headerLength else { return nil }
            magic = Array(bytes[0..<8])
            var n: UInt64 = 0
            for i in 8..<16 { n = n << 8 | UInt64(bytes[i]) }
            guard n < UInt64(Int.max) else { return nil }
            count = Int(n)
            setFingerprint = Array(bytes[16..<48])
            keyFingerprint = Array(bytes[48..<64])
        }
    }

    /// Open an existing cache file when its header matches `expected`
    /// (magic, set and key fingerprints) and its size matches its count; nil otherwise.
    static func open(path: String, expected: Header, entryLength: Int) -> PSICacheFile? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        guard let data = try? handle.read(upToCount: headerLength), let header = Header([UInt8](data)),
              header.magic == expected.magic, header.setFingerprint == expected.setFingerprint,
              header.keyFingerprint == expected.keyFingerprint,
              let size = try? handle.seekToEnd(), size == UInt64(headerLength + header.count * entryLength) else {
            try? handle.close()
            return nil
        }
        return PSICacheFile(path: path, handle: handle, count: header.count, entryLength: entryLength)
    }

    private init(path: String, handle: FileHandle, count: Int, entryLength: Int) {
        self.path = path
        self.count = count
        self.entryLength = entryLength
        self.handle = Mutex(handle)
    }

    deinit { handle.withLock { try? $0.close() } }

    /// Write `header` and the entries that `fill` appends, to a temporary
    /// file renamed over `path` when complete (mode 0644).
    static func write(path: String, header: Header, entryLength: Int,
                      _ fill: (_ emit: ([UInt8]) throws(PSIError) -> Void) throws(PSIError) -> Void) throws(PSIError) -> PSICacheFile {
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let out = FileHandle(forWritingAtPath: temporary) else {
            throw PSIError(.cacheIO, "\(temporary): cannot be created")
        }
        var written = 0
        do throws(PSIError) {
            let emit = { (bytes: [UInt8]) throws(PSIError) -> Void in
                do { try out.write(contentsOf: bytes) } catch { throw PSIError(.cacheIO, "\(temporary): \(error.localizedDescription)") }
            }
            try emit(header.bytes)
            try fill { (bytes: [UInt8]) throws(PSIError) in
                written += bytes.count
                try emit(bytes)
            }
            do { try out.close() } catch { throw PSIError(.cacheIO, "\(temporary): \(error.localizedDescription)") }
            guard written == header.count * entryLength else {
                throw PSIError(.cacheIO, "\(temporary): wrote \(written) bytes for \(header.count) entries")
            }
            if FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
            do { try FileManager.default.moveItem(atPath: temporary, toPath: path) } catch {
                throw PSIError(.cacheIO, "\(path): \(error.localizedDescription)")
            }
        } catch {
            try? out.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        guard let file = open(path: path, expected: header, entryLength: entryLength) else {
            throw PSIError(.cacheIO, "\(path): cannot be read back")
        }
        return file
    }

    /// Entries `offset ..< offset + count`, back to back.
    /// - Throws: ``PSIError`` `.malformedMessage` for a range outside the file, `.cacheIO` when reading fails.
    func read(offset: Int, count wanted: Int) throws(PSIError) -> [UInt8] {
        guard offset >= 0, wanted >= 0, offset <= count else {
            throw PSIError(.malformedMessage, "offset \(offset) is outside the set of \(count)")
        }
        let n = min(wanted, count - offset)
        guard n > 0 else { return [] }
        let result: Result<[UInt8], PSIError> = handle.withLock { handle in
            do {
                try handle.seek(toOffset: UInt64(Self.headerLength + offset * entryLength))
                let data = try handle.read(upToCount: n * entryLength) ?? Data()
                guard data.count == n * entryLength else { return .failure(PSIError(.cacheIO, "\(path): short read")) }
                return .success([UInt8](data))
            } catch {
                return .failure(PSIError(.cacheIO, "\(path): \(error.localizedDescription)"))
            }
        }
        return try result.get()
    }
}
