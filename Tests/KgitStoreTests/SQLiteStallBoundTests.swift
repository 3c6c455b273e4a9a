import Foundation
import KgitStore
import Testing

/// The embedded store's bound on how long compaction and checkpoints can hold up a write, checked by what the
/// store counts (steps, rows, pages, which thread did the work), not by clocks.
@Suite("SQLite store stall bound", .timeLimit(.minutes(4)))
struct SQLiteStallBoundTests {
    /// Writes `rounds` revisions of 40 keys each (one txn each, values of `size` bytes), then deletes 10 of
    /// the keys: history for compaction to remove, tombstones included.
    static func history(_ store: SQLiteStore, rounds: Int, size: Int = 8) async throws {
        let value = String(repeating: "v", count: size)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<rounds {
                group.addTask {
                    let puts = (0..<40).map { TxnOp.put(PutRequest("h/\($0)", value)) }
                    _ = try await store.txn(TxnRequest(success: puts))
                }
            }
            try await group.waitForAll()
        }
        for k in 0..<10 { try await store.delete("h/\(k)") }
    }

    @Test("compaction runs in many steps of bounded size, each its own commit between writes")
    func compactionSteps() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path + "/s")
        try await Self.history(store, rounds: 60)  // 2,400 log rows, 2,350 of them superseded
        let target = try await store.status().revision
        let before = store.statistics
        let compaction = Task { try await store.compact(target) }
        // Writers keep going while compaction runs; their writes land between its steps.
        let writes = try await withThrowingTaskGroup(of: Int64.self) { group in
            for w in 0..<4 { group.addTask { try await store.put("during/\(w)", "v") } }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        try await compaction.value
        let after = store.statistics
        let steps = after.compactionSteps - before.compactionSteps
        #expect(steps >= 2_400 / SQLiteStore.compactionRowsPerStep, "the log was walked in steps, not at once")
        #expect(after.maxCompactionRowsPerStep <= SQLiteStore.compactionRowsPerStep)
        #expect(after.maxCompactionRowsPerStep > 0)
        #expect(after.commits - before.commits >= steps, "every step committed on its own (plus the writes)")
        #expect(writes.count == 4)
        // The history is really gone, and what is current is intact.
        #expect(try await store.get("h/20")?.version == 60)
        #expect(try await store.range(RangeRequest(.prefix("h/"))).count == 30)
        await #expect(throws: StoreError.self) { _ = try await store.range(RangeRequest(.prefix("h/"), revision: target - 1)) }
        #expect(try store.integrityCheck() == "ok")
        await store.close()
        withExtendedLifetime(dir) {}
    }

    @Test("checkpoints run on the checkpointer, in bounded batches, and the WAL starts over instead of growing")
    func checkpoints() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path + "/s")
        // More WAL pages than one checkpoint batch.
        var rounds = 0
        while store.statistics.walPages < 3 * SQLiteStore.checkpointFrames {
            try await Self.history(store, rounds: 20, size: 4000)
            rounds += 1
        }
        while store.statistics.checkpoints < 2 { try await Task.sleep(for: .milliseconds(20)) }
        // Once the checkpointer has caught up with an idle writer, the next commit restarts the WAL.
        let restarts = store.statistics.walRestarts
        while store.statistics.walRestarts == restarts {
            try await Task.sleep(for: .milliseconds(100))
            try await store.put("poke", "\(rounds)")
        }
        let s = store.statistics
        #expect(s.checkpoints >= 2)
        #expect(s.maxCheckpointFrames > 0)
        #expect(s.walRestarts > restarts)
        #expect(try store.integrityCheck() == "ok")
        await store.close()
        withExtendedLifetime(dir) {}
    }
}
