extension StoreError {
    /// The store's view of a SQLite failure, with `context` saying what was
    /// being done.
    init(_ error: SQLiteError, _ context: String, file: String = #fileID, line: Int = #line) {
        let code: Code
        switch error.primaryCode {
        case SQLite3.notADatabase, SQLite3.corrupt: code = .corruptDatabase
        case SQLite3.busy, SQLite3.locked: code = .busy
        case SQLite3.constraint:
            switch error.code {
            case SQLite3.constraintPrimaryKey, SQLite3.constraintUnique: code = .duplicate
            case SQLite3.constraintForeignKey: code = .notFound
            default: code = .invalidInput
            }
        default: code = .database
        }
        self.init(code, "\(context): \(error.message)", call: error.call, resultCode: error.code, file: file, line: line)
    }
}

extension SQLiteConnection {
    // The contexts are autoclosures: most interpolate ids, and building
    // them for every statement that succeeds cost the writer's hot path.

    /// ``transaction(_:)`` with every failure as a ``StoreError``.
    func storeTransaction<T>(_ context: @autoclosure () -> String, immediate: Bool = true,
                             _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        do {
            return try transaction(immediate: immediate, body)
        } catch {
            switch error {
            case .sqlite(let e): throw StoreError(e, context())
            case .body(let e): throw e
            }
        }
    }

    /// Run a statement, mapping failure to a ``StoreError``.
    @discardableResult
    func storeRun(_ context: @autoclosure () -> String, _ sql: some SQLText, _ values: [SQLiteValue] = []) throws(StoreError) -> Int {
        do { return try run(sql, values) } catch { throw StoreError(error, context()) }
    }

    /// Query, mapping failure to a ``StoreError``.
    func storeQuery(_ context: @autoclosure () -> String, _ sql: some SQLText, _ values: [SQLiteValue] = []) throws(StoreError) -> [SQLiteRow] {
        do { return try query(sql, values) } catch { throw StoreError(error, context()) }
    }

    /// Query one row, mapping failure to a ``StoreError``.
    func storeQueryOne(_ context: @autoclosure () -> String, _ sql: some SQLText, _ values: [SQLiteValue] = []) throws(StoreError) -> SQLiteRow? {
        do { return try queryOne(sql, values) } catch { throw StoreError(error, context()) }
    }
}

extension SQLiteRow {
    /// Decode a row with `body`, reporting a type mismatch as a damaged database.
    func decode<T>(_ what: String, _ body: (SQLiteRow) throws(SQLiteError) -> T) throws(StoreError) -> T {
        do { return try body(self) } catch {
            throw StoreError(.corruptDatabase, "a stored \(what) is malformed: \(error.message)", call: error.call)
        }
    }
}
