import Foundation

/// A sorted run of the streaming client: ``PSIClient/Indexed`` records of
/// 20 bytes (the 12-byte digest, then the index as 8 bytes big-endian),
/// ascending, written once and read back sequentially in blocks, so
/// neither side of the file holds more than one block in memory.
enum PSIRunFile {
    static let recordLength = PSIProtocol.digestLength + 8
    /// Records per read or write block (64 Ki records, 1.25 MiB).
    static let blockRecords = 65_536

    /// Write `records` (already sorted) to a new file at `path`.
    /// - Throws: ``PSIError`` `.cacheIO`.
    static func write(_ records: [PSIClient.Indexed], to path: String) throws(PSIError) {
        guard let out = create(path) else { throw PSIError(.cacheIO, "\(path): cannot be created") }
        defer { try? out.close() }
        for start in stride(from: 0, to: records.count, by: blockRecords) {
            try append(records[start ..< min(start + blockRecords, records.count)], to: out, path: path)
        }
    }

    /// A new file (mode 0600) open for writing; nil when it cannot be created.
    private static func create(_ path: String) -> FileHandle? {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else { return nil }
        return FileHandle(forWritingAtPath: path)
    }

    /// Encode `records` and write them in one call.
    private static func append(_ records: some Collection<PSIClient.Indexed>, to out: FileHandle, path: String) throws(PSIError) {
        var block: [UInt8] = []
        block.reserveCapacity(records.count * recordLength)
        for record in records {
            record.digest.append(to: &block)
            let index = UInt64(record.index)
            for shift in stride(from: 56, through: 0, by: -8) { block.append(UInt8(truncatingIfNeeded: index >> UInt64(shift))) }
        }
        do { try out.write(contentsOf: block) } catch { throw PSIError(.cacheIO, "\(path): \(error.localizedDescription)") }
    }

    /// Check a cardinality session's answer (whole 12-byte digests, one per
    /// element sent, ascending) and write it as a run (index = position),
    /// without decoding it into an array first.
    /// - Throws: ``PSIError`` `.malformedMessage` for a bad answer, `.cacheIO`.
    static func writeSessionDigests(_ answer: [UInt8], expected: Int, to path: String) throws(PSIError) {
        guard answer.count % PSIProtocol.digestLength == 0 else {
            throw PSIError(.malformedMessage, "\(answer.count) bytes is not a whole number of \(PSIProtocol.digestLength)-byte digests")
        }
        let count = answer.count / PSIProtocol.digestLength
        guard count == expected else {
            throw PSIError(.malformedMessage, "the server returned \(count) digests for \(expected) elements")
        }
        var block: [PSIClient.Indexed] = []
        block.reserveCapacity(min(count, blockRecords))
        var previous: PSIDigest?
        guard let out = create(path) else { throw PSIError(.cacheIO, "\(path): cannot be created") }
        defer { try? out.close() }
        for i in 0..<count {
            let digest = PSIDigest(answer, at: i * PSIProtocol.digestLength)
            if let previous, digest < previous { throw PSIError(.malformedMessage, "the server's session digests are not sorted") }
            previous = digest
            block.append(PSIClient.Indexed(digest: digest, index: i))
            if block.count == blockRecords || i == count - 1 {
                try append(block, to: out, path: path)
                block.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Records each of `runs` readers reads at a time, so that all their
    /// blocks together stay near 1.25 MiB × 16 (64 Ki records for one run,
    /// down to 1 Ki records — 20 KiB — each for 1,024 runs or more).
    static func readBlockRecords(runs: Int) -> Int {
        max(1_024, min(blockRecords, 16 * blockRecords / max(1, runs)))
    }

    /// Reads a run file back, one block at a time.
    final class Reader: PSIClient.SortedDigests {
        let path: String
        private let handle: FileHandle
        private let blockRecords: Int
        private var block: [UInt8] = []
        private var position = 0
        private var finished = false

        /// - Parameters:
        ///   - path: the run file.
        ///   - blockRecords: records per read.
        /// - Throws: ``PSIError`` `.cacheIO` when the file cannot be opened.
        init(path: String, blockRecords: Int = PSIRunFile.blockRecords) throws(PSIError) {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw PSIError(.cacheIO, "\(path): cannot be read") }
            self.path = path
            self.handle = handle
            self.blockRecords = max(1, blockRecords)
        }

        deinit { try? handle.close() }

        /// The next record; nil at the end.
        /// - Throws: ``PSIError`` `.cacheIO` for a read error or a truncated record.
        func next() throws(PSIError) -> PSIClient.Indexed? {
            if position == block.count {
                guard !finished else { return nil }
                let data: Data
                do { data = try handle.read(upToCount: blockRecords * PSIRunFile.recordLength) ?? Data() } catch {
                    throw PSIError(.cacheIO, "\(path): \(error.localizedDescription)")
                }
                block = [UInt8](data)
                position = 0
                if block.count < blockRecords * PSIRunFile.recordLength { finished = true }
                guard block.count % PSIRunFile.recordLength == 0 else { throw PSIError(.cacheIO, "\(path): truncated record") }
                if block.isEmpty { return nil }
            }
            let digest = PSIDigest(block, at: position)
            var index: UInt64 = 0
            for i in position + PSIProtocol.digestLength ..< position + PSIRunFile.recordLength { index = index << 8 | UInt64(block[i]) }
            position += PSIRunFile.recordLength
            guard index <= UInt64(Int.max) else { throw PSIError(.cacheIO, "\(path): an index out of range") }
            return PSIClient.Indexed(digest: digest, index: Int(index))
        }
    }
}
