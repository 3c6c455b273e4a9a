import Foundation

/// An in-memory ``KeyValueStore`` keeping MVCC history, so lists can be served at a past revision
/// and watches can resume from a recent one.
///
/// History is kept for the last `historyLimit` revisions; older versions are compacted away
/// (reads and watches from before that answer ``StoreError/compacted(_:)``, which the API turns
/// into 410 Gone).
public actor MemoryStore: KeyValueStore {
    /// One version of a key; `value == nil` is a tombstone.
    struct Version {
        var revision: Int64
        var createRevision: Int64
        var value: [UInt8]?
    }

    private var versions: [String: [Version]] = [:]
    private var sortedKeys: [String] = []
    private var revision: Int64 = 0
    private var compactedRevision: Int64 = 0
    private var events: [StoreEvent] = []
    private var watchers: [Int: (prefix: String, continuation: AsyncStream<StoreEvent>.Continuation)] = [:]
    private var nextWatcherID = 0
    private let historyLimit: Int
    private let watcherBuffer: Int
    private let journal: StoreJournal?

    /// - Parameters:
    ///   - historyLimit: how many revisions of history to keep for lists and watches.
    ///   - watcherBuffer: events buffered per watcher before a slow watcher is dropped.
    public init(historyLimit: Int = 10_000, watcherBuffer: Int = 10_000) {
        self.historyLimit = historyLimit
        self.watcherBuffer = watcherBuffer
        self.journal = nil
    }

    /// A store persisted in the journal file at `url`: its contents are recovered (history before
    /// the restart is not; watches from older revisions get ``StoreError/compacted(_:)``), and every
    /// later write is appended and synced before it is acknowledged.
    public init(journalAt url: URL, historyLimit: Int = 10_000, watcherBuffer: Int = 10_000) throws {
        let (journal, recovered) = try StoreJournal.open(url)
        self.historyLimit = historyLimit
        self.watcherBuffer = watcherBuffer
        self.journal = journal
        for entry in recovered.entries {
            versions[entry.key] = [Version(revision: entry.modRevision, createRevision: entry.createRevision,
                                           value: entry.value)]
        }
        sortedKeys = versions.keys.sorted()
        revision = recovered.revision
        compactedRevision = recovered.revision
    }

    private func persistPut(_ key: String, _ value: [UInt8], create: Int64) throws(StoreError) {
        do {
            try journal?.put(revision: revision + 1, create: create, key: key, value: value)
        } catch {
            throw StoreError.backend("cannot write the store journal: \(error)")
        }
    }

    private func persistDelete(_ key: String) throws(StoreError) {
        do {
            try journal?.delete(revision: revision + 1, key: key)
        } catch {
            throw StoreError.backend("cannot write the store journal: \(error)")
        }
    }

    public func currentRevision() -> Int64 { revision }

    public func get(_ key: String) throws(StoreError) -> StoredValue? {
        guard let latest = versions[key]?.last, let value = latest.value else { return nil }
        return StoredValue(key: key, value: value, createRevision: latest.createRevision, modRevision: latest.revision)
    }

    public func list(prefix: String, startAfter: String?, limit: Int?, at requested: Int64?) throws(StoreError)
        -> StoreListResult
    {
        let at = requested ?? revision
        if at < compactedRevision { throw StoreError.compacted(compactedRevision) }
        if at > revision { throw StoreError.backend("revision \(at) is in the future (current \(revision))") }
        var start = lowerBound(prefix)
        if let startAfter, startAfter >= prefix {
            start = lowerBound(startAfter)
            if start < sortedKeys.count, sortedKeys[start] == startAfter { start += 1 }
        }
        var items: [StoredValue] = []
        var more = false
        var i = start
        while i < sortedKeys.count, sortedKeys[i].hasPrefix(prefix) {
            let key = sortedKeys[i]
            i += 1
            guard let history = versions[key], let version = history.last(where: { $0.revision <= at }),
                  let value = version.value
            else { continue }
            if let limit, items.count >= limit {
                more = true
                break
            }
            items.append(StoredValue(key: key, value: value, createRevision: version.createRevision,
                                     modRevision: version.revision))
        }
        return StoreListResult(items: items, revision: at, more: more)
    }

    public func create(_ key: String, value: [UInt8]) throws(StoreError) -> Int64 {
        if try get(key) != nil { throw StoreError.alreadyExists }
        try persistPut(key, value, create: revision + 1)
        revision += 1
        if versions[key] == nil {
            sortedKeys.insert(key, at: lowerBound(key))
        }
        versions[key, default: []].append(Version(revision: revision, createRevision: revision, value: value))
        record(StoreEvent(kind: .put, value: StoredValue(key: key, value: value, createRevision: revision,
                                                         modRevision: revision), previous: nil, revision: revision))
        return revision
    }

    public func update(_ key: String, value: [UInt8], expectedRevision: Int64?) throws(StoreError) -> Int64 {
        guard let current = try get(key) else { throw StoreError.notFound }
        if let expectedRevision, expectedRevision != current.modRevision {
            throw StoreError.conflict(current: current.modRevision)
        }
        try persistPut(key, value, create: current.createRevision)
        revision += 1
        versions[key, default: []].append(Version(revision: revision, createRevision: current.createRevision,
                                                  value: value))
        record(StoreEvent(kind: .put, value: StoredValue(key: key, value: value, createRevision: current.createRevision,
                                                         modRevision: revision), previous: current, revision: revision))
        return revision
    }

    public func delete(_ key: String, expectedRevision: Int64?) throws(StoreError) -> (StoredValue, Int64) {
        guard let current = try get(key) else { throw StoreError.notFound }
        if let expectedRevision, expectedRevision != current.modRevision {
            throw StoreError.conflict(current: current.modRevision)
        }
        try persistDelete(key)
        revision += 1
        versions[key, default: []].append(Version(revision: revision, createRevision: current.createRevision, value: nil))
        var last = current
        last.modRevision = revision
        record(StoreEvent(kind: .delete, value: last, previous: current, revision: revision))
        return (current, revision)
    }

    public func watch(prefix: String, after start: Int64) throws(StoreError) -> AsyncStream<StoreEvent> {
        try watch(prefix: prefix, after: start, bufferLimit: watcherBuffer)
    }

    public func watch(prefix: String, after start: Int64, bufferLimit: Int) throws(StoreError) -> AsyncStream<StoreEvent> {
        if start < compactedRevision { throw StoreError.compacted(compactedRevision) }
        let (stream, continuation) = AsyncStream<StoreEvent>.makeStream(
            bufferingPolicy: .bufferingOldest(max(1, bufferLimit)))
        for event in events where event.revision > start && event.value.key.hasPrefix(prefix) {
            continuation.yield(event)
        }
        let id = nextWatcherID
        nextWatcherID += 1
        watchers[id] = (prefix, continuation)
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            Task { await self.removeWatcher(id) }
        }
        return stream
    }

    /// The number of live watchers (for tests and metrics).
    public func watcherCount() -> Int { watchers.count }

    // MARK: - Internals

    private func removeWatcher(_ id: Int) {
        watchers[id] = nil
    }

    private func record(_ event: StoreEvent) {
        events.append(event)
        for (id, watcher) in watchers where event.value.key.hasPrefix(watcher.prefix) {
            if case .dropped = watcher.continuation.yield(event) {
                // Too far behind: end its stream; the client re-watches (and may get 410).
                watcher.continuation.finish()
                watchers[id] = nil
            }
        }
        compactIfNeeded()
    }

    private func compactIfNeeded() {
        let keep = Int64(historyLimit)
        guard revision - compactedRevision > keep * 2 else { return }
        let newCompacted = revision - keep
        events.removeAll { $0.revision <= newCompacted }
        var emptied: [String] = []
        for (key, history) in versions {
            // Keep the newest version at or before the compaction point, and everything after it.
            guard let pivot = history.lastIndex(where: { $0.revision <= newCompacted }) else { continue }
            var trimmed = Array(history[pivot...])
            if trimmed.count == 1, trimmed[0].value == nil { trimmed = [] }
            if trimmed.isEmpty { emptied.append(key) } else { versions[key] = trimmed }
        }
        for key in emptied { versions[key] = nil }
        if !emptied.isEmpty {
            let gone = Set(emptied)
            sortedKeys.removeAll { gone.contains($0) }
        }
        compactedRevision = newCompacted
    }

    private func lowerBound(_ key: String) -> Int {
        var low = 0
        var high = sortedKeys.count
        while low < high {
            let mid = (low + high) / 2
            if sortedKeys[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
