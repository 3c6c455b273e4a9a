#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The embedded `Store`: SQLite in WAL mode with `synchronous=FULL`, so an acknowledged write survives a crash
/// or power loss.
///
/// Layout: `DIR/store.db` (+ `-wal`, `-shm`) and `DIR/LOCK`, an exclusive `flock` held while open, so two
/// processes never write one store (their revisions would collide).
///
/// Writes go through one `SQLiteWriter` thread with group commit: concurrent writers share one SQLite
/// transaction and one fsync, each with its own revision. Reads use a pool of separate connections (WAL
/// readers never block the writer) and see a consistent snapshot. Watches are fed after commit by a
/// `WatchHub`; watches from an old revision replay the log first. `compact` records the new floor at once
/// and removes history in bounded steps interleaved with writes. Leases expire via a 100 ms timer. A
/// `SQLiteCheckpointer` thread moves the WAL into the database file off the write path.
///
/// Threads: one writer and one checkpointer per open store; reads run on the caller's task.
///
/// Recovery on open: the revision continues from the last committed one; leases get their full TTL again.
public final class SQLiteStore: Store {
    /// Where the store lives.
    public let directory: String
    /// The most log rows one compaction step examines or deletes inside a write transaction.
    public static let compactionRowsPerStep = SQLiteWriter.compactionStep
    /// WAL pages waiting to be copied into the database that start a checkpoint.
    public static let checkpointFrames = SQLiteCheckpointer.defaultThreshold
    private let writer: SQLiteWriter
    private let hub: WatchHub
    private let leases = LeaseTable()
    private let readers = Mutex<[SQLiteConnection]>([])
    private let closed = Atomic<Bool>(false)
    private let expiry = Mutex<Task<Void, Never>?>(nil)
    private let lockFD: Int32
    private let dbPath: String
    private let limits: StoreLimits
    private let checkpointer: SQLiteCheckpointer

    /// Opens (creating if needed) the store in `directory`.
    ///
    /// Throws `StoreError.storage` when the directory cannot be created, the database cannot be opened, or
    /// another process holds the store open.
    public init(directory: String, limits: StoreLimits = .etcd) throws {
        self.directory = directory
        self.limits = limits
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw StoreError.storage("creating \(directory): \(String(cString: strerror(errno)))")
        }
        let fd = open(directory + "/LOCK", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw StoreError.storage("opening \(directory)/LOCK: \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            Glibc.close(fd)
            throw StoreError.storage("\(directory) is in use by another process")
        }
        lockFD = fd
        dbPath = directory + "/store.db"
        do {
            let connection = try SQLiteConnection(path: dbPath, create: true)
            try connection.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864; PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536")
            try connection.exec("BEGIN IMMEDIATE; \(SQLiteQueries.schema) COMMIT")
            let (metaRev, compact) = try SQLiteQueries.revisions(connection)
            let logRev = try connection.scalar("SELECT MAX(rev) FROM log") ?? 0
            let revision = max(metaRev, logRev, 1)
            try connection.query("SELECT id, ttl FROM leases") { [leases] r in leases.insert(r.int(0), ttl: r.int(1)) }
            hub = WatchHub(revision: revision)
            hub.compacted(at: compact)
            let statistics = SQLiteStatisticsRecorder()
            let frames = WALFrameCounter(statistics: statistics)
            try connection.reportWALFrames(to: frames)
            try connection.waitBrieflyWhenBusy(recorder: statistics)
            let writer = try SQLiteWriter(
                connection: connection, hub: hub, leases: leases, limits: limits, revision: revision,
                compactRevision: compact, walFrames: frames, statistics: statistics)
            self.writer = writer
            checkpointer = try SQLiteCheckpointer(path: dbPath, frames: frames, statistics: statistics) { writer.commits }
        } catch {
            Glibc.close(fd)
            throw error
        }
        writer.start()
        checkpointer.start()
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                guard let self else { return }
                for id in self.leases.expired() { try? await self.revoke(id, onlyIfExpired: true) }
            }
        }
        expiry.withLock { $0 = task }
    }

    deinit {
        expiry.withLock { $0?.cancel() }
        if !closed.load(ordering: .relaxed) {
            writer.queue.append(.close(nil))
            checkpointer.stop()
        }
        Glibc.close(lockFD)
    }

    // MARK: - Reads

    private func withReader<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        if closed.load(ordering: .relaxed) { throw StoreError.closed }
        let reader = try readers.withLock { $0.popLast() } ?? {
            let c = try SQLiteConnection(path: dbPath, create: false)
            try c.exec("PRAGMA query_only=1; PRAGMA mmap_size=1073741824; PRAGMA cache_size=-16384")
            return c
        }()
        defer { readers.withLock { if $0.count < 8 { $0.append(reader) } } }
        try reader.query("BEGIN")
        defer { try? reader.query("COMMIT") }
        return try body(reader)
    }

    public func range(_ request: RangeRequest) async throws -> RangeResponse {
        try withReader { c in
            let (revision, compact) = try SQLiteQueries.revisions(c)
            if request.revision > revision {
                throw StoreError.futureRevision(requested: request.revision, current: revision)
            }
            if request.revision > 0 && request.revision < compact { throw StoreError.compacted(compactRevision: compact) }
            if request.revision == 0 || request.revision == revision {
                return try SQLiteQueries.rangeCurrent(c, request, revision: revision)
            }
            return request.shape(try SQLiteQueries.history(c, request.range, at: request.revision), revision: revision)
        }
    }

    // MARK: - Writes

    private func submit<T>(_ make: (CheckedContinuation<T, any Error>) -> SQLiteWriter.Job) async throws -> T {
        if closed.load(ordering: .relaxed) { throw StoreError.closed }
        return try await withCheckedThrowingContinuation { c in
            let job = make(c)
            if !writer.queue.append(job) { SQLiteWriter.fail(job, .closed) }
        }
    }

    public func txn(_ request: TxnRequest) async throws -> TxnResponse {
        try TxnEngine.validate(request, limits: limits)
        return try await submit { .txn(request, $0) }
    }


    // MARK: - Watch

    public func watch(_ request: WatchRequest) async throws -> WatchStream {
        if closed.load(ordering: .relaxed) { throw StoreError.closed }
        return await hub.watch(request) { [weak self] range, from, through, prevKV in
            guard let self else { throw StoreError.closed }
            return try self.withReader { c in
                let (_, compact) = try SQLiteQueries.revisions(c)
                if from < compact { throw StoreError.compacted(compactRevision: compact) }
                return try SQLiteQueries.events(c, range, from: from, through: through, prevKV: prevKV)
            }
        }
    }

    // MARK: - Compaction

    public func compact(_ revision: Int64) async throws {
        try await submit { .compact(revision, $0) }
        while try await !submit({ .compactStep(revision, $0) }) {}
    }

    // MARK: - Leases

    public func grantLease(ttl: Int64, id: Int64) async throws -> Lease {
        if ttl > 9_000_000_000 { throw StoreError.invalidRequest("lease TTL is too large") }
        if id < 0 { throw StoreError.invalidRequest("lease ID must be positive") }
        let lease = Lease(id: id == 0 ? leases.newID() : id, ttl: max(ttl, 1))
        return try await submit { .grant(lease, $0) }
    }

    public func keepAliveLease(_ id: Int64) async throws -> Int64 {
        if closed.load(ordering: .relaxed) { throw StoreError.closed }
        guard let ttl = leases.renew(id) else { throw StoreError.leaseNotFound(id) }
        return ttl
    }

    public func revokeLease(_ id: Int64) async throws {
        try await revoke(id, onlyIfExpired: false)
    }

    private func revoke(_ id: Int64, onlyIfExpired: Bool) async throws {
        try await submit { .revoke(id, onlyIfExpired: onlyIfExpired, $0) }
    }

    public func leaseTimeToLive(_ id: Int64, keys: Bool) async throws -> LeaseTimeToLive {
        guard let left = leases.remaining(id) else { throw StoreError.leaseNotFound(id) }
        let attached = keys ? try withReader { try SQLiteQueries.keys($0, lease: id) } : []
        return LeaseTimeToLive(id: id, ttl: left.ttl, grantedTTL: left.granted, keys: attached)
    }

    // MARK: - Status, snapshots, lifecycle

    public func status() async throws -> StoreStatus {
        let (revision, compact) = try withReader { try SQLiteQueries.revisions($0) }
        return StoreStatus(
            backend: "sqlite", revision: revision, compactRevision: compact, dbSize: writer.databaseSize,
            version: SQLiteConnection.libraryVersion)
    }

    /// Writes a consistent copy of the store to `path` (a new file) while the store stays online.
    /// Throws `.storage` when the file exists or cannot be written.
    public func snapshot(to path: String) async throws {
        if access(path, F_OK) == 0 { throw StoreError.storage("\(path) already exists") }
        try withReader { try $0.backup(to: path) }
    }

    /// What the writer and checkpointer have done since open: commits (fsyncs), jobs and WAL pages
    /// (`jobs / commits` is the mean group-commit batch size, `walPages / jobs` the write amplification),
    /// compaction steps and checkpoints with the most rows or pages any one of them handled, and the longest
    /// times seen. For benchmarks, diagnostics and tests of the stall bound.
    public var statistics: SQLiteStoreStatistics { writer.statistics.snapshot }

    /// Runs SQLite's `PRAGMA integrity_check`; returns "ok" for a sound database, else the problems found.
    public func integrityCheck() throws -> String {
        try withReader { c in
            var lines: [String] = []
            try c.query("PRAGMA integrity_check") { lines.append($0.text(0)) }
            return lines.joined(separator: "\n")
        }
    }

    public func close() async {
        if closed.exchange(true, ordering: .relaxed) { return }
        expiry.withLock { $0?.cancel() }
        await withCheckedContinuation { c in
            if !writer.queue.append(.close(c)) { c.resume() }
        }
        checkpointer.stop()
        hub.close()
        readers.withLock { $0.removeAll() }
        flock(lockFD, LOCK_UN)
    }
}
