/// A value bound to, or read from, a SQLite statement.
enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// `.null` for `nil`, else `.text`.
    static func optionalText(_ value: String?) -> SQLiteValue { value.map(SQLiteValue.text) ?? .null }

    /// `.null` for `nil`, else `.integer`.
    static func optionalInteger(_ value: Int64?) -> SQLiteValue { value.map(SQLiteValue.integer) ?? .null }
}

/// One result row, with typed accessors that throw when the stored type is
/// not the one the schema promises (a tampered or corrupt row).
struct SQLiteRow: Sendable {
    var values: [SQLiteValue]

    private func value(_ index: Int) throws(SQLiteError) -> SQLiteValue {
        guard values.indices.contains(index) else {
            throw SQLiteError(call: "sqlite3_column", code: SQLite3.corrupt, message: "no column \(index)")
        }
        return values[index]
    }

    private func mismatch(_ index: Int, _ expected: String) -> SQLiteError {
        SQLiteError(call: "sqlite3_column_type", code: SQLite3.corrupt,
                    message: "column \(index) holds \(values[index]) where \(expected) was expected")
    }

    func integer(_ index: Int) throws(SQLiteError) -> Int64 {
        guard case .integer(let v) = try value(index) else { throw mismatch(index, "an integer") }
        return v
    }

    func optionalInteger(_ index: Int) throws(SQLiteError) -> Int64? {
        switch try value(index) {
        case .null: return nil
        case .integer(let v): return v
        default: throw mismatch(index, "an integer or NULL")
        }
    }

    func text(_ index: Int) throws(SQLiteError) -> String {
        guard case .text(let v) = try value(index) else { throw mismatch(index, "text") }
        return v
    }

    func optionalText(_ index: Int) throws(SQLiteError) -> String? {
        switch try value(index) {
        case .null: return nil
        case .text(let v): return v
        default: throw mismatch(index, "text or NULL")
        }
    }

    func blob(_ index: Int) throws(SQLiteError) -> [UInt8] {
        guard case .blob(let v) = try value(index) else { throw mismatch(index, "a blob") }
        return v
    }
}
