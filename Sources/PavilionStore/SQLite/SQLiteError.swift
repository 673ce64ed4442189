/// A failed sqlite3 call: the call, its extended result code and SQLite's
/// message. Internal; the store turns it into a ``StoreError`` at its edge.
struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The sqlite3 function that failed, e.g. `sqlite3_step`.
    var call: String
    /// The extended result code.
    var code: Int32
    /// SQLite's message for the failure.
    var message: String
    /// The statement, when one was involved.
    var sql: String?

    /// The primary result code (low byte of the extended code).
    var primaryCode: Int32 { code & 0xFF }

    var description: String {
        "\(call) failed with \(code) (\(SQLite3.describe(code))): \(message)" + (sql.map { " [\($0)]" } ?? "")
    }
}
