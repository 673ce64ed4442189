import Dispatch

/// Confines one ``SQLiteConnection`` to a serial dispatch queue, so that
/// blocking SQLite work (and its fsyncs) never runs on the Swift
/// concurrency pool, and the connection is never used by two threads at once.
final class DatabaseWorker: @unchecked Sendable {
    // @unchecked: `connection` is only touched from blocks on `queue`.
    private let queue: DispatchQueue
    private let connection: SQLiteConnection

    init(connection: SQLiteConnection, label: String) {
        self.connection = connection
        queue = DispatchQueue(label: label)
    }

    /// Run `body` with the connection on the worker's queue.
    @discardableResult
    func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(StoreError) -> T) async throws(StoreError) -> T {
        let result: Result<T, StoreError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(StoreError) -> T in try body(self.connection) })
            }
        }
        return try result.get()
    }

    /// Queue `body` on the worker's queue without waiting for it.
    func submit(_ body: @escaping @Sendable (SQLiteConnection) -> Void) {
        queue.async { body(self.connection) }
    }

    /// Run `body` with the connection on the worker's queue, blocking the
    /// caller; for opening only, before the store is shared.
    func runBlocking<T>(_ body: (SQLiteConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        let result: Result<T, StoreError> = queue.sync { Result { () throws(StoreError) -> T in try body(connection) } }
        return try result.get()
    }
}
