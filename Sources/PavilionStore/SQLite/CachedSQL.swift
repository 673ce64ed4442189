import Synchronization

/// SQL text a connection can prepare and keep: a `String` is cached under
/// its text (one hash of the whole text per use), a ``CachedSQL`` under a
/// slot number fixed when it is made (an array index per use).
protocol SQLText {
    /// The statement for this text on `connection`, prepared on first use.
    func statement(on connection: SQLiteConnection) throws(SQLiteError) -> SQLiteStatement
}

extension String: SQLText {
    func statement(on connection: SQLiteConnection) throws(SQLiteError) -> SQLiteStatement {
        try connection.statement(self)
    }
}

/// A statement of the hot path (the writer's inserts, the key and
/// connector lookups), held in a `static let`: every connection finds its
/// compiled form by ``slot`` without hashing the text.
final class CachedSQL: SQLText, Sendable {
    /// The SQL.
    let sql: String
    /// This statement's index in every connection's slot cache.
    let slot: Int

    private static let nextSlot = Atomic<Int>(0)

    /// - Parameter sql: one statement.
    init(_ sql: String) {
        self.sql = sql
        slot = Self.nextSlot.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    func statement(on connection: SQLiteConnection) throws(SQLiteError) -> SQLiteStatement {
        try connection.statement(self)
    }
}
