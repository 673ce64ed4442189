import Foundation
import Synchronization

/// Checkpoints the WAL on a connection and queue of its own, so that the
/// writer's commits (and the verifications waiting on them) never pay for
/// copying pages into the database file and its fsync.
///
/// The writer's commit hook calls ``walGrew(frames:)``; once the WAL holds
/// `threshold` frames more than it held at the last checkpoint, a passive
/// checkpoint is queued (at most one at a time). Passive checkpoints never wait for the
/// writer or readers; SQLite restarts the WAL from the start at the first
/// write transaction that begins after a complete one. A busy writer often
/// begins its next transaction while a checkpoint still runs, so the WAL
/// may go on growing past `threshold` (and a long reader keeps a checkpoint
/// from copying all of it): counting only the frames added since the last
/// checkpoint keeps that from queueing one (two fsyncs) after every commit,
/// which it did, about 100 a second under load.
/// Durability does not depend on them: a commit is durable in the WAL.
final class WALCheckpointer: Sendable {
    private let worker: DatabaseWorker
    private let threshold: Int
    private let scheduled = Atomic<Bool>(false)
    private let completed = Atomic<Int>(0)
    /// WAL frames at the last checkpoint (0 once the WAL restarted).
    private let checkpointedAt = Atomic<Int>(0)

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
        guard frames - last >= threshold else { return }
        guard !scheduled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        worker.submit { [self] db in
            // A failure (busy, I/O) leaves the WAL as it is; the next commit asks again.
            if let result = try? db.checkpointPassive() {
                checkpointedAt.store(result.walFrames, ordering: .relaxed)
                completed.add(1, ordering: .relaxed)
            }
            scheduled.store(false, ordering: .releasing)
        }
    }
}
