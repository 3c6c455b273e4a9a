/// `MVCCWriteView` over the writer connection inside its open transaction.
struct SQLiteWriteView: MVCCWriteView {
    let connection: SQLiteConnection
    let leases: LeaseTable
    let compactRevision: Int64

    mutating func get(_ key: [UInt8]) throws -> KeyValue? {
        try SQLiteQueries.current(connection, .key(key)).first
    }

    mutating func list(_ range: KeyRange) throws -> [KeyValue] {
        try SQLiteQueries.current(connection, range)
    }

    mutating func read(_ request: RangeRequest, current: Int64) throws -> RangeResponse {
        if request.revision < compactRevision { throw StoreError.compacted(compactRevision: compactRevision) }
        return request.shape(try SQLiteQueries.history(connection, request.range, at: request.revision), revision: current)
    }

    mutating func leaseExists(_ id: Int64) -> Bool { leases.contains(id) }

    mutating func record(_ event: Event, sub: Int) throws {
        let kv = event.kv
        let prevID = try connection.scalar("SELECT log_id FROM current WHERE key = ?1", [.blob(kv.key)]) ?? 0
        let deleted: Int64 = event.kind == .delete ? 1 : 0
        try connection.query(
            """
            INSERT INTO log(rev, key, deleted, create_rev, version, lease, value, prev_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """,
            [.int(kv.modRevision), .blob(kv.key), .int(deleted), .int(kv.createRevision), .int(kv.version),
             .int(kv.lease), .blob(kv.value), .int(prevID)])
        let logID = connection.lastInsertRowID
        try connection.query(
            """
            INSERT INTO current(key, create_rev, mod_rev, version, lease, value, deleted, log_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            ON CONFLICT(key) DO UPDATE SET create_rev = excluded.create_rev, mod_rev = excluded.mod_rev,
            version = excluded.version, lease = excluded.lease, value = excluded.value, deleted = excluded.deleted,
            log_id = excluded.log_id
            """,
            [.blob(kv.key), .int(kv.createRevision), .int(kv.modRevision), .int(kv.version), .int(kv.lease),
             .blob(kv.value), .int(deleted), .int(logID)])
    }
}
