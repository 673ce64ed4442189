import Foundation
internal import CSQLite

/// Thin internal wrappers over every sqlite3 call this module makes. Handles
/// cross this file only as `OpaquePointer`s owned by ``SQLiteConnection`` and
/// ``SQLiteStatement``; pointers to bytes never leave it.
enum SQLite3 {
    static let ok = SQLITE_OK
    static let row = SQLITE_ROW
    static let done = SQLITE_DONE
    static let busy = SQLITE_BUSY
    static let locked = SQLITE_LOCKED
    static let corrupt = SQLITE_CORRUPT
    static let notADatabase = SQLITE_NOTADB
    static let constraint = SQLITE_CONSTRAINT
    static let cantOpen = SQLITE_CANTOPEN
    static let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)   // SQLITE_CONSTRAINT_PRIMARYKEY
    static let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)       // SQLITE_CONSTRAINT_UNIQUE
    static let constraintForeignKey = SQLITE_CONSTRAINT | (3 << 8)   // SQLITE_CONSTRAINT_FOREIGNKEY
    static let constraintTrigger = SQLITE_CONSTRAINT | (7 << 8)      // SQLITE_CONSTRAINT_TRIGGER

    static let typeInteger = SQLITE_INTEGER
    static let typeFloat = SQLITE_FLOAT
    static let typeText = SQLITE_TEXT
    static let typeBlob = SQLITE_BLOB
    static let typeNull = SQLITE_NULL

    static var libraryVersion: String { String(cString: sqlite3_libversion()) }

    /// The English text of a result code (`sqlite3_errstr`).
    static func describe(_ code: Int32) -> String { String(cString: sqlite3_errstr(code)) }

    /// The connection's last error message (`sqlite3_errmsg`).
    static func message(_ db: OpaquePointer) -> String { String(cString: sqlite3_errmsg(db)) }

    /// The connection's last extended result code (`sqlite3_extended_errcode`).
    static func extendedCode(_ db: OpaquePointer) -> Int32 { sqlite3_extended_errcode(db) }

    /// `sqlite3_open_v2` read-write, creating the file if asked, in serialized
    /// threading mode, with extended result codes switched on.
    /// - Returns: the handle (which must be closed even on failure) and the code.
    /// Process-wide settings, applied once before SQLite initialises: no
    /// memory statistics, so allocations take no global mutex.
    private static let processSettings: Int32 = pv_sqlite3_disable_memstatus()

    static func open(path: String, create: Bool) -> (OpaquePointer?, Int32) {
        _ = processSettings
        var db: OpaquePointer?
        // NOMUTEX: each connection is confined to one serial queue (DatabaseWorker).
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        if create { flags |= SQLITE_OPEN_CREATE }
        let code = sqlite3_open_v2(path, &db, flags, nil)
        if let db { sqlite3_extended_result_codes(db, 1) }
        return (db, code)
    }

    static func close(_ db: OpaquePointer) { sqlite3_close_v2(db) }

    /// What `sqlite3_wal_hook` calls after each commit: context, database,
    /// schema name, frames in the WAL.
    typealias WALHook = @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32

    /// Install `hook` with `context` (`sqlite3_wal_hook`); this replaces
    /// SQLite's automatic checkpoints on that connection.
    static func walHook(_ db: OpaquePointer, _ hook: WALHook, context: UnsafeMutableRawPointer) {
        _ = sqlite3_wal_hook(db, hook, context)
    }

    /// A passive checkpoint of the main database (`sqlite3_wal_checkpoint_v2`,
    /// `SQLITE_CHECKPOINT_PASSIVE`): copies what it can without waiting for
    /// readers or the writer. Returns the code, frames in the WAL and frames
    /// checkpointed.
    static func checkpointPassive(_ db: OpaquePointer) -> (code: Int32, walFrames: Int32, checkpointed: Int32) {
        var log: Int32 = 0
        var done: Int32 = 0
        let code = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &done)
        return (code, log, done)
    }

    static func busyTimeout(_ db: OpaquePointer, milliseconds: Int32) -> Int32 {
        sqlite3_busy_timeout(db, milliseconds)
    }

    /// Run one or more statements without results (`sqlite3_exec`).
    static func exec(_ db: OpaquePointer, _ sql: String) -> Int32 {
        sqlite3_exec(db, sql, nil, nil, nil)
    }

    /// Compile one statement (`sqlite3_prepare_v2`).
    static func prepare(_ db: OpaquePointer, _ sql: String) -> (OpaquePointer?, Int32) {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        return (statement, code)
    }

    static func finalize(_ statement: OpaquePointer) { sqlite3_finalize(statement) }
    static func reset(_ statement: OpaquePointer) -> Int32 { sqlite3_reset(statement) }
    static func clearBindings(_ statement: OpaquePointer) -> Int32 { sqlite3_clear_bindings(statement) }
    static func step(_ statement: OpaquePointer) -> Int32 { sqlite3_step(statement) }
    static func parameterCount(_ statement: OpaquePointer) -> Int32 { sqlite3_bind_parameter_count(statement) }
    static func changes(_ db: OpaquePointer) -> Int32 { sqlite3_changes(db) }

    static func bindNull(_ statement: OpaquePointer, _ index: Int32) -> Int32 {
        sqlite3_bind_null(statement, index)
    }

    static func bindInt64(_ statement: OpaquePointer, _ index: Int32, _ value: Int64) -> Int32 {
        sqlite3_bind_int64(statement, index, value)
    }

    /// Bind UTF-8 text; SQLite copies it (`SQLITE_TRANSIENT`). The length is
    /// explicit, so embedded NULs are kept; `withCString` never gives a null
    /// pointer, so "" is stored as '' rather than NULL.
    static func bindText(_ statement: OpaquePointer, _ index: Int32, _ value: String) -> Int32 {
        let length = sqlite3_uint64(value.utf8.count)
        return value.withCString { chars in
            sqlite3_bind_text64(statement, index, chars, length, pv_sqlite3_transient(), UInt8(SQLITE_UTF8))
        }
    }

    /// Bind bytes; SQLite copies them (`SQLITE_TRANSIENT`).
    static func bindBlob(_ statement: OpaquePointer, _ index: Int32, _ value: [UInt8]) -> Int32 {
        value.withUnsafeBytes { bytes in
            sqlite3_bind_blob64(statement, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(bytes.count),
                                pv_sqlite3_transient())
        }
    }

    static func columnCount(_ statement: OpaquePointer) -> Int32 { sqlite3_column_count(statement) }
    static func columnType(_ statement: OpaquePointer, _ index: Int32) -> Int32 { sqlite3_column_type(statement, index) }
    static func columnInt64(_ statement: OpaquePointer, _ index: Int32) -> Int64 { sqlite3_column_int64(statement, index) }
    static func columnDouble(_ statement: OpaquePointer, _ index: Int32) -> Double { sqlite3_column_double(statement, index) }

    /// The column as UTF-8 text (`sqlite3_column_text` + `sqlite3_column_bytes`).
    static func columnText(_ statement: OpaquePointer, _ index: Int32) -> String {
        guard let text = sqlite3_column_text(statement, index) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column as bytes (`sqlite3_column_blob` + `sqlite3_column_bytes`).
    static func columnBlob(_ statement: OpaquePointer, _ index: Int32) -> [UInt8] {
        guard let blob = sqlite3_column_blob(statement, index) else { return [] }
        let count = Int(sqlite3_column_bytes(statement, index))
        return Array(UnsafeRawBufferPointer(start: blob, count: count))
    }
}
