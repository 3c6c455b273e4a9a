#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import CSQLite

/// One SQLite connection with a prepared-statement cache. Not thread-safe: one thread uses it at a time
/// (the writer thread, or the task that checked it out of the read pool).
final class SQLiteConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var db: OpaquePointer {
        get throws {
            guard let handle else { throw StoreError.closed }
            return handle
        }
    }
    private var statements: [String: OpaquePointer] = [:]
    let path: String

    /// Opens (creating when `create`) the database at `path`. Throws `StoreError.storage`.
    init(path: String, create: Bool) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let handle { sqlite3_close_v2(handle) }
            throw StoreError.storage("opening \(path): \(message)")
        }
        self.handle = handle
        self.path = path
        sqlite3_busy_timeout(handle, 10_000)
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit { close() }

    /// Finalizes every statement and closes the connection; later calls throw `StoreError.closed`.
    func close() {
        for (_, s) in statements { sqlite3_finalize(s) }
        statements = [:]
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs SQL with no results (may hold several statements).
    func exec(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(try db, sql, nil, nil, &err) != SQLITE_OK {
            let message = err.map { String(cString: $0) } ?? errorMessage
            sqlite3_free(err)
            throw StoreError.storage("\(message) (in: \(sql.prefix(60)))")
        }
    }

    /// The last error's message.
    var errorMessage: String { handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed" }

    /// The rowid of the last inserted row.
    var lastInsertRowID: Int64 { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }

    /// Rows changed by the last statement.
    var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }

    /// Runs a cached prepared statement: binds `args`, calls `row` for every result row.
    func query(_ sql: String, _ args: [SQLiteValue] = [], row: (SQLiteRow) throws -> Void = { _ in }) throws {
        let stmt = try prepare(sql)
        defer {
            sqlite3_reset(stmt)
            sqlite3_clear_bindings(stmt)
        }
        for (i, arg) in args.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch arg {
            case .int(let v): rc = sqlite3_bind_int64(stmt, index, v)
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes { buf in
                    // A zero-length blob must still bind as a blob, not NULL.
                    sqlite3_bind_blob(stmt, index, buf.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buf.count), sqliteTransient)
                }
            case .text(let s): rc = sqlite3_bind_text(stmt, index, s, -1, sqliteTransient)
            }
            if rc != SQLITE_OK { throw StoreError.storage("bind: \(errorMessage)") }
        }
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_ROW {
                try row(SQLiteRow(stmt: stmt))
            } else if rc == SQLITE_DONE {
                return
            } else {
                throw StoreError.storage("\(errorMessage) (code \(rc), in: \(sql.prefix(60)))")
            }
        }
    }

    /// Runs a statement and returns the first column of the first row as an integer.
    func scalar(_ sql: String, _ args: [SQLiteValue] = []) throws -> Int64? {
        var value: Int64?
        try query(sql, args) { r in if value == nil { value = r.int(0) } }
        return value
    }

    private func prepare(_ sql: String) throws -> OpaquePointer {
        if let s = statements[sql] { return s }
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v3(try db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil) == SQLITE_OK, let stmt else {
            throw StoreError.storage("prepare: \(errorMessage) (in: \(sql.prefix(60)))")
        }
        statements[sql] = stmt
        return stmt
    }

    /// Copies this database into a new file at `path` (an online, consistent snapshot).
    func backup(to path: String) throws {
        var dest: OpaquePointer?
        guard sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let dest else {
            throw StoreError.storage("opening \(path) for the snapshot")
        }
        defer { sqlite3_close_v2(dest) }
        guard let backup = sqlite3_backup_init(dest, "main", try db, "main") else {
            throw StoreError.storage("snapshot: \(String(cString: sqlite3_errmsg(dest)))")
        }
        let rc = sqlite3_backup_step(backup, -1)
        sqlite3_backup_finish(backup)
        if rc != SQLITE_DONE { throw StoreError.storage("snapshot: \(String(cString: sqlite3_errmsg(dest)))") }
    }

    /// Reports the WAL's size in frames to `counter` after every commit on this connection (replaces SQLite's
    /// autocheckpoint hook; `SQLiteCheckpointer` does the checkpoints).
    func reportWALFrames(to counter: WALFrameCounter) throws {
        let hook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = {
            context, _, _, frames in
            if let context { Unmanaged<WALFrameCounter>.fromOpaque(context).takeUnretainedValue().store(Int(frames)) }
            return SQLITE_OK
        }
        sqlite3_wal_hook(try db, hook, Unmanaged.passUnretained(counter).toOpaque())
    }

    /// Runs a PASSIVE checkpoint (copies what it can without waiting for readers or the writer) and returns
    /// the WAL's size and how many of its frames are now in the database file.
    ///
    /// Through the pragma rather than `sqlite3_wal_checkpoint_v2`: the pragma reads the schema first, so a
    /// connection that has not yet touched the database learns that it is in WAL mode; the C call on such a
    /// connection is a silent no-op.
    func checkpointPassive() throws -> (walFrames: Int, checkpointed: Int) {
        var result = (0, 0)
        try query("PRAGMA wal_checkpoint(PASSIVE)") { r in result = (Int(max(r.int(1), 0)), Int(max(r.int(2), 0))) }
        return result
    }

    /// Replaces the busy timeout with short sleeps (100 us, up to 10 s in all) that `recorder` counts: SQLite's
    /// own timeout sleeps 1, 2, 5, 10, 15, 20, 25... ms, so one lock conflict could cost a write 50 ms or more.
    func waitBrieflyWhenBusy(recorder: SQLiteStatisticsRecorder) throws {
        let handler: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32 = { context, attempts in
            if let context {
                Unmanaged<SQLiteStatisticsRecorder>.fromOpaque(context).takeUnretainedValue().update { $0.busyWaits += 1 }
            }
            if attempts >= 100_000 { return 0 }
            usleep(100)
            return 1
        }
        sqlite3_busy_handler(try db, handler, Unmanaged.passUnretained(recorder).toOpaque())
    }

    /// The SQLite library version.
    static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}

nonisolated(unsafe) private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
