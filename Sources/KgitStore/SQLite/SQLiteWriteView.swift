/// `MVCCWriteView` over the writer connection inside its open transaction.
struct SQLiteWriteView: MVCCWriteView {
    let connection: SQLiteConnection
    let leases: LeaseTable
    let compactRevision: Int64
    /// Each looked-up key's newest log row (0: none), so `record` need not look it up again.
    private var heads: [[UInt8]: Int64] = [:]

    init(connection: SQLiteConnection, leases: LeaseTable, compactRevision: Int64) {
        self.connection = connection
        self.leases = leases
        self.compactRevision = compactRevision
    }

    mutating func get(_ key: [UInt8]) throws -> KeyValue? {
        var found: KeyValue?
        var head: Int64 = 0
        try connection.query(
            """
            SELECT c.create_rev, c.mod_rev, c.version, c.lease, l.value, c.deleted, c.log_id
            FROM current c LEFT JOIN log l ON l.id = c.log_id WHERE c.key = ?1
            """,
            [.blob(key)]
        ) { r in
            head = r.int(6)
            if r.int(5) == 0 {
                found = KeyValue(
                    key: key, value: r.blob(4), createRevision: r.int(0), modRevision: r.int(1), version: r.int(2),
                    lease: r.int(3))
            }
        }
        heads[key] = head
        return found
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
        let prevID =
            try heads[kv.key] ?? connection.scalar("SELECT log_id FROM current WHERE key = ?1", [.blob(kv.key)]) ?? 0
        let deleted: Int64 = event.kind == .delete ? 1 : 0
        try connection.query(
            """
            INSERT INTO log(rev, key, deleted, create_rev, version, lease, value, prev_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """,
            [.int(kv.modRevision), .blob(kv.key), .int(deleted), .int(kv.createRevision), .int(kv.version),
             .int(kv.lease), .blob(kv.value), .int(prevID)])
        let logID = connection.lastInsertRowID
        heads[kv.key] = logID
        try connection.query(
            """
            INSERT INTO current(key, create_rev, mod_rev, version, lease, deleted, log_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT(key) DO UPDATE SET create_rev = excluded.create_rev, mod_rev = excluded.mod_rev,
            version = excluded.version, lease = excluded.lease, deleted = excluded.deleted, log_id = excluded.log_id
            """,
            [.blob(kv.key), .int(kv.createRevision), .int(kv.modRevision), .int(kv.version), .int(kv.lease),
             .int(deleted), .int(logID)])
    }
}
