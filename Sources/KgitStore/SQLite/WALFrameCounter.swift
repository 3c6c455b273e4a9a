import Synchronization

/// The WAL size (in frames) after the writer's last commit, and the frames written since open, fed by
/// SQLite's WAL hook on the writer connection.
final class WALFrameCounter: Sendable {
    private let value = Atomic<Int>(0)
    private let statistics: SQLiteStatisticsRecorder

    init(statistics: SQLiteStatisticsRecorder) { self.statistics = statistics }

    /// Records the WAL size after a commit; a size below the previous one means the WAL restarted.
    func store(_ frames: Int) {
        let before = value.exchange(frames, ordering: .relaxed)
        statistics.update { s in
            s.walPages += frames >= before ? frames - before : frames
            if frames < before { s.walRestarts += 1 }
        }
    }

    /// The WAL size after the last commit.
    func load() -> Int { value.load(ordering: .relaxed) }
}
