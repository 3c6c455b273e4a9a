import KgitStore

/// Adapts a `KgitStore.Store` (SQLite, etcd, or KgitStore's memory twin) to the API server's
/// ``KeyValueStore`` seam, using etcd-style transactions for create-if-absent and
/// compare-modRevision updates and deletes.
public struct KgitStoreBackend: KeyValueStore {
    public let store: any Store

    public init(_ store: any Store) { self.store = store }

    public func currentRevision() async -> Int64 {
        (try? await store.status().revision) ?? 0
    }

    public func get(_ key: String) async throws(StoreError) -> StoredValue? {
        let response = try await call { try await store.range(RangeRequest(.key(key))) }
        return response.kvs.first.map(Self.stored)
    }

    public func list(prefix: String, startAfter: String?, limit: Int?, at revision: Int64?) async throws(StoreError)
        -> StoreListResult
    {
        var range = KeyRange.prefix(prefix)
        if let startAfter, startAfter >= prefix {
            range = KeyRange(start: Array(startAfter.utf8) + [0], end: range.end)
        }
        let response = try await call {
            try await store.range(RangeRequest(range, revision: revision ?? 0, limit: Int64(limit ?? 0)))
        }
        return StoreListResult(items: response.kvs.map(Self.stored), revision: response.revision, more: response.more)
    }

    public func create(_ key: String, value: [UInt8]) async throws(StoreError) -> Int64 {
        let response = try await call {
            try await store.txn(TxnRequest(
                compare: [Compare(key, .equal, .createRevision(0))],
                success: [.put(PutRequest(key: Array(key.utf8), value: value))]))
        }
        guard response.succeeded else { throw StoreError.alreadyExists }
        return response.revision
    }

    public func update(_ key: String, value: [UInt8], expectedRevision: Int64?) async throws(StoreError) -> Int64 {
        let response = try await call {
            try await store.txn(TxnRequest(
                compare: [Self.precondition(key, expectedRevision)],
                success: [.put(PutRequest(key: Array(key.utf8), value: value))],
                failure: [.range(RangeRequest(.key(key)))]))
        }
        guard response.succeeded else { throw Self.failure(response) }
        return response.revision
    }

    public func delete(_ key: String, expectedRevision: Int64?) async throws(StoreError) -> (StoredValue, Int64) {
        let response = try await call {
            try await store.txn(TxnRequest(
                compare: [Self.precondition(key, expectedRevision)],
                success: [.deleteRange(DeleteRangeRequest(.key(key), prevKV: true))],
                failure: [.range(RangeRequest(.key(key)))]))
        }
        guard response.succeeded else { throw Self.failure(response) }
        for case .deleteRange(let deleted) in response.responses {
            if let previous = deleted.prevKVs.first { return (Self.stored(previous), response.revision) }
        }
        throw StoreError.notFound
    }

    /// Events a client's watch may leave unread before its stream ends (the client watches again).
    public static let watchBuffer = 10_000

    public func watch(prefix: String, after revision: Int64) async throws(StoreError) -> AsyncStream<StoreEvent> {
        try await watch(prefix: prefix, after: revision, bufferLimit: Self.watchBuffer)
    }

    public func watch(prefix: String, after revision: Int64, bufferLimit: Int) async throws(StoreError)
        -> AsyncStream<StoreEvent>
    {
        // KgitStore reports compaction when the stream is read; check up front so the API can answer
        // 410 before it starts streaming.
        let status = try await call { try await store.status() }
        if revision + 1 < status.compactRevision { throw StoreError.compacted(status.compactRevision) }
        let upstream = try await call {
            // The store counts whole responses (one per commit batch); a response holds at least one event, so
            // `bufferLimit` of them never ends the watch before this stream's own limit would.
            try await store.watch(WatchRequest(.prefix(prefix), startRevision: revision + 1, prevKV: true,
                                               bufferLimit: max(WatchRequest.defaultBufferLimit, bufferLimit)))
        }
        let (stream, continuation) = AsyncStream<StoreEvent>.makeStream(bufferingPolicy: .bufferingOldest(max(1, bufferLimit)))
        let pump = Task {
            do {
                for try await response in upstream {
                    for event in response.events {
                        let converted = Self.event(event, revision: response.revision)
                        if case .dropped = continuation.yield(converted) {
                            continuation.finish()
                            return
                        }
                    }
                }
            } catch {}
            continuation.finish()
        }
        continuation.onTermination = { _ in pump.cancel() }
        return stream
    }

    // MARK: - Conversions

    static func stored(_ kv: KeyValue) -> StoredValue {
        StoredValue(key: kv.keyString, value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision)
    }

    static func event(_ event: Event, revision: Int64) -> StoreEvent {
        let previous = event.prevKV.map(stored)
        switch event.kind {
        case .delete:
            var last = previous ?? StoredValue(key: event.kv.keyString, value: [], createRevision: 0, modRevision: 0)
            last.modRevision = event.kv.modRevision != 0 ? event.kv.modRevision : revision
            return StoreEvent(kind: .delete, value: last, previous: previous, revision: last.modRevision)
        default:
            return StoreEvent(kind: .put, value: stored(event.kv), previous: previous, revision: event.kv.modRevision)
        }
    }

    static func precondition(_ key: String, _ expected: Int64?) -> Compare {
        if let expected { return Compare(key, .equal, .modRevision(expected)) }
        return Compare(key, .greater, .createRevision(0))
    }

    static func failure(_ response: TxnResponse) -> StoreError {
        for case .range(let range) in response.responses {
            if let current = range.kvs.first { return .conflict(current: current.modRevision) }
        }
        return .notFound
    }

    /// Runs a KgitStore call, mapping its errors to the API server's.
    func call<T>(_ body: () async throws -> T) async throws(StoreError) -> T {
        do {
            return try await body()
        } catch let error as KgitStore.StoreError {
            switch error {
            case .compacted(let oldest): throw StoreError.compacted(oldest)
            default: throw StoreError.backend(error.description)
            }
        } catch {
            throw StoreError.backend("\(error)")
        }
    }
}
