import Foundation

/// Read-only connections for the hot-path lookups (API keys, enabled
/// connectors, single verifications), run on a concurrent reading queue.
///
/// In WAL mode a reader sees the last committed state and never waits for
/// the writer, so these point lookups (a few index pages, normally in the
/// page cache) take microseconds and never queue behind a group commit's
/// fsync. They run on the reading queue, not on the caller's thread: the
/// callers are event loops, and a read can wait in SQLite's busy handler
/// while a checkpoint restarts the WAL (docs/store.md). Each connection is
/// used by one read at a time: it is taken out of the pool for the call;
/// reads beyond the idle connections kept open one for the call.
final class ReadConnectionPool: @unchecked Sendable {
    // @unchecked: `idle` is only touched under `lock`; a connection taken
    // out of it belongs to that one call until it is put back.
    private let lock = NSLock()
    private var idle: [SQLiteConnection] = []
    private let path: String
    private let busyTimeoutMilliseconds: Int32
    private let maxIdle: Int

    /// Open `initial` connections to `path` (an existing, migrated database).
    init(path: String, busyTimeoutMilliseconds: Int32, initial: Int = 2, maxIdle: Int = 8) throws(StoreError) {
        self.path = path
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.maxIdle = maxIdle
        for _ in 0..<initial { idle.append(try open()) }
    }

    private func open() throws(StoreError) -> SQLiteConnection {
        do {
            let connection = try SQLiteConnection(path: path, create: false, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            try connection.execute("PRAGMA query_only = ON")
            // No memory mapping here (mmap_size 0). In WAL mode a read
            // transaction that finds the database changed since its last one
            // drops the connection's page cache *and* unmaps the whole file
            // (pager.c, pagerBeginReadTransaction), so a mapped reader paid
            // an munmap of the file, an mmap and page faults per lookup
            // whenever a verification had committed in between, with a TLB
            // shootdown on every core. pread(2) of the few pages a lookup
            // needs is cheaper. The writer keeps its mapping: only its own
            // commits change the database, and those keep it.
            try connection.execute("PRAGMA mmap_size = 0")
            return connection
        } catch {
            throw StoreError(error, "cannot open \(path) for reading")
        }
    }

    /// Run `body` with a connection of its own on a reading thread, never
    /// on the caller's: callers are event loops, and a read can wait
    /// (SQLite's busy handler sleeps while a checkpoint restarts the WAL,
    /// and a page missing from the cache is a `pread`). A loop blocked there
    /// held every connection it serves: half-second stalls under load.
    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(StoreError) -> T) async throws(StoreError) -> T {
        let result: Result<T, StoreError> = await withCheckedContinuation { continuation in
            Self.queue.async {
                continuation.resume(returning: Result { () throws(StoreError) in try self.readHere(body) })
            }
        }
        return try result.get()
    }

    /// The threads reads run on (as many as reads are waiting).
    private static let queue = DispatchQueue(label: "pavilion.store.read", attributes: .concurrent)

    /// Run `body` with a connection of its own, on the calling thread.
    private func readHere<T>(_ body: (SQLiteConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        lock.lock()
        let pooled = idle.popLast()
        lock.unlock()
        let connection: SQLiteConnection
        if let pooled { connection = pooled } else { connection = try open() }
        defer {
            lock.lock()
            if idle.count < maxIdle { idle.append(connection) }
            lock.unlock()
        }
        return try body(connection)
    }
}
