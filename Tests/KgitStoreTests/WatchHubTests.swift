@testable import KgitStore
import Testing

/// The in-process fan-out behind the embedded stores' watches.
@Suite struct WatchHubTests {
    static func put(_ key: String, _ rev: Int64) -> Event {
        Event(kind: .put, kv: KeyValue(key: Array(key.utf8), value: [1], createRevision: rev, modRevision: rev, version: 1))
    }

    @Test("a watcher gets only its keys, without previous values unless it asked")
    func filtersByRangeAndPrevKV() async throws {
        let hub = WatchHub(revision: 1)
        let stream = await hub.watch(WatchRequest(.prefix("a/"))) { _, _, _, _ in [] }
        var withPrev = Self.put("a/1", 2)
        withPrev.prevKV = Self.put("a/1", 1).kv
        hub.publish([withPrev, Self.put("b/1", 2)], revision: 2)
        let events = try await stream.events(1)
        #expect(events.map(\.kv.key.s) == ["a/1"])
        #expect(events.first?.prevKV == nil)
    }

    @Test("a watcher starting at a future revision sees nothing before it")
    func futureStart() async throws {
        let hub = WatchHub(revision: 1)
        let stream = await hub.watch(WatchRequest(.key("k"), startRevision: 5)) { _, _, _, _ in [] }
        hub.publish([Self.put("k", 2)], revision: 2)
        hub.publish([Self.put("k", 5)], revision: 5)
        #expect(try await stream.events(1).map(\.kv.modRevision) == [5])
    }

    @Test("events published while history replays are delivered after it, once")
    func replayThenBuffered() async throws {
        let hub = WatchHub(revision: 3)
        let gate = AsyncGate()
        let watching = Task {
            await hub.watch(WatchRequest(.key("k"), startRevision: 2)) { _, from, through, _ in
                await gate.wait()
                return (from...through).map { Self.put("k", $0) }
            }
        }
        // Once the watcher is registered (its replay blocked on the gate); a fixed 50 ms sleep let a loaded
        // machine publish before registration, and the test then passed without testing the buffering.
        while hub.count == 0 { try await Task.sleep(for: .milliseconds(5)) }
        hub.publish([Self.put("k", 4)], revision: 4)  // arrives while the replay is blocked
        await gate.open()
        let stream = await watching.value
        #expect(try await stream.events(3).map(\.kv.modRevision) == [2, 3, 4])
    }

    @Test("a watcher whose buffer fills while it replays is cancelled at the first revision it missed", arguments: [false, true])
    func replayOverflow(compactedMeanwhile: Bool) async throws {
        let hub = WatchHub(revision: 3)
        let gate = AsyncGate()
        let watching = Task {
            await hub.watch(WatchRequest(.key("k"), startRevision: 2, bufferLimit: 2)) { _, from, through, _ in
                await gate.wait()
                return (from...through).map { Self.put("k", $0) }
            }
        }
        while hub.count == 0 { try await Task.sleep(for: .milliseconds(5)) }
        // The replay holds one place and revision 4 the other, so revision 5 finds no room.
        for rev in Int64(4)...6 { hub.publish([Self.put("k", rev)], revision: rev) }
        if compactedMeanwhile { hub.compacted(at: 6) }
        await gate.open()
        let stream = await watching.value
        var got: [Int64] = []
        await #expect(
            throws: compactedMeanwhile
                ? StoreError.compacted(compactRevision: 6) : StoreError.watchCancelled(resumeRevision: 5, limit: 2)
        ) {
            for try await batch in stream { got += batch.events.map(\.kv.modRevision) }
        }
        #expect(got == [2, 3, 4])
        #expect(hub.count == 0, "a cancelled watcher is unregistered")
    }

    @Test("a live watcher that never reads is cancelled once its buffer is full, and later events skip it")
    func liveOverflow() async throws {
        let hub = WatchHub(revision: 1)
        let stream = await hub.watch(WatchRequest(.all, bufferLimit: 3)) { _, _, _, _ in [] }
        for rev in Int64(2)...9 { hub.publish([Self.put("k\(rev)", rev)], revision: rev) }
        var got: [Int64] = []
        await #expect(throws: StoreError.watchCancelled(resumeRevision: 5, limit: 3)) {
            for try await batch in stream { got += batch.events.map(\.kv.modRevision) }
        }
        #expect(got == [2, 3, 4])
        #expect(hub.count == 0)
    }

    @Test("closing the hub ends every stream")
    func closeEndsStreams() async throws {
        let hub = WatchHub(revision: 1)
        let stream = await hub.watch(WatchRequest(.all)) { _, _, _, _ in [] }
        hub.close()
        var count = 0
        for try await _ in stream { count += 1 }
        #expect(count == 0 && hub.count == 0)
    }
}

/// A one-shot gate tasks can wait on.
actor AsyncGate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for w in waiters { w.resume() }
        waiters = []
    }
}
