import Synchronization

/// The single writer of an embedded store: one OS thread that owns the write connection and applies queued
/// jobs with group commit.
///
/// ```
///  callers ──► queue ──► take all ──► BEGIN IMMEDIATE ─ job₁ job₂ … jobₙ ─ COMMIT (one fsync) ──► publish ──► resume
///                                      (each job: its own revision)                            to WatchHub  callers
/// ```
///
/// A job that fails a rule (`leaseNotFound`, `quotaExceeded`, ...) fails alone and writes nothing (the engine
/// checks before it writes); a storage error rolls back the whole batch and fails every job in it, and the
/// in-memory revision returns to the last committed one, so revisions are never skipped or reused.
final class SQLiteWriter: @unchecked Sendable {
    /// A unit of work for the writer.
    enum Job: Sendable {
        case txn(TxnRequest, CheckedContinuation<TxnResponse, any Error>)
        case grant(Lease, CheckedContinuation<Lease, any Error>)
        case revoke(Int64, onlyIfExpired: Bool, CheckedContinuation<Void, any Error>)
        case compact(Int64, CheckedContinuation<Void, any Error>)
        /// Removes up to `SQLiteWriter.compactionStep` superseded rows; answers whether compaction is done.
        case compactStep(Int64, CheckedContinuation<Bool, any Error>)
        case close(CheckedContinuation<Void, Never>?)
    }

    /// Rows one compaction step may examine or delete while it holds the write lock.
    static let compactionStep = 64
    static let maxBatch = 1024

    let queue = BlockingQueue<Job>()
    private let walFrames: WALFrameCounter
    private let connection: SQLiteConnection
    private let hub: WatchHub
    private let leases: LeaseTable
    private let limits: StoreLimits
    private var revision: Int64
    private var compactRevision: Int64
    private var compactCursor: Int64 = 0
    private var compactScanDone = false
    private var compactNewest: [[UInt8]: (id: Int64, rev: Int64, deleted: Bool)] = [:]
    /// Where the tombstone pass over `compactNewest` has got to (nil: not started).
    private var compactTombstoneCursor: Dictionary<[UInt8], (id: Int64, rev: Int64, deleted: Bool)>.Index?
    private let size: Atomic<Int64>
    let statistics: SQLiteStatisticsRecorder
    private let pageSize: Int64

    /// Opens the writer over an initialised connection; `revision` is the recovered current revision.
    /// `walFrames` receives the connection's WAL hook reports; the writer keeps it alive as long as the
    /// connection can call the hook.
    init(connection: SQLiteConnection, hub: WatchHub, leases: LeaseTable, limits: StoreLimits, revision: Int64,
         compactRevision: Int64, walFrames: WALFrameCounter, statistics: SQLiteStatisticsRecorder) throws {
        self.connection = connection
        self.statistics = statistics
        self.walFrames = walFrames
        self.hub = hub
        self.leases = leases
        self.limits = limits
        self.revision = revision
        self.compactRevision = compactRevision
        pageSize = try connection.scalar("PRAGMA page_size") ?? 4096
        size = Atomic(((try connection.scalar("PRAGMA page_count")) ?? 0) * pageSize)
    }

    /// Bytes of the database in use (pages minus free pages, so deletes and compaction make room under the
    /// quota), updated after every commit.
    var databaseSize: Int64 { size.load(ordering: .relaxed) }

    /// Commits made so far (each one fsync).
    var commits: Int { statistics.snapshot.commits }

    /// Starts the writer thread.
    func start() {
        startThread { [self] in self.run() }
    }

    private func run() {
        while true {
            let jobs = queue.take(max: Self.maxBatch)
            if commit(jobs) { return }
        }
    }

    private enum Outcome {
        case txn(CheckedContinuation<TxnResponse, any Error>, Result<TxnResponse, any Error>)
        case lease(CheckedContinuation<Lease, any Error>, Result<Lease, any Error>)
        case void(CheckedContinuation<Void, any Error>, Result<Void, any Error>)
        case bool(CheckedContinuation<Bool, any Error>, Result<Bool, any Error>)
    }

    /// Applies one batch in one SQLite transaction; returns true when the writer must stop.
    private func commit(_ jobs: [Job]) -> Bool {
        let start = revision
        var outcomes: [Outcome] = []
        var events: [Event] = []
        var closing: [CheckedContinuation<Void, Never>?] = []
        var granted: [Int64] = []
        var revoked: [(Int64, Int64)] = []
        var newCompact: Int64?
        var fatal: (any Error)?
        var compactionRows: Int?
        var compactionMicros: Int64 = 0
        let began = monotonicMicros()
        let checkpointAtBegin = statistics.checkpointing.load(ordering: .relaxed)
        do {
            try connection.query("BEGIN IMMEDIATE")
        } catch {
            fatal = error
        }
        let locked = monotonicMicros()
        if fatal == nil {
            for job in jobs {
                do {
                    switch job {
                    case .txn(let request, let c):
                        do {
                            let (response, produced) = try apply(request)
                            events += produced
                            outcomes.append(.txn(c, .success(response)))
                        } catch let e as StoreError where !e.isStorage {
                            outcomes.append(.txn(c, .failure(e)))
                        }
                    case .grant(let lease, let c):
                        if leases.contains(lease.id) {
                            outcomes.append(.lease(c, .failure(StoreError.leaseExists(lease.id))))
                        } else {
                            try connection.query("INSERT INTO leases(id, ttl) VALUES (?1, ?2)", [.int(lease.id), .int(lease.ttl)])
                            leases.insert(lease.id, ttl: lease.ttl)
                            granted.append(lease.id)
                            outcomes.append(.lease(c, .success(lease)))
                        }
                    case .revoke(let id, let onlyIfExpired, let c):
                        let remaining = leases.remaining(id)
                        if remaining == nil || (onlyIfExpired && !leases.expired().contains(id)) {
                            outcomes.append(.void(c, remaining == nil ? .failure(StoreError.leaseNotFound(id)) : .success(())))
                        } else {
                            let keys = try SQLiteQueries.keys(connection, lease: id)
                            let (_, produced) = try apply(TxnEngine.revocation(of: keys), checkLimits: false)
                            events += produced
                            try connection.query("DELETE FROM leases WHERE id = ?1", [.int(id)])
                            leases.remove(id)
                            revoked.append((id, remaining?.granted ?? 1))
                            outcomes.append(.void(c, .success(())))
                        }
                    case .compact(let rev, let c):
                        let floor = newCompact ?? compactRevision
                        if rev <= floor {
                            outcomes.append(.void(c, .failure(StoreError.compacted(compactRevision: floor))))
                        } else if rev > revision {
                            outcomes.append(.void(c, .failure(StoreError.futureRevision(requested: rev, current: revision))))
                        } else {
                            try connection.query("UPDATE meta SET value = ?1 WHERE name = 'compact_revision'", [.int(rev)])
                            newCompact = rev
                            compactCursor = 0
                            compactScanDone = false
                            compactNewest = [:]
                            compactTombstoneCursor = nil
                            outcomes.append(.void(c, .success(())))
                        }
                    case .compactStep(let rev, let c):
                        let stepStart = monotonicMicros()
                        let (done, rows) = try compactStep(upTo: rev)
                        compactionRows = (compactionRows ?? 0) + rows
                        compactionMicros += monotonicMicros() - stepStart
                        outcomes.append(.bool(c, .success(done)))
                    case .close(let c):
                        closing.append(c)
                    }
                } catch {
                    fatal = error
                    break
                }
            }
        }
        let applied = monotonicMicros()
        if fatal == nil {
            do {
                if revision != start {
                    try connection.query("UPDATE meta SET value = ?1 WHERE name = 'revision'", [.int(revision)])
                }
                try connection.query("COMMIT")
            } catch {
                fatal = error
            }
        }
        if let fatal {
            try? connection.exec("ROLLBACK")
            revision = start
            for id in granted { leases.remove(id) }
            for (id, ttl) in revoked { leases.insert(id, ttl: ttl) }
            let error = (fatal as? StoreError) ?? StoreError.storage("\(fatal)")
            for job in jobs {
                if case .close(let c) = job { closing.append(c) } else { Self.fail(job, error) }
            }
        } else {
            let synced = monotonicMicros()
            statistics.commit(
                jobs: jobs.count, lockWait: locked - began, apply: applied - locked, sync: synced - applied,
                compactionRows: compactionRows, compactionMicros: compactionMicros, checkpointAtBegin: checkpointAtBegin)
            if let newCompact {
                compactRevision = newCompact
                hub.compacted(at: newCompact)
            }
            if let pages = try? connection.scalar("PRAGMA page_count"), let free = try? connection.scalar("PRAGMA freelist_count") {
                size.store((pages - free) * pageSize, ordering: .relaxed)
            }
            hub.publish(events, revision: revision)
            for outcome in outcomes {
                switch outcome {
                case .txn(let c, let r): c.resume(with: r)
                case .lease(let c, let r): c.resume(with: r)
                case .void(let c, let r): c.resume(with: r)
                case .bool(let c, let r): c.resume(with: r)
                }
            }
        }
        if !closing.isEmpty {
            // Jobs that raced with close: fail them rather than leave their callers waiting forever.
            for job in queue.close() { Self.fail(job, StoreError.closed) }
            connection.close()
            for c in closing { c?.resume() }
            return true
        }
        return false
    }

    /// Resumes a job's caller with `error`.
    static func fail(_ job: Job, _ error: StoreError) {
        switch job {
        case .txn(_, let c): c.resume(throwing: error)
        case .grant(_, let c): c.resume(throwing: error)
        case .revoke(_, _, let c): c.resume(throwing: error)
        case .compact(_, let c): c.resume(throwing: error)
        case .compactStep(_, let c): c.resume(throwing: error)
        case .close(let c): c?.resume()
        }
    }

    private func apply(_ request: TxnRequest, checkLimits: Bool = true) throws -> (TxnResponse, [Event]) {
        var view = SQLiteWriteView(connection: connection, leases: leases, compactRevision: compactRevision)
        let bytes = databaseSize
        let over: (Int64, Int64)? = checkLimits && bytes >= limits.quotaBytes ? (bytes, limits.quotaBytes) : nil
        let (response, events) = try TxnEngine.execute(request, in: &view, current: revision, overQuota: over)
        revision = response.revision
        return (response, events)
    }

    /// Examines or deletes up to `compactionStep` rows made obsolete by compacting at `rev`; returns whether
    /// compaction is done and how many rows this step touched.
    ///
    /// Walks the log in id (= revision) order up to `rev`, remembering each key's newest row so far: a row
    /// is obsolete once a newer row of its key at or below `rev` is seen. Then walks the keys remembered, a
    /// step at a time: those whose newest row below `rev` is a delete lose that row and their `current`
    /// tombstone. State lives in the writer, so a compaction interrupted by a restart leaves garbage the next
    /// compaction removes.
    private func compactStep(upTo rev: Int64) throws -> (done: Bool, rows: Int) {
        var budget = Self.compactionStep
        if !compactScanDone {
            var rows: [(id: Int64, key: [UInt8], rev: Int64, deleted: Bool)] = []
            try connection.query(
                "SELECT id, key, rev, deleted FROM log WHERE id > ?1 ORDER BY id LIMIT \(budget)", [.int(compactCursor)]
            ) { r in rows.append((r.int(0), r.blob(1), r.int(2), r.int(3) != 0)) }
            for row in rows {
                if row.rev > rev {
                    compactScanDone = true
                    break
                }
                compactCursor = row.id
                if let older = compactNewest.updateValue((row.id, row.rev, row.deleted), forKey: row.key) {
                    try connection.query("DELETE FROM log WHERE id = ?1", [.int(older.id)])
                }
            }
            if rows.count < budget { compactScanDone = true }
            // The scan and the tombstone pass never share a step, so no step touches more than the budget.
            return (false, rows.count)
        }
        var index = compactTombstoneCursor ?? compactNewest.startIndex
        var touched = 0
        while touched < budget, index != compactNewest.endIndex {
            let (key, row) = compactNewest[index]
            if row.deleted && row.rev < rev {
                try connection.query("DELETE FROM log WHERE id = ?1", [.int(row.id)])
                try connection.query("DELETE FROM current WHERE key = ?1 AND log_id = ?2", [.blob(key), .int(row.id)])
            }
            touched += 1
            index = compactNewest.index(after: index)
        }
        compactTombstoneCursor = index
        if index == compactNewest.endIndex {
            compactNewest = [:]
            compactTombstoneCursor = nil
            return (true, touched)
        }
        return (false, touched)
    }
}
