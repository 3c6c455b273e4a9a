internal import CSQLite

/// A value bound to a statement parameter.
enum SQLiteValue {
    case int(Int64)
    case blob([UInt8])
    case text(String)
}

/// One result row; valid only inside the `query` callback.
struct SQLiteRow {
    let stmt: OpaquePointer

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(stmt, column) }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(stmt, column))
        guard count > 0, let base = sqlite3_column_blob(stmt, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }

    func text(_ column: Int32) -> String {
        guard let p = sqlite3_column_text(stmt, column) else { return "" }
        return String(cString: p)
    }
}
