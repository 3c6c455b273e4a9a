import Synchronization

/// In-process watch fan-out for the embedded stores.
///
/// The store's single writer calls `publish` after each commit, in revision order; the hub hands every
/// registered watcher the events in its range. A watcher that starts at an old revision first replays history
/// from the backend while new events are buffered, then switches to live delivery, so nothing is missed or
/// repeated:
///
/// ```
///  register (buffering) ── replay history [start, L] ── flush buffer (> L) ── live
///         L = last published revision at registration
/// ```
///
/// Thread-safe. Delivery never blocks the writer. Each watcher holds at most its request's `bufferLimit`
/// responses (the replay buffer is bounded the same way); one that falls further behind is cancelled: the
/// consumer reads what is held, then `StoreError.watchCancelled` with the first revision it did not get, or
/// `.compacted` when compaction has already removed that revision.
final class WatchHub: Sendable {
    /// Reads the events of revisions `from...through` in `range` (with previous versions when asked);
    /// throws `.compacted` when `from` is gone.
    typealias History = @Sendable (_ range: KeyRange, _ from: Int64, _ through: Int64, _ prevKV: Bool) async throws
        -> [Event]

    private struct Watcher {
        var range: KeyRange
        var prevKV: Bool
        var minRevision: Int64
        var continuation: WatchStream.Continuation
        var buffer: [WatchResponse]?
        var delivered = false
        var limit: Int
        /// The first revision this watcher did not get, once it fell too far behind.
        var cancelledAt: Int64?
    }

    private struct State {
        var watchers: [Int: Watcher] = [:]
        var byKey: [[UInt8]: Set<Int>] = [:]
        var ranged: Set<Int> = []
        var nextID = 1
        var revision: Int64
        var compactRevision: Int64 = 0
        var closed = false
    }

    private let state: Mutex<State>

    /// Creates a hub whose last published revision is `revision`.
    init(revision: Int64) { state = Mutex(State(revision: revision)) }

    /// The last published revision.
    var revision: Int64 { state.withLock { $0.revision } }

    /// Records a committed compaction: a watcher cancelled later that would resume below `revision` is told
    /// it was compacted.
    func compacted(at revision: Int64) {
        state.withLock { s in s.compactRevision = max(s.compactRevision, revision) }
    }

    /// The error that ends a watcher which fell behind at `resume`.
    private static func cancellation(resume: Int64, limit: Int, compactRevision: Int64) -> StoreError {
        resume < compactRevision
            ? .compacted(compactRevision: compactRevision) : .watchCancelled(resumeRevision: resume, limit: limit)
    }

    /// Delivers the events of one committed write batch (whole revisions, in order) ending at `revision`.
    func publish(_ events: [Event], revision: Int64) {
        let cancelled = state.withLock { s -> [(WatchStream.Continuation, StoreError)] in
            s.revision = max(s.revision, revision)
            if s.watchers.isEmpty || events.isEmpty { return [] }
            var cancelled: [(WatchStream.Continuation, StoreError)] = []
            var matched: [Int: [Event]] = [:]
            for event in events {
                if let ids = s.byKey[event.kv.key] {
                    for id in ids { matched[id, default: []].append(event) }
                }
                for id in s.ranged where s.watchers[id]?.range.contains(event.kv.key) == true {
                    matched[id, default: []].append(event)
                }
            }
            for (id, var list) in matched {
                guard var w = s.watchers[id], w.cancelledAt == nil else { continue }
                if w.minRevision > 0 { list.removeAll { $0.kv.modRevision < w.minRevision } }
                guard let first = list.first?.kv.modRevision else { continue }
                if !w.prevKV { for i in list.indices { list[i].prevKV = nil } }
                let response = WatchResponse(revision: revision, events: list)
                if var buffer = w.buffer {
                    // Replaying: the replay itself takes one place in the stream's buffer.
                    if buffer.count + 1 >= w.limit {
                        w.cancelledAt = first  // what is buffered is still delivered after the replay
                    } else {
                        buffer.append(response)
                        w.buffer = buffer
                    }
                } else if case .dropped = w.continuation.yield(response) {
                    w.cancelledAt = first
                    cancelled.append(
                        (w.continuation, Self.cancellation(resume: first, limit: w.limit, compactRevision: s.compactRevision)))
                }
                w.delivered = true
                s.watchers[id] = w
            }
            return cancelled
        }
        // Outside the lock: finishing runs the stream's termination handler, which unregisters the watcher.
        for (continuation, error) in cancelled { continuation.finish(throwing: error) }
    }

    /// Registers a watch and returns its stream once registered; replays history first when the start
    /// revision is not in the future.
    func watch(_ request: WatchRequest, history: @escaping History) async -> WatchStream {
        let (stream, continuation) = WatchStream.makeStream(bufferingPolicy: .bufferingOldest(request.bufferLimit))
        let (id, last, closed) = state.withLock { s -> (Int, Int64, Bool) in
            if s.closed { return (0, 0, true) }
            let id = s.nextID
            s.nextID += 1
            let replay = request.startRevision > 0 && request.startRevision <= s.revision
            s.watchers[id] = Watcher(
                range: request.range, prevKV: request.prevKV, minRevision: request.startRevision, continuation: continuation,
                buffer: replay ? [] : nil, limit: request.bufferLimit)
            if request.range.isSingleKey { s.byKey[request.range.start, default: []].insert(id) } else { s.ranged.insert(id) }
            return (id, s.revision, false)
        }
        if closed {
            continuation.finish(throwing: StoreError.closed)
            return stream
        }
        let progress: Task<Void, Never>? = if request.progressNotify {
            Task { [weak self, interval = request.progressInterval] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    guard let self, !Task.isCancelled else { return }
                    self.tickProgress(id)
                }
            }
        } else {
            nil
        }
        continuation.onTermination = { [weak self] _ in
            progress?.cancel()
            self?.remove(id)
        }
        if request.startRevision > 0 && request.startRevision <= last {
            do {
                let events = try await history(request.range, request.startRevision, last, request.prevKV)
                let cancelled = state.withLock { s -> StoreError? in
                    guard var w = s.watchers[id] else { return nil }
                    if !events.isEmpty { w.continuation.yield(WatchResponse(revision: last, events: events)) }
                    for response in w.buffer ?? [] { w.continuation.yield(response) }
                    w.buffer = nil
                    s.watchers[id] = w
                    return w.cancelledAt.map {
                        Self.cancellation(resume: $0, limit: w.limit, compactRevision: s.compactRevision)
                    }
                }
                if let cancelled { continuation.finish(throwing: cancelled) }
            } catch {
                continuation.finish(throwing: error)
            }
        }
        return stream
    }

    /// Ends every watch (the store is closing).
    func close() {
        let conts = state.withLock { s -> [WatchStream.Continuation] in
            s.closed = true
            let all = s.watchers.values.map(\.continuation)
            s.watchers = [:]
            s.byKey = [:]
            s.ranged = []
            return all
        }
        for c in conts { c.finish() }
    }

    /// Number of registered watchers (for tests and status).
    var count: Int { state.withLock { $0.watchers.count } }

    private func tickProgress(_ id: Int) {
        state.withLock { s in
            guard var w = s.watchers[id], w.buffer == nil else { return }
            if !w.delivered { w.continuation.yield(WatchResponse(revision: s.revision, events: [])) }
            w.delivered = false
            s.watchers[id] = w
        }
    }

    private func remove(_ id: Int) {
        state.withLock { s in
            guard let w = s.watchers.removeValue(forKey: id) else { return }
            if w.range.isSingleKey {
                s.byKey[w.range.start]?.remove(id)
                if s.byKey[w.range.start]?.isEmpty == true { s.byKey[w.range.start] = nil }
            } else {
                s.ranged.remove(id)
            }
        }
    }
}
