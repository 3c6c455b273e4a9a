/// The SQL layout of the embedded store and the reads shared by its writer and readers.
///
/// A log-structured table in the manner of kine, plus a table of current versions for fast reads:
///
/// ```
/// log(id, rev, key, deleted, create_rev, prev_rev, version, lease, value)   every change, in commit order
/// current(key, create_rev, mod_rev, version, lease, value)                  the newest live version per key
/// leases(id, ttl)     meta(name, value): 'revision', 'compact_revision'
/// ```
///
/// `id` is the insertion order, so `ORDER BY id` is (revision, position in the transaction). A write
/// transaction inserts one `log` row per changed key and updates `current` in the same SQLite transaction.
enum SQLiteQueries {
    static let schema = """
        CREATE TABLE IF NOT EXISTS log(
            id INTEGER PRIMARY KEY, rev INTEGER NOT NULL, key BLOB NOT NULL, deleted INTEGER NOT NULL,
            create_rev INTEGER NOT NULL, prev_rev INTEGER NOT NULL, version INTEGER NOT NULL,
            lease INTEGER NOT NULL, value BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS log_key_rev ON log(key, rev);
        CREATE INDEX IF NOT EXISTS log_rev ON log(rev);
        CREATE TABLE IF NOT EXISTS current(
            key BLOB PRIMARY KEY, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL, version INTEGER NOT NULL,
            lease INTEGER NOT NULL, value BLOB NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS current_lease ON current(lease) WHERE lease != 0;
        CREATE TABLE IF NOT EXISTS leases(id INTEGER PRIMARY KEY, ttl INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT OR IGNORE INTO meta(name, value) VALUES ('revision', 1), ('compact_revision', 0);
        """

    /// The `WHERE` clause and arguments selecting `range` on column `key`.
    static func keyFilter(_ range: KeyRange, args: inout [SQLiteValue]) -> String {
        args.append(.blob(range.start))
        guard let end = range.end else { return "key = ?\(args.count)" }
        if range.isUnbounded { return "key >= ?\(args.count)" }
        args.append(.blob(end))
        return "key >= ?\(args.count - 1) AND key < ?\(args.count)"
    }

    /// (revision, compact revision) as committed; read inside the same transaction as the data.
    static func revisions(_ c: SQLiteConnection) throws -> (revision: Int64, compact: Int64) {
        var rev: Int64 = 1
        var compact: Int64 = 0
        try c.query("SELECT name, value FROM meta") { r in
            switch r.text(0) {
            case "revision": rev = r.int(1)
            case "compact_revision": compact = r.int(1)
            default: break
            }
        }
        return (rev, compact)
    }

    /// The current versions of the keys in `range`, ordered by key (optionally without values).
    static func current(_ c: SQLiteConnection, _ range: KeyRange, limit: Int64 = 0, values: Bool = true) throws
        -> [KeyValue]
    {
        var args: [SQLiteValue] = []
        let filter = keyFilter(range, args: &args)
        let valueColumn = values ? "value" : "x''"
        let limitClause = limit > 0 ? " LIMIT \(limit)" : ""
        var out: [KeyValue] = []
        try c.query(
            "SELECT key, create_rev, mod_rev, version, lease, \(valueColumn) FROM current WHERE \(filter) ORDER BY key\(limitClause)",
            args
        ) { r in
            out.append(
                KeyValue(
                    key: r.blob(0), value: r.blob(5), createRevision: r.int(1), modRevision: r.int(2),
                    version: r.int(3), lease: r.int(4)))
        }
        return out
    }

    /// How many current keys lie in `range`.
    static func count(_ c: SQLiteConnection, _ range: KeyRange) throws -> Int64 {
        var args: [SQLiteValue] = []
        let filter = keyFilter(range, args: &args)
        return try c.scalar("SELECT COUNT(*) FROM current WHERE \(filter)", args) ?? 0
    }

    /// Answers a range request at the current revision.
    static func rangeCurrent(_ c: SQLiteConnection, _ request: RangeRequest, revision: Int64) throws -> RangeResponse {
        if request.countOnly {
            return RangeResponse(revision: revision, kvs: [], count: try count(c, request.range), more: false)
        }
        if request.limit > 0 {
            var kvs = try current(c, request.range, limit: request.limit + 1, values: !request.keysOnly)
            if kvs.count <= Int(request.limit) {
                return RangeResponse(revision: revision, kvs: kvs, count: Int64(kvs.count), more: false)
            }
            kvs.removeLast()
            return RangeResponse(revision: revision, kvs: kvs, count: try count(c, request.range), more: true)
        }
        let kvs = try current(c, request.range, values: !request.keysOnly)
        return RangeResponse(revision: revision, kvs: kvs, count: Int64(kvs.count), more: false)
    }

    /// The versions of the keys in `range` as of revision `at`, ordered by key.
    static func history(_ c: SQLiteConnection, _ range: KeyRange, at: Int64) throws -> [KeyValue] {
        var args: [SQLiteValue] = []
        let filter = keyFilter(range, args: &args)
        args.append(.int(at))
        var out: [KeyValue] = []
        var lastKey: [UInt8]?
        try c.query(
            """
            SELECT key, deleted, create_rev, rev, version, lease, value FROM log
            WHERE \(filter) AND rev <= ?\(args.count) ORDER BY key, rev DESC, id DESC
            """, args
        ) { r in
            let key = r.blob(0)
            if key == lastKey { return }
            lastKey = key
            if r.int(1) != 0 { return }
            out.append(
                KeyValue(
                    key: key, value: r.blob(6), createRevision: r.int(2), modRevision: r.int(3), version: r.int(4),
                    lease: r.int(5)))
        }
        return out
    }

    /// The events of revisions `from...through` in `range`, in order, with previous versions when `prevKV`.
    static func events(_ c: SQLiteConnection, _ range: KeyRange, from: Int64, through: Int64, prevKV: Bool) throws
        -> [Event]
    {
        var args: [SQLiteValue] = [.int(from), .int(through)]
        let filter = keyFilter(range, args: &args)
        var rows: [(Event, Int64)] = []
        try c.query(
            """
            SELECT key, deleted, create_rev, rev, version, lease, value, prev_rev FROM log
            WHERE rev >= ?1 AND rev <= ?2 AND \(filter) ORDER BY rev, id
            """, args
        ) { r in
            let deleted = r.int(1) != 0
            let kv =
                deleted
                ? KeyValue(key: r.blob(0), value: [], createRevision: 0, modRevision: r.int(3), version: 0)
                : KeyValue(
                    key: r.blob(0), value: r.blob(6), createRevision: r.int(2), modRevision: r.int(3),
                    version: r.int(4), lease: r.int(5))
            rows.append((Event(kind: deleted ? .delete : .put, kv: kv), r.int(7)))
        }
        guard prevKV else { return rows.map(\.0) }
        var out: [Event] = []
        out.reserveCapacity(rows.count)
        for (var event, prevRev) in rows {
            if prevRev > 0 {
                try c.query(
                    "SELECT create_rev, version, lease, value FROM log WHERE key = ?1 AND rev = ?2 AND deleted = 0",
                    [.blob(event.kv.key), .int(prevRev)]
                ) { r in
                    event.prevKV = KeyValue(
                        key: event.kv.key, value: r.blob(3), createRevision: r.int(0), modRevision: prevRev,
                        version: r.int(1), lease: r.int(2))
                }
            }
            out.append(event)
        }
        return out
    }

    /// Keys attached to a lease.
    static func keys(_ c: SQLiteConnection, lease: Int64) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        try c.query("SELECT key FROM current WHERE lease = ?1 ORDER BY key", [.int(lease)]) { out.append($0.blob(0)) }
        return out
    }
}
