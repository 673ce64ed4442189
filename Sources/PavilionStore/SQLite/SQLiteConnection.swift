import Foundation

/// One open SQLite database (`sqlite3*`), closed on `deinit`.
///
/// Not `Sendable`: one connection is used by one thread at a time; the
/// store confines it to a serial queue (``DatabaseWorker``).
final class SQLiteConnection {
    private let handle: OpaquePointer
    /// The database file.
    let path: String
    private var cache: [String: SQLiteStatement] = [:]
    /// Statements of ``CachedSQL`` texts, by slot.
    private var slots: [SQLiteStatement?] = []
    /// The commit observer installed with ``onCommit(_:)``, kept alive with
    /// the connection because SQLite holds it unretained.
    private var commitObserver: CommitObserver?

    private final class CommitObserver {
        let body: (Int) -> Void
        init(_ body: @escaping (Int) -> Void) { self.body = body }
    }

    /// Open (and with `create`, create) the database at `path`
    /// (`sqlite3_open_v2`), and set the busy timeout (`sqlite3_busy_timeout`).
    /// Opening is lazy in SQLite: a file that is not a database fails at the
    /// first statement, not here.
    init(path: String, create: Bool, busyTimeoutMilliseconds: Int32 = 5_000) throws(SQLiteError) {
        let (db, code) = SQLite3.open(path: path, create: create)
        guard let db else {
            throw SQLiteError(call: "sqlite3_open_v2", code: code, message: "out of memory", sql: nil)
        }
        guard code == SQLite3.ok else {
            let error = SQLiteError(call: "sqlite3_open_v2", code: SQLite3.extendedCode(db),
                                    message: SQLite3.message(db), sql: nil)
            SQLite3.close(db)
            throw error
        }
        handle = db
        self.path = path
        let timeout = SQLite3.busyTimeout(db, milliseconds: busyTimeoutMilliseconds)
        guard timeout == SQLite3.ok else {
            throw SQLiteError(call: "sqlite3_busy_timeout", code: timeout, message: SQLite3.message(db), sql: nil)
        }
    }

    deinit {
        slots.removeAll()
        cache.removeAll()
        SQLite3.close(handle)
    }

    /// Call `body` with the number of frames in the WAL after each commit
    /// on this connection (`sqlite3_wal_hook`). SQLite then no longer
    /// checkpoints automatically on this connection: `body` must see to it.
    func onCommit(_ body: @escaping (Int) -> Void) {
        let observer = CommitObserver(body)
        commitObserver = observer
        SQLite3.walHook(handle, { context, _, _, frames in
            guard let context else { return 0 }
            Unmanaged<CommitObserver>.fromOpaque(context).takeUnretainedValue().body(Int(frames))
            return 0
        }, context: Unmanaged.passUnretained(observer).toOpaque())
    }

    /// Copy what the WAL holds into the database file without waiting for
    /// readers or the writer (`sqlite3_wal_checkpoint_v2`, passive).
    /// - Returns: frames in the WAL and frames now checkpointed.
    @discardableResult
    func checkpointPassive() throws(SQLiteError) -> (walFrames: Int, checkpointed: Int) {
        let (code, log, done) = SQLite3.checkpointPassive(handle)
        guard code == SQLite3.ok else {
            throw SQLiteError(call: "sqlite3_wal_checkpoint_v2", code: SQLite3.extendedCode(handle),
                              message: SQLite3.message(handle), sql: nil)
        }
        return (Int(log), Int(done))
    }

    /// Run statements that return no rows (`sqlite3_exec`).
    func execute(_ sql: String) throws(SQLiteError) {
        let code = SQLite3.exec(handle, sql)
        guard code == SQLite3.ok else {
            throw SQLiteError(call: "sqlite3_exec", code: SQLite3.extendedCode(handle), message: SQLite3.message(handle), sql: sql)
        }
    }

    /// A compiled statement for `sql`, reused across calls
    /// (`sqlite3_prepare_v2`).
    func statement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let cached = cache[sql] { return cached }
        let (statement, code) = SQLite3.prepare(handle, sql)
        guard code == SQLite3.ok, let statement else {
            throw SQLiteError(call: "sqlite3_prepare_v2", code: SQLite3.extendedCode(handle),
                              message: SQLite3.message(handle), sql: sql)
        }
        let wrapped = SQLiteStatement(handle: statement, db: handle, sql: sql)
        cache[sql] = wrapped
        return wrapped
    }

    /// The compiled statement of `sql`, found by its slot.
    func statement(_ sql: CachedSQL) throws(SQLiteError) -> SQLiteStatement {
        if sql.slot < slots.count, let cached = slots[sql.slot] { return cached }
        let prepared = try statement(sql.sql)
        if sql.slot >= slots.count { slots.append(contentsOf: repeatElement(nil, count: sql.slot + 1 - slots.count)) }
        slots[sql.slot] = prepared
        return prepared
    }

    /// Run a statement to completion, discarding rows.
    /// - Returns: the number of rows it changed (`sqlite3_changes`).
    @discardableResult
    func run(_ sql: some SQLText, _ values: [SQLiteValue] = []) throws(SQLiteError) -> Int {
        let statement = try sql.statement(on: self)
        try statement.bind(values)
        defer { statement.finish() }
        while try statement.step() != nil {}
        return Int(SQLite3.changes(handle))
    }

    /// All rows of a query.
    func query(_ sql: some SQLText, _ values: [SQLiteValue] = []) throws(SQLiteError) -> [SQLiteRow] {
        var rows: [SQLiteRow] = []
        do {
            try forEachRow(sql, values) { (row: SQLiteRow) throws(Never) in rows.append(row) }
        } catch {
            switch error {
            case .sqlite(let e): throw e
            }
        }
        return rows
    }

    /// The first row of a query, if any.
    func queryOne(_ sql: some SQLText, _ values: [SQLiteValue] = []) throws(SQLiteError) -> SQLiteRow? {
        let statement = try sql.statement(on: self)
        try statement.bind(values)
        defer { statement.finish() }
        return try statement.step()
    }

    /// Stream the rows of a query to `body`, without holding them all.
    func forEachRow<E: Error>(_ sql: some SQLText, _ values: [SQLiteValue],
                              _ body: (SQLiteRow) throws(E) -> Void) throws(StreamError<E>) {
        let statement: SQLiteStatement
        do {
            statement = try sql.statement(on: self)
            try statement.bind(values)
        } catch { throw .sqlite(error) }
        defer { statement.finish() }
        while true {
            let row: SQLiteRow?
            do { row = try statement.step() } catch { throw .sqlite(error) }
            guard let row else { return }
            do { try body(row) } catch { throw .body(error) }
        }
    }

    /// Where a streamed query failed: in SQLite or in the caller's body.
    enum StreamError<E: Error>: Error {
        case sqlite(SQLiteError)
        case body(E)
    }

    /// Run `body` in a transaction. With `immediate` (for writes) it is
    /// `BEGIN IMMEDIATE`, so the write lock is taken up front and a busy
    /// database waits at the start, not halfway through; otherwise a read
    /// transaction that sees one snapshot. Commits when `body` returns, rolls
    /// back when it throws.
    func transaction<T, E: Error>(immediate: Bool = true, _ body: () throws(E) -> T) throws(TransactionError<E>) -> T {
        do { try run(immediate ? Self.beginImmediate : Self.beginDeferred) } catch { throw .sqlite(error) }
        let result: T
        do {
            result = try body()
        } catch {
            _ = try? run(Self.rollback)
            throw .body(error)
        }
        do {
            try run(Self.commit)
        } catch {
            _ = try? run(Self.rollback)
            throw .sqlite(error)
        }
        return result
    }

    // Prepared once per connection instead of parsed by `sqlite3_exec` per transaction.
    private static let beginImmediate = CachedSQL("BEGIN IMMEDIATE")
    private static let beginDeferred = CachedSQL("BEGIN DEFERRED")
    private static let commit = CachedSQL("COMMIT")
    private static let rollback = CachedSQL("ROLLBACK")

    /// Where a transaction failed: in SQLite (begin/commit) or in its body.
    enum TransactionError<E: Error>: Error {
        case sqlite(SQLiteError)
        case body(E)
    }
}

