/// A compiled statement (`sqlite3_stmt`), finalized on `deinit`.
///
/// Not `Sendable`: it belongs to its ``SQLiteConnection`` and is used only
/// where the connection is.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let db: OpaquePointer
    let sql: String

    init(handle: OpaquePointer, db: OpaquePointer, sql: String) {
        self.handle = handle
        self.db = db
        self.sql = sql
    }

    deinit { SQLite3.finalize(handle) }

    private func failure(_ call: String, _ code: Int32) -> SQLiteError {
        SQLiteError(call: call, code: SQLite3.extendedCode(db) == 0 ? code : SQLite3.extendedCode(db),
                    message: SQLite3.message(db), sql: sql)
    }

    /// Reset, clear, then bind `values` to parameters 1...n
    /// (`sqlite3_reset`, `sqlite3_clear_bindings`, `sqlite3_bind_*`).
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        _ = SQLite3.reset(handle)
        _ = SQLite3.clearBindings(handle)
        guard Int(SQLite3.parameterCount(handle)) == values.count else {
            throw SQLiteError(call: "sqlite3_bind_parameter_count", code: SQLite3.constraint,
                              message: "statement takes \(SQLite3.parameterCount(handle)) parameters, given \(values.count)",
                              sql: sql)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            let call: String
            switch value {
            case .null: (code, call) = (SQLite3.bindNull(handle, index), "sqlite3_bind_null")
            case .integer(let v): (code, call) = (SQLite3.bindInt64(handle, index, v), "sqlite3_bind_int64")
            case .real:
                throw SQLiteError(call: "sqlite3_bind_double", code: SQLite3.constraint,
                                  message: "the store never binds floating-point values", sql: sql)
            case .text(let v): (code, call) = (SQLite3.bindText(handle, index, v), "sqlite3_bind_text64")
            case .blob(let v): (code, call) = (SQLite3.bindBlob(handle, index, v), "sqlite3_bind_blob64")
            }
            guard code == SQLite3.ok else { throw failure(call, code) }
        }
    }

    /// Step once (`sqlite3_step`).
    /// - Returns: the row, or `nil` when the statement is done.
    func step() throws(SQLiteError) -> SQLiteRow? {
        let code = SQLite3.step(handle)
        if code == SQLite3.done { return nil }
        guard code == SQLite3.row else {
            let error = failure("sqlite3_step", code)
            _ = SQLite3.reset(handle)
            throw error
        }
        let count = SQLite3.columnCount(handle)
        var values: [SQLiteValue] = []
        values.reserveCapacity(Int(count))
        for index in 0..<count {
            switch SQLite3.columnType(handle, index) {
            case SQLite3.typeInteger: values.append(.integer(SQLite3.columnInt64(handle, index)))
            case SQLite3.typeFloat: values.append(.real(SQLite3.columnDouble(handle, index)))
            case SQLite3.typeText: values.append(.text(SQLite3.columnText(handle, index)))
            case SQLite3.typeBlob: values.append(.blob(SQLite3.columnBlob(handle, index)))
            default: values.append(.null)
            }
        }
        return SQLiteRow(values: values)
    }

    /// Release locks and reset for the next use (`sqlite3_reset`).
    func finish() { _ = SQLite3.reset(handle) }
}
