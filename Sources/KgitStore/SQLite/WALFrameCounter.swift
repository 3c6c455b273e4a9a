import Synchronization

/// The WAL size (in frames) after the writer's last commit, and the frames written since open, fed by
/// SQLite's WAL hook on the writer connection.
final class WALFrameCounter: Sendable {
    private let value = Atomic<Int>(0)
    private let written = Atomic<Int>(0)

    /// Records the WAL size after a commit; a size below the previous one means the WAL restarted.
    func store(_ frames: Int) {
        let before = value.exchange(frames, ordering: .relaxed)
        written.add(frames >= before ? frames - before : frames, ordering: .relaxed)
    }

    /// The WAL size after the last commit.
    func load() -> Int { value.load(ordering: .relaxed) }

    /// Frames (pages) written to the WAL since open.
    var framesWritten: Int { written.load(ordering: .relaxed) }
}
