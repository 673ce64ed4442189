import Foundation

/// Group commit: verification records that arrive while the database is
/// busy wait together and are written in one transaction, one fsync for the
/// whole group. Each caller is answered only after the commit that holds its
/// record is durable; one record that fails fails alone (the store then
/// rewrites the group with a savepoint per record).
final class GroupCommit<Item: Sendable, Output: Sendable>: @unchecked Sendable {
    // @unchecked: `pending` and `scheduled` are only touched under `lock`.
    struct Waiter {
        let item: Item
        let continuation: CheckedContinuation<Result<Output, StoreError>, Never>
    }

    private let lock = NSLock()
    private var pending: [Waiter] = []
    private var scheduled = false

    /// Add a waiter; returns true when the caller must schedule a drain.
    func enqueue(_ waiter: Waiter) -> Bool {
        lock.withLock {
            pending.append(waiter)
            if scheduled { return false }
            scheduled = true
            return true
        }
    }

    /// Take every waiter; waiters enqueued after this schedule a new drain.
    func takeAll() -> [Waiter] {
        lock.withLock {
            let batch = pending
            pending = []
            scheduled = false
            return batch
        }
    }
}
