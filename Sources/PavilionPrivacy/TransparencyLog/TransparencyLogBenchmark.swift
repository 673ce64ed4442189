import Foundation
import PavilionCore

/// Micro-benchmarks of the transparency log, for `pavilion bench privacy`
/// (not tests: they measure, they do not assert).
public enum TransparencyLogBenchmark {
    /// `log_append_per_s`: entries appended per second to an in-memory
    /// ``TransparencyLog`` — leaf hashing, subtree-cache updates and the lock
    /// included; no signing, no file.
    /// - Parameters:
    ///   - entries: how many entries to append (after 1,000 warm-up appends).
    ///   - entryLength: the size of each entry in bytes; about the size of a
    ///     (version-1, signed) receipt by default, twice a version-2 one.
    /// - Returns: appends per second.
    public static func logAppendPerSecond(entries: Int = 200_000, entryLength: Int = 700) -> Double {
        let log = TransparencyLog()
        var entry = [UInt8](repeating: 0x61, count: max(entryLength, 8))
        func next(_ i: Int) -> [UInt8] {
            withUnsafeBytes(of: UInt64(i).bigEndian) { entry.replaceSubrange(0..<8, with: $0) }
            return entry
        }
        for i in 0..<1_000 { _ = try? log.append(next(i)) }
        let start = ContinuousClock.now
        for i in 1_000..<(1_000 + entries) { _ = try? log.append(next(i)) }
        let elapsed = ContinuousClock.now - start
        let seconds = elapsed.inSeconds
        return seconds > 0 ? Double(entries) / seconds : 0
    }

    /// Entries per second appended durably to a file-backed log in batches
    /// of `batch` (one `fsync` per batch) — for comparison; not part of the
    /// bench contract.
    /// - Parameters:
    ///   - path: a log file to create (removed afterwards).
    ///   - entries: how many entries.
    ///   - batch: entries per `fsync`.
    /// - Returns: appends per second.
    /// - Throws: ``TransparencyLogError`` when the file cannot be written.
    public static func durableAppendPerSecond(path: String, entries: Int = 20_000, batch: Int = 100) throws(TransparencyLogError) -> Double {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try TransparencyLog(path: path)
        let entry = [UInt8](repeating: 0x62, count: 700)
        let start = ContinuousClock.now
        var done = 0
        while done < entries {
            let n = min(batch, entries - done)
            try log.append(contentsOf: Array(repeating: entry, count: n))
            done += n
        }
        let elapsed = ContinuousClock.now - start
        let seconds = elapsed.inSeconds
        return seconds > 0 ? Double(entries) / seconds : 0
    }
}
