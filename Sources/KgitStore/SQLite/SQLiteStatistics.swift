#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// What the embedded store's writer and checkpointer have done since the store opened: counts that bound how
/// long a write can wait for compaction or checkpointing, and the longest times seen, for benchmarks and
/// diagnostics (`kgit-bench store` prints them).
///
/// A write waits for the writer's transaction it is part of. Compaction runs inside that transaction in steps
/// of at most `SQLiteStore.compactionRowsPerStep` rows, so `maxCompactionRowsPerStep` bounds what one
/// write can wait for. Checkpoints run on their own thread and connection without the write lock, started
/// once `SQLiteStore.checkpointFrames` WAL pages are waiting, so `maxCheckpointFrames` says how much one
/// checkpoint copied and fsynced alongside the commits' own fsyncs.
public struct SQLiteStoreStatistics: Sendable, Equatable {
    /// Write transactions committed (each one fsync of the WAL).
    public var commits = 0
    /// Jobs (transactions, lease grants and revocations, compaction steps) in those commits.
    public var jobs = 0
    /// Pages written to the WAL.
    public var walPages = 0
    /// Times the WAL started again from its beginning after a complete checkpoint (the file stops growing).
    public var walRestarts = 0
    /// Compaction steps run inside write transactions.
    public var compactionSteps = 0
    /// The most rows one compaction step examined or deleted (log rows scanned, rows deleted, tombstones).
    public var maxCompactionRowsPerStep = 0
    /// Checkpoints run by the checkpointer thread; the writer itself never checkpoints.
    public var checkpoints = 0
    /// The most WAL pages one checkpoint had to copy into the database file.
    public var maxCheckpointFrames = 0
    /// Times the writer found the database locked by another connection and had to wait.
    public var busyWaits = 0
    /// Commits whose transaction (from BEGIN to the end of COMMIT's fsync) took longer than 20 ms.
    public var slowCommits = 0
    /// Slow commits that ran while a checkpoint was running (on its own thread).
    public var slowCommitsDuringCheckpoint = 0
    /// Slow commits whose batch held a compaction step.
    public var slowCommitsWithCompaction = 0
    /// Slow commits whose time went mostly to COMMIT itself (the WAL write and fsync), not to the jobs.
    public var slowCommitsInSync = 0
    /// The longest write transaction, in microseconds, from BEGIN to the end of COMMIT.
    public var maxCommitMicros: Int64 = 0
    /// The longest wait for the write lock (BEGIN IMMEDIATE), in microseconds.
    public var maxLockWaitMicros: Int64 = 0
    /// The longest COMMIT (WAL write and fsync), in microseconds.
    public var maxSyncMicros: Int64 = 0
    /// The longest compaction step, in microseconds.
    public var maxCompactionStepMicros: Int64 = 0
    /// The longest checkpoint (copy and database fsync, off the write path), in microseconds.
    public var maxCheckpointMicros: Int64 = 0

    /// Creates empty statistics.
    public init() {}
}

/// The shared, thread-safe record behind `SQLiteStoreStatistics`, written by the writer and checkpointer
/// threads. With `KGIT_STORE_TRACE` set, every slow commit is described on standard error with its phases and
/// what the checkpointer was doing at the time.
final class SQLiteStatisticsRecorder: Sendable {
    private let state = Mutex(SQLiteStoreStatistics())
    /// Whether a checkpoint is running now, and how many frames it is copying.
    let checkpointing = Atomic<Int>(0)
    private let trace: Bool

    init() { trace = getenv("KGIT_STORE_TRACE") != nil }

    var snapshot: SQLiteStoreStatistics { state.withLock { $0 } }

    func update(_ body: (inout SQLiteStoreStatistics) -> Void) { state.withLock { body(&$0) } }

    /// Records one commit's phases (microseconds).
    /// `checkpointAtBegin`: whether a checkpoint was running when the transaction began.
    func commit(
        jobs: Int, lockWait: Int64, apply: Int64, sync: Int64, compactionRows: Int?, compactionMicros: Int64,
        checkpointAtBegin: Int
    ) {
        let total = lockWait + apply + sync
        let checkpoint = max(checkpointAtBegin, checkpointing.load(ordering: .relaxed))
        state.withLock { s in
            s.commits += 1
            s.jobs += jobs
            s.maxLockWaitMicros = max(s.maxLockWaitMicros, lockWait)
            s.maxSyncMicros = max(s.maxSyncMicros, sync)
            s.maxCommitMicros = max(s.maxCommitMicros, total)
            if total > 20_000 {
                s.slowCommits += 1
                if checkpoint > 0 { s.slowCommitsDuringCheckpoint += 1 }
                if compactionRows != nil { s.slowCommitsWithCompaction += 1 }
                if sync * 2 > total { s.slowCommitsInSync += 1 }
            }
            if let compactionRows {
                s.compactionSteps += 1
                s.maxCompactionRowsPerStep = max(s.maxCompactionRowsPerStep, compactionRows)
                s.maxCompactionStepMicros = max(s.maxCompactionStepMicros, compactionMicros)
            }
        }
        if trace && total > 20_000 {
            let line = "kgit-store: slow commit \(total / 1000) ms: \(jobs) jobs, lock \(lockWait) us, apply \(apply) us, "
                + "commit+fsync \(sync) us, compaction step \(compactionMicros) us, checkpoint running: "
                + (checkpoint > 0 ? "\(checkpoint) frames" : "no") + "\n"
            traceLine(line)
        }
    }

    /// Records one checkpoint that copied `frames` pages in `micros`.
    func checkpoint(frames: Int, micros: Int64) {
        state.withLock { s in
            s.checkpoints += 1
            s.maxCheckpointFrames = max(s.maxCheckpointFrames, frames)
            s.maxCheckpointMicros = max(s.maxCheckpointMicros, micros)
        }
        if trace && micros > 20_000 { traceLine("kgit-store: checkpoint of \(frames) frames took \(micros / 1000) ms\n") }
    }
}

/// Writes one line to standard error (unbuffered, so lines from several threads do not interleave).
private func traceLine(_ line: String) {
    var bytes = Array(line.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

/// Microseconds on the monotonic clock.
func monotonicMicros() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
}
