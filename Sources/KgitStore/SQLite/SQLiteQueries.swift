/// The SQL layout of the embedded store and the reads shared by its writer and readers.
///
/// An append-only log in the manner of kine, plus one row per key for fast reads:
///
/// ```
/// log(id, rev, key, deleted, create_rev, version, lease, value, prev_id)   every change, in commit order
/// current(key, create_rev, mod_rev, version, lease, deleted, log_id)        newest version per key
/// leases(id, ttl)     meta(name, value): 'revision', 'compact_revision'
/// ```
///
/// `id` is the insertion order, so `ORDER BY id` is (revision, position in the transaction). A write inserts
/// one `log` row per changed key (appended at the end of the table) and updates that key's `current` row in
/// the same SQLite transaction, so each write touches only one B-tree at a random position, and that one
/// holds small rows (values live only in the log; reads join on `log_id`).
///
/// Each log row links to the key's previous row (`prev_id`), and `current.log_id` to its newest, so a read
/// at an older revision walks back from the newest row:
///
/// ```
/// current[k].log_id ─► log 9 (rev 7, "c") ─prev─► log 5 (rev 4, deleted) ─prev─► log 2 (rev 2, "a")
/// read k at rev 8: "c"    at rev 5: not found    at rev 3: "a"    at rev 1: not found
/// ```
///
/// A deleted key keeps its `current` row (`deleted = 1`) until compaction passes the delete, so reads at
/// older revisions still find it.
enum SQLiteQueries {
    static let schema = """
        CREATE TABLE IF NOT EXISTS log(
            id INTEGER PRIMARY KEY, rev INTEGER NOT NULL, key BLOB NOT NULL, deleted INTEGER NOT NULL,
            create_rev INTEGER NOT NULL, version INTEGER NOT NULL, lease INTEGER NOT NULL, value BLOB NOT NULL,
            prev_id INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS log_rev ON log(rev);
        CREATE TABLE IF NOT EXISTS current(
            key BLOB PRIMARY KEY, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL, version INTEGER NOT NULL,
            lease INTEGER NOT NULL, deleted INTEGER NOT NULL, log_id INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS current_lease ON current(lease) WHERE lease != 0;
        CREATE TABLE IF NOT EXISTS leases(id INTEGER PRIMARY KEY, ttl INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT OR IGNORE INTO meta(name, value) VALUES ('revision', 1), ('compact_revision', 0);
        """

    /// The `WHERE` clause and arguments selecting `range` on column `key`.
    static func keyFilter(_ range: KeyRange, column: String = "key", args: inout [SQLiteValue]) -> String {
        args.append(.blob(range.start))
        guard let end = range.end else { return "\(column) = ?\(args.count)" }
        if range.isUnbounded { return "\(column) >= ?\(args.count)" }
        args.append(.blob(end))
        return "\(column) >= ?\(args.count - 1) AND \(column) < ?\(args.count)"
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
        let filter = keyFilter(range, column: "c.key", args: &args)
        let (valueColumn, join) = values ? ("l.value", " JOIN log l ON l.id = c.log_id") : ("x''", "")
        let limitClause = limit > 0 ? " LIMIT \(limit)" : ""
        var out: [KeyValue] = []
        try c.query(
            """
            SELECT c.key, c.create_rev, c.mod_rev, c.version, c.lease, \(valueColumn) FROM current c\(join)
            WHERE \(filter) AND c.deleted = 0 ORDER BY c.key\(limitClause)
            """,
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
        return try c.scalar("SELECT COUNT(*) FROM current WHERE \(filter) AND deleted = 0", args) ?? 0
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

    /// The versions of the keys in `range` as of revision `at`, ordered by key: each key's newest row, or the
    /// first row at or below `at` on its `prev_id` chain.
    static func history(_ c: SQLiteConnection, _ range: KeyRange, at: Int64) throws -> [KeyValue] {
        var args: [SQLiteValue] = []
        let filter = keyFilter(range, args: &args)
        var heads: [(key: [UInt8], modRev: Int64, logID: Int64)] = []
        try c.query("SELECT key, mod_rev, log_id FROM current WHERE \(filter) ORDER BY key", args) { r in
            heads.append((r.blob(0), r.int(1), r.int(2)))
        }
        var out: [KeyValue] = []
        for head in heads {
            var id = head.logID
            while id != 0 {
                var next: Int64 = 0
                var found: KeyValue?
                var deleted = false
                try c.query(
                    "SELECT rev, deleted, create_rev, version, lease, value, prev_id FROM log WHERE id = ?1", [.int(id)]
                ) { r in
                    if r.int(0) <= at {
                        deleted = r.int(1) != 0
                        found = KeyValue(
                            key: head.key, value: r.blob(5), createRevision: r.int(2), modRevision: r.int(0),
                            version: r.int(3), lease: r.int(4))
                    } else {
                        next = r.int(6)
                    }
                }
                if let found {
                    if !deleted { out.append(found) }
                    break
                }
                id = next
            }
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
            SELECT key, deleted, create_rev, rev, version, lease, value, prev_id FROM log
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
        for (var event, prevID) in rows {
            if prevID > 0 {
                try c.query(
                    "SELECT create_rev, rev, version, lease, value FROM log WHERE id = ?1 AND deleted = 0", [.int(prevID)]
                ) { r in
                    event.prevKV = KeyValue(
                        key: event.kv.key, value: r.blob(4), createRevision: r.int(0), modRevision: r.int(1),
                        version: r.int(2), lease: r.int(3))
                }
            }
            out.append(event)
        }
        return out
    }

    /// Keys attached to a lease.
    static func keys(_ c: SQLiteConnection, lease: Int64) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        try c.query("SELECT key FROM current WHERE lease = ?1 AND deleted = 0 ORDER BY key", [.int(lease)]) {
            out.append($0.blob(0))
        }
        return out
    }
}
