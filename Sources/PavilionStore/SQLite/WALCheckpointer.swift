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
/// So when a background checkpoint has copied all it saw, the writer's next
/// commit hook copies the few frames added meanwhile itself, on its own
/// connection (``WALGrowth/finishHere``), and the write after that restarts
/// the WAL. Only if `threshold` frames or more came meanwhile is the rest
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

    /// What the writer does after a commit.
    enum WALGrowth: Equatable {
        /// Nothing.
        case wait
        /// Checkpoint what is left on the writer's own connection now, then call ``finished(frames:)``.
        case finishHere
    }

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
    func walGrew(frames: Int) -> WALGrowth {
        var last = checkpointedAt.load(ordering: .relaxed)
        if frames < last {  // the WAL restarted
            checkpointedAt.store(0, ordering: .relaxed)
            last = 0
        }
        let copied = copiedForWriter.exchange(-1, ordering: .acquiringAndReleasing)
        if copied >= 0, frames >= copied, frames - copied < threshold { return .finishHere }
        guard frames - last >= threshold else { return .wait }
        guard !scheduled.exchange(true, ordering: .acquiringAndReleasing) else { return .wait }
        worker.submit { [self] db in
            // A failure (busy, I/O) leaves the WAL as it is; the next commit asks again.
            if let result = try? db.checkpointPassive() {
                checkpointedAt.store(result.walFrames, ordering: .relaxed)
                completed.add(1, ordering: .relaxed)
                if result.checkpointed == result.walFrames { copiedForWriter.store(result.walFrames, ordering: .releasing) }
            }
            scheduled.store(false, ordering: .releasing)
        }
        return .wait
    }

    /// The writer finished a checkpoint on its connection (``WALGrowth/finishHere``).
    func finished(frames: Int) {
        checkpointedAt.store(frames, ordering: .relaxed)
        completed.add(1, ordering: .relaxed)
        writerFinished.add(1, ordering: .relaxed)
    }

    /// Checkpoints the writer finished itself (for tests and diagnostics).
    var writerFinishedCount: Int { writerFinished.load(ordering: .relaxed) }
}
