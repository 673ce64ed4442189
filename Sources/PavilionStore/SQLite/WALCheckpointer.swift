import Foundation
import Synchronization

/// Checkpoints the WAL on a connection and queue of its own, so that the
/// writer's commits (and the verifications waiting on them) never pay for
/// copying pages into the database file and its fsync.
///
/// The writer's commit hook calls ``walGrew(frames:)``; once the WAL has
/// grown by `threshold` frames since the last checkpoint (or since it
/// restarted), a passive checkpoint is queued (at most one at a time).
/// Passive checkpoints never wait for the writer or readers.
///
/// SQLite restarts the WAL from its start only at a write transaction that
/// begins once every frame has been copied. A busy writer commits again
/// while the background checkpoint copies, so by the time it ends there are
/// new frames and the WAL would never restart: in `bench http` it grew to
/// 1.7 GB, every `fdatasync` of it then changed the file's size (a journal
/// commit on ext4), and a checkpoint was queued after nearly every commit.
/// So when a background checkpoint has copied all it saw, the writer copies
/// the few frames added meanwhile itself, on its own connection, once it
/// has answered the group it was committing (``finishIfAsked(on:)``), and
/// its next write restarts the WAL. Only if `threshold` frames or more came meanwhile is the rest
/// left to the next background round.
/// Durability does not depend on checkpoints: a commit is durable in the WAL.
final class WALCheckpointer: Sendable {
    private let worker: DatabaseWorker
    private let threshold: Int
    private let scheduled = Atomic<Bool>(false)
    private let completed = Atomic<Int>(0)
    private let writerFinished = Atomic<Int>(0)
    /// WAL frames at the last checkpoint (0 once the WAL restarted).
    private let checkpointedAt = Atomic<Int>(0)
    /// Frames a background checkpoint copied, all it saw, for the writer to
    /// finish from; -1 when there is none.
    private let copiedForWriter = Atomic<Int>(-1)
    /// Set when the writer should copy the rest itself (``finishIfAsked(on:)``).
    private let finishRequested = Atomic<Bool>(false)

    /// Open a connection of its own to `path` (an existing WAL database).
    init(path: String, threshold: Int, busyTimeoutMilliseconds: Int32) throws(StoreError) {
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path, create: false, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            // The checkpoint fsyncs the WAL before copying and the database after.
            try connection.execute("PRAGMA synchronous = FULL")
        } catch {
            throw StoreError(error, "cannot open \(path) for checkpoints")
        }
        worker = DatabaseWorker(connection: connection, label: "pavilion.store.checkpoint")
        self.threshold = max(1, threshold)
    }

    /// Checkpoints completed so far (for tests and diagnostics).
    var completedCount: Int { completed.load(ordering: .relaxed) }

    /// Called by the writer after each commit with the WAL's frame count.
    func walGrew(frames: Int) {
        var last = checkpointedAt.load(ordering: .relaxed)
        if frames < last {  // the WAL restarted
            checkpointedAt.store(0, ordering: .relaxed)
            last = 0
        }
        let copied = copiedForWriter.exchange(-1, ordering: .acquiringAndReleasing)
        if copied >= 0, frames >= copied, frames - copied < threshold {
            finishRequested.store(true, ordering: .releasing)
            return
        }
        guard frames - last >= threshold else { return }
        guard !scheduled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        worker.submit { [self] db in
            // A failure (busy, I/O) leaves the WAL as it is; the next commit asks again.
            if let result = try? db.checkpointPassive() {
                checkpointedAt.store(result.walFrames, ordering: .relaxed)
                completed.add(1, ordering: .relaxed)
                if result.checkpointed == result.walFrames { copiedForWriter.store(result.walFrames, ordering: .releasing) }
            }
            scheduled.store(false, ordering: .releasing)
        }
    }

    /// Called by the writer, on its connection, between groups: copy what
    /// the last background checkpoint left, if ``walGrew(frames:)`` asked
    /// for it, so that the next write restarts the WAL.
    func finishIfAsked(on connection: SQLiteConnection) {
        guard finishRequested.exchange(false, ordering: .acquiringAndReleasing),
              let result = try? connection.checkpointPassive() else { return }
        checkpointedAt.store(result.walFrames, ordering: .relaxed)
        completed.add(1, ordering: .relaxed)
        writerFinished.add(1, ordering: .relaxed)
    }

    /// Checkpoints the writer finished itself (for tests and diagnostics).
    var writerFinishedCount: Int { writerFinished.load(ordering: .relaxed) }
}
