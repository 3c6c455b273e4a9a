#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Moves WAL frames into the database file on its own thread and connection, so the writer never pays for a
/// checkpoint (copying pages and fsyncing the database file) inside a commit.
///
/// It runs a PASSIVE checkpoint (which never blocks the writer or readers) once the WAL holds `threshold`
/// frames (16 MiB of 4 KiB pages by default), or half a second after the last commit not yet checkpointed.
/// Checkpointing rarely keeps the database file's fsyncs from queueing behind (and in front of) the WAL
/// fsyncs that acknowledge writes. After a complete checkpoint SQLite restarts the WAL from its beginning, so
/// commits overwrite blocks the file already has and their fsync need not update the file's size.
final class SQLiteCheckpointer: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let connection: SQLiteConnection
    private let threshold: Int
    private let commits: @Sendable () -> Int
    private let frames: WALFrameCounter
    private let statistics: SQLiteStatisticsRecorder

    /// `commits` reports how many commits the writer has made so far; `frames` the WAL size the writer's
    /// connection reported after its last commit.
    /// WAL pages waiting to be copied that start a checkpoint: 4 MiB of 4 KiB pages.
    static let defaultThreshold = 1024

    init(path: String, frames: WALFrameCounter, statistics: SQLiteStatisticsRecorder, threshold: Int = defaultThreshold,
         commits: @escaping @Sendable () -> Int) throws
    {
        connection = try SQLiteConnection(path: path, create: false)
        self.statistics = statistics
        self.threshold = threshold
        self.commits = commits
        self.frames = frames
    }

    func start() {
        startThread { [self] in
            var done = commits()
            var idleTicks = 0
            var backfilled = 0
            while !stopped.load(ordering: .relaxed) {
                usleep(20_000)
                let now = commits()
                idleTicks += 1
                let wal = frames.load()
                if wal < backfilled { backfilled = 0 }  // the WAL restarted
                if wal - backfilled >= threshold || (now != done && idleTicks >= 25) {
                    statistics.checkpointing.store(max(1, wal - backfilled), ordering: .relaxed)
                    let start = monotonicMicros()
                    if let (_, checkpointed) = try? connection.checkpointPassive() {
                        statistics.checkpoint(frames: max(0, checkpointed - backfilled), micros: monotonicMicros() - start)
                        backfilled = checkpointed
                    }
                    statistics.checkpointing.store(0, ordering: .relaxed)
                    done = now
                    idleTicks = 0
                }
            }
            connection.close()
            finished.store(true, ordering: .relaxed)
        }
    }

    /// Stops the thread and waits (briefly) for it to close its connection.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        for _ in 0..<100 where !finished.load(ordering: .relaxed) { usleep(2_000) }
    }
}
