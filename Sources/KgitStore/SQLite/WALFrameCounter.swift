import Synchronization

/// The WAL size (in frames) after the writer's last commit, written by SQLite's WAL hook.
final class WALFrameCounter: Sendable {
    private let value = Atomic<Int>(0)
    func store(_ frames: Int) { value.store(frames, ordering: .relaxed) }
    func load() -> Int { value.load(ordering: .relaxed) }
}
