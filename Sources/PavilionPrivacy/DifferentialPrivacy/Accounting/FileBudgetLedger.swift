import Foundation
import Synchronization

/// A ``BudgetLedger`` in a JSON-lines file: one entry per line, appended
/// with `O_APPEND` and `fsync`ed before ``append(_:)`` returns.
///
/// Opening takes an exclusive `flock` (one writer at a time), and cuts a
/// torn last line (a crash mid-write, never acknowledged) back to the last
/// newline; any other unparsable line is refused as corruption, so a
/// damaged ledger stops queries instead of forgetting spending. A failed
/// write is cut back the same way. Thread-safe.
public final class FileBudgetLedger: BudgetLedger {
    private struct State {
        var fd: Int32
        var size: Int64
    }

    /// The ledger file.
    public let path: String
    private let state: Mutex<State>

    /// Open or create the ledger at `path` (mode 0600; the folder must exist).
    /// - Throws: ``DifferentialPrivacyError/Code/ledgerIO`` when the file
    ///   cannot be opened, locked or repaired (another process holds it);
    ///   ``DifferentialPrivacyError/Code/ledgerCorrupt`` for a bad line.
    public init(path: String) throws(DifferentialPrivacyError) {
        self.path = path
        let (fd, created) = try FileLedgerCalls.openForAppend(path)
        do throws(DifferentialPrivacyError) {
            try FileLedgerCalls.lockExclusive(fd, path: path)
            if created {
                let folder = (path as NSString).deletingLastPathComponent
                try FileLedgerCalls.syncDirectory(folder.isEmpty ? "." : folder)
            }
            let bytes = try Self.read(path)
            let keep = Int64((bytes.lastIndex(of: 0x0A) ?? -1) + 1)
            if keep < Int64(bytes.count) {
                try FileLedgerCalls.truncate(fd, to: keep, path: path)
                try FileLedgerCalls.sync(fd, path: path)
            }
            _ = try Self.parse(bytes.prefix(Int(keep)))
            state = Mutex(State(fd: fd, size: keep))
        } catch {
            FileLedgerCalls.closeQuietly(fd)
            throw error
        }
    }

    deinit { state.withLock { FileLedgerCalls.closeQuietly($0.fd) } }

    /// Every entry in the file, oldest first.
    /// - Throws: ``DifferentialPrivacyError/Code/ledgerIO`` or
    ///   ``DifferentialPrivacyError/Code/ledgerCorrupt``.
    public func entries() throws(DifferentialPrivacyError) -> [BudgetLedgerEntry] {
        let size = state.withLock { $0.size }
        return try Self.parse(try Self.read(path).prefix(Int(size)))
    }

    /// Append one line and `fsync`.
    /// - Throws: ``DifferentialPrivacyError/Code/ledgerIO``; the partial
    ///   line, if any, is cut off again.
    public func append(_ entry: BudgetLedgerEntry) throws(DifferentialPrivacyError) {
        let line = try entry.jsonLine()
        try state.withLock { (s: inout State) throws(DifferentialPrivacyError) in
            do throws(DifferentialPrivacyError) {
                try FileLedgerCalls.writeAll(s.fd, line, path: path)
                try FileLedgerCalls.sync(s.fd, path: path)
                s.size += Int64(line.count)
            } catch {
                try? FileLedgerCalls.truncate(s.fd, to: s.size, path: path)
                throw error
            }
        }
    }

    private static func read(_ path: String) throws(DifferentialPrivacyError) -> [UInt8] {
        do { return Array(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw DifferentialPrivacyError(.ledgerIO, "read \(path): \(error)")
        }
    }

    private static func parse(_ bytes: some Collection<UInt8>) throws(DifferentialPrivacyError) -> [BudgetLedgerEntry] {
        var entries: [BudgetLedgerEntry] = []
        var number = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
            number += 1
            do { entries.append(try BudgetLedgerEntry(jsonLine: line)) } catch {
                throw DifferentialPrivacyError(.ledgerCorrupt, "line \(number): \(error.reason)")
            }
        }
        return entries
    }
}
