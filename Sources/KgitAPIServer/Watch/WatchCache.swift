import KgitAPIMachinery
import Synchronization

/// The line of a JSON watch stream, `{"object":…,"type":…}` and a newline: exactly the bytes the encoder
/// writes for `["type": type, "object": object]`, assembled around the object's encoding so an object is
/// serialized once however many watchers receive it.
enum WatchLine {
    static let head: [UInt8] = Array(#"{"object":"#.utf8)

    /// What follows the object for `type`.
    static func tail(_ type: String) -> [UInt8] {
        var out = Array(#","type":"#.utf8)
        JSONValue.string(type).write(to: &out)
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// The line for an already encoded object.
    static func make(_ type: String, encodedObject: some Collection<UInt8>) -> [UInt8] {
        let tail = tail(type)
        var out: [UInt8] = []
        out.reserveCapacity(head.count + encodedObject.count + tail.count)
        out += head
        out += encodedObject
        out += tail
        return out
    }

    /// `line` (made for `from`) with its type replaced by `to`, without re-encoding the object.
    static func retype(_ line: [UInt8], from: String, to: String) -> [UInt8] {
        let end = line.count - tail(from).count
        guard end >= head.count else { return line }
        return make(to, encodedObject: line[head.count..<end])
    }
}

/// One change as the watch cache keeps it: decoded once, its default JSON line encoded once.
struct WatchCacheEvent: Sendable {
    /// The storage key of the object.
    var key: String
    /// ADDED, MODIFIED or DELETED (before selectors).
    var type: String
    /// The object after the change (for DELETED, its last state at the deletion's revision).
    var object: JSONValue
    /// The object before the change, for selector transitions.
    var previous: JSONValue?
    /// The store revision of the change.
    var revision: Int64
    /// `{"object":…,"type":type}` and a newline, shared by every watcher that wants plain JSON.
    var line: [UInt8]

    /// The event's type for a watcher with `options`, or nil when the change is outside its selection:
    /// objects entering the selection are ADDED, leaving it DELETED.
    func selectedType(for options: ListOptions) -> String? {
        APIHandler.selectedType(isDelete: type == "DELETED", object: object, previous: previous, options: options)
    }
}

/// Serves the watches of one resource (one storage prefix at one API version) from memory, as
/// upstream's cacher does: one store watch across all namespaces, the current objects decoded once,
/// and a bounded window of recent events replayed to watchers that start from a resourceVersion in it.
///
/// Watchers get bytes in their own bounded stream; one that falls `buffer` chunks behind is ended
/// (the client re-watches from the last resourceVersion it saw) and never slows the others. When the
/// cache's store watch ends it resumes from the cache's revision; if the store cannot resume it (the
/// revision was compacted, or the store failed) every watcher is ended and the next watch re-lists.
/// Nothing the cache holds is written anywhere: secrets are opened once and stay in memory.
actor WatchCache {
    /// Where a watcher starts.
    enum Start: Sendable {
        /// With ADDED events for the cache's current objects.
        case current
        /// With the changes after this revision.
        case after(Int64)
    }

    /// What a watcher wants and where its bytes go.
    struct Watcher: Sendable {
        /// The key prefix it watches (the resource's, or one namespace's).
        var keyPrefix: String
        /// Its selectors.
        var options: ListOptions
        /// Whether it takes the shared JSON lines; if not, `encode` makes every line.
        var sharesLines: Bool
        /// Encodes one event (also BOOKMARKs) as this watcher wants it.
        var encode: @Sendable (String, JSONValue) -> [UInt8]
        /// The kind and apiVersion its BOOKMARK objects carry.
        var kind: String
        var apiVersion: String
        /// Its bounded output.
        var output: AsyncStream<[UInt8]>.Continuation
        /// Only changes after this revision reach it.
        var after: Int64 = 0
        /// Whether its selectors select everything.
        var selectsAll: Bool { options.labelSelector.isEmpty && options.fieldSelector.isEmpty }
    }

    /// One current object: decoded, and its latest line (memoised as ADDED once a snapshot needed it).
    struct Entry {
        var object: JSONValue
        var line: [UInt8]
        var type: String
    }

    private static let ids = Atomic<Int>(0)
    /// A fresh watcher id (taken before subscribing, so cleanup can name it from the start).
    static func nextID() -> Int { ids.wrappingAdd(1, ordering: .relaxed).newValue }

    /// Initial-state lines are sent in chunks of about this many bytes.
    static let chunkBytes = 64 * 1024

    /// Events the cache's own store watch may leave unread. The cache only decodes and records what it reads,
    /// so falling behind means a burst of writes (50 Deployments' worth of pods created at once), not a
    /// consumer that cannot keep up; a client's watch ends at the store's smaller default, this one only
    /// when the process is that far behind. Ending it costs a resume from the store's history (a re-read of
    /// everything the cache had not yet read) or, once that is compacted, a reset of every watcher.
    static let storeWatchBuffer = 200_000

    let prefix: String
    let store: any KeyValueStore
    let decode: @Sendable (StoredValue) -> JSONValue?
    /// How many events the window keeps.
    let capacity: Int

    private var objects: [String: Entry] = [:]
    private var window: [WatchCacheEvent] = []
    private var windowHead = 0
    /// Every change after this revision is in the window.
    private var windowStart: Int64 = 0
    /// The revision of the last change applied (or of the list the cache started from).
    private(set) var revision: Int64 = 0
    private var watchers: [Int: Watcher] = [:]
    private var running = false
    private var starting: Task<Void, any Error>?
    private var pump: Task<Void, Never>?
    /// Bumped on every (re)list, so a pump from an earlier start never touches a later state.
    private var generation = 0
    /// How many times the cache (re)listed from the store, for tests and metrics.
    private(set) var lists = 0
    /// How many times its store watch ended and was watched again from the cache's revision (no list).
    private(set) var storeWatchRestarts = 0
    /// How many times the cache could not resume its store watch and ended every watcher (the next watch lists).
    private(set) var resets = 0
    /// How many watchers were ended because they fell their buffer's worth of events behind.
    private(set) var slowWatchersEnded = 0

    init(prefix: String, store: any KeyValueStore, capacity: Int,
         decode: @escaping @Sendable (StoredValue) -> JSONValue?) {
        self.prefix = prefix
        self.store = store
        self.capacity = max(1, capacity)
        self.decode = decode
    }

    /// The number of watchers served now.
    func watcherCount() -> Int { watchers.count }

    /// The cache's counters now.
    func statistics() -> WatchCacheStatistics {
        WatchCacheStatistics(lists: lists, storeWatchRestarts: storeWatchRestarts, resets: resets,
                             slowWatchersEnded: slowWatchersEnded, watchers: watchers.count, objects: objects.count)
    }

    /// Registers watcher `id`: sends its initial events, then every later change it selects. Returns
    /// false when the cache cannot serve `start` (a revision older than its window, or a store that
    /// cannot be read); the caller then serves the watch from the store.
    func subscribe(_ id: Int, _ watcher: Watcher, from start: Start) async -> Bool {
        if !running {
            var hint: Int64?
            if case .after(let resourceVersion) = start { hint = resourceVersion }
            do {
                try await ensureStarted(hint: hint)
            } catch {
                return false
            }
        }
        var watcher = watcher
        switch start {
        case .current:
            watcher.after = revision
            guard sendSnapshot(to: watcher) else { return true }
        case .after(let resourceVersion):
            guard resourceVersion >= windowStart else { return false }
            watcher.after = resourceVersion
            var i = firstIndex(after: resourceVersion)
            while i < window.count {
                if !deliver(window[i], to: watcher) { return true }
                i += 1
            }
        }
        watchers[id] = watcher
        return true
    }

    /// Forgets watcher `id` (its client went away or its stream ended).
    func unsubscribe(_ id: Int) {
        watchers[id] = nil
    }

    /// Sends watcher `id` a BOOKMARK at the cache's revision (or the revision it asked to start after,
    /// when that is later).
    func bookmark(_ id: Int) {
        guard let watcher = watchers[id] else { return }
        let object: JSONValue = ["kind": .string(watcher.kind), "apiVersion": .string(watcher.apiVersion),
                                 "metadata": ["resourceVersion": .string(String(max(watcher.after, revision)))]]
        if case .dropped = watcher.output.yield(watcher.encode("BOOKMARK", object)) {
            slowWatchersEnded += 1
            end(id)
        }
    }

    // MARK: - Starting and the store watch

    private func ensureStarted(hint: Int64?) async throws {
        if running { return }
        if let starting {
            try await starting.value
            return
        }
        let task = Task { try await self.start(hint: hint) }
        starting = task
        defer { starting = nil }
        try await task.value
    }

    /// Lists the prefix and watches the store from the list's revision. The list is at the latest
    /// revision, or at `hint` (the resourceVersion the first watcher asked for) when that is at most a
    /// window's worth of revisions old, so that watcher is served from the window too.
    private func start(hint: Int64?) async throws {
        let current = await store.currentRevision()
        var from = current
        if let hint, hint < current, hint >= current - Int64(capacity) { from = max(0, hint) }
        var attempt = 0
        while true {
            attempt += 1
            let listed: [StoredValue]
            let stream: AsyncStream<StoreEvent>
            do {
                listed = from > 0 ? try await store.list(prefix: prefix, startAfter: nil, limit: nil, at: from).items : []
                stream = try await store.watch(prefix: prefix, after: from, bufferLimit: Self.storeWatchBuffer)
            } catch {
                // History before `from` is gone: start from the latest state instead.
                guard case .compacted = error, attempt < 3 else { throw error }
                from = try await store.list(prefix: prefix, startAfter: nil, limit: 1, at: nil).revision
                continue
            }
            install(listed, at: from)
            let generation = self.generation
            pump = Task { await self.pumpEvents(stream, generation: generation) }
            return
        }
    }

    private func install(_ items: [StoredValue], at listed: Int64) {
        objects.removeAll(keepingCapacity: true)
        for item in items {
            guard let object = decode(item) else { continue }
            objects[item.key] = Entry(object: object, line: WatchLine.make("ADDED", encodedObject: object.serializedBytes()),
                                      type: "ADDED")
        }
        window.removeAll(keepingCapacity: true)
        windowHead = 0
        windowStart = listed
        revision = listed
        running = true
        lists += 1
        generation += 1
    }

    /// Applies the store's events; when the stream ends, resumes it from the cache's revision, and
    /// when that is impossible ends every watcher and forgets the state.
    private func pumpEvents(_ first: AsyncStream<StoreEvent>, generation: Int) async {
        var stream = first
        var quiet = 0
        while !Task.isCancelled && generation == self.generation {
            var applied = false
            for await event in stream {
                guard generation == self.generation else { return }
                apply(event)
                applied = true
            }
            if Task.isCancelled { break }
            quiet = applied ? 0 : quiet + 1
            if quiet > 0 {
                // The store keeps ending the watch at once: back off (50 ms doubling to about 6 s).
                try? await Task.sleep(for: .milliseconds(50 << min(quiet, 7)))
            }
            do {
                stream = try await store.watch(prefix: prefix, after: revision, bufferLimit: Self.storeWatchBuffer)
                storeWatchRestarts += 1
            } catch {
                break
            }
        }
        if generation == self.generation {
            resets += 1
            reset()
        }
    }

    /// Ends every watcher cleanly and drops the state; the next watch re-lists.
    private func reset() {
        running = false
        pump = nil
        for (_, watcher) in watchers { watcher.output.finish() }
        watchers.removeAll()
        objects.removeAll()
        window.removeAll()
        windowHead = 0
    }

    /// Ends the store watch and every watcher (for tests: as if the store's watch broke for good).
    func stop() {
        pump?.cancel()
        generation += 1
        reset()
    }

    private func apply(_ event: StoreEvent) {
        guard event.revision > revision else { return }
        defer { revision = event.revision }
        guard let object = decode(event.value) else { return }
        let previous = event.previous.flatMap(decode)
        let type: String
        switch event.kind {
        case .delete: type = "DELETED"
        case .put: type = previous == nil ? "ADDED" : "MODIFIED"
        }
        let line = WatchLine.make(type, encodedObject: object.serializedBytes())
        let change = WatchCacheEvent(key: event.value.key, type: type, object: object, previous: previous,
                                     revision: event.revision, line: line)
        if type == "DELETED" {
            objects[change.key] = nil
        } else {
            objects[change.key] = Entry(object: object, line: line, type: type)
        }
        window.append(change)
        if window.count - windowHead > capacity {
            windowStart = window[windowHead].revision
            windowHead += 1
            if windowHead >= capacity {
                window.removeFirst(windowHead)
                windowHead = 0
            }
        }
        for (id, watcher) in watchers where !deliver(change, to: watcher) {
            end(id)
        }
    }

    // MARK: - Delivery

    /// The first window index with a revision after `resourceVersion`.
    private func firstIndex(after resourceVersion: Int64) -> Int {
        var low = windowHead, high = window.count
        while low < high {
            let mid = (low + high) / 2
            if window[mid].revision <= resourceVersion { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Sends `change` to `watcher` if it selects it; false when the watcher's buffer overflowed.
    private func deliver(_ change: WatchCacheEvent, to watcher: Watcher) -> Bool {
        guard change.revision > watcher.after, change.key.hasPrefix(watcher.keyPrefix) else { return true }
        let type: String
        if watcher.selectsAll {
            type = change.type
        } else {
            guard let selected = change.selectedType(for: watcher.options) else { return true }
            type = selected
        }
        let bytes: [UInt8]
        if watcher.sharesLines {
            bytes = type == change.type ? change.line : WatchLine.retype(change.line, from: change.type, to: type)
        } else {
            bytes = watcher.encode(type, change.object)
        }
        if case .dropped = watcher.output.yield(bytes) {
            watcher.output.finish()
            slowWatchersEnded += 1
            return false
        }
        return true
    }

    /// Sends the current objects `watcher` selects as ADDED lines, in key order, in chunks; false when its
    /// buffer overflowed (its stream is then ended).
    private func sendSnapshot(to watcher: Watcher) -> Bool {
        let keys = objects.keys.filter { $0.hasPrefix(watcher.keyPrefix) }.sorted()
        var chunks: [[UInt8]] = []
        var chunk: [UInt8] = []
        for key in keys {
            guard var entry = objects[key] else { continue }
            if !watcher.selectsAll && !watcher.options.matches(entry.object) { continue }
            if watcher.sharesLines {
                if entry.type != "ADDED" {
                    entry.line = WatchLine.retype(entry.line, from: entry.type, to: "ADDED")
                    entry.type = "ADDED"
                    objects[key] = entry
                }
                chunk += entry.line
            } else {
                chunk += watcher.encode("ADDED", entry.object)
            }
            if chunk.count >= Self.chunkBytes {
                chunks.append(chunk)
                chunk = []
            }
        }
        if !chunk.isEmpty { chunks.append(chunk) }
        for piece in chunks {
            if case .dropped = watcher.output.yield(piece) {
                watcher.output.finish()
                slowWatchersEnded += 1
                return false
            }
        }
        return true
    }

    private func end(_ id: Int) {
        watchers[id]?.output.finish()
        watchers[id] = nil
    }
}

/// The watch caches of one API server, created on the first watch of each resource and version.
final class WatchCaches: Sendable {
    private let caches = Mutex<[String: WatchCache]>([:])
    let store: any KeyValueStore
    let encryption: EncryptionAtRest?
    /// Events each cache's window keeps.
    let capacity: Int

    init(store: any KeyValueStore, encryption: EncryptionAtRest?, capacity: Int) {
        self.store = store
        self.encryption = encryption
        self.capacity = capacity
    }

    /// The cache serving watches of `info` (one per storage prefix and API version).
    func cache(for info: ResourceInfo) -> WatchCache {
        let key = info.storagePrefix + " " + info.groupVersion
        return caches.withLock { caches in
            if let cache = caches[key] { return cache }
            let encryption = self.encryption
            let cache = WatchCache(prefix: info.storagePrefix, store: store, capacity: capacity) { value in
                try? Registry.decodeStored(value, as: info, encryption: encryption)
            }
            caches[key] = cache
            return cache
        }
    }

    /// The caches created so far.
    var all: [WatchCache] { caches.withLock { Array($0.values) } }

    /// Each cache's counters, by storage prefix and API version (`/registry/pods/ v1`).
    func statistics() async -> [String: WatchCacheStatistics] {
        let named = caches.withLock { Array($0) }
        var out: [String: WatchCacheStatistics] = [:]
        for (name, cache) in named { out[name] = await cache.statistics() }
        return out
    }
}

/// What one watch cache has done since it was made: for telling a busy cache from one that keeps
/// starting over.
public struct WatchCacheStatistics: Sendable, Equatable {
    /// Lists of the whole resource from the store (1 once started; more after resets).
    public var lists: Int
    /// Store watches ended (a burst overflowed it, or the store ended it) and resumed without a list.
    public var storeWatchRestarts: Int
    /// Store watches that could not be resumed: every watcher was ended and the next watch listed.
    public var resets: Int
    /// Watchers ended for falling a whole buffer behind (their clients watch again).
    public var slowWatchersEnded: Int
    /// Watchers served now.
    public var watchers: Int
    /// Objects held now.
    public var objects: Int

    /// Counters.
    public init(lists: Int = 0, storeWatchRestarts: Int = 0, resets: Int = 0, slowWatchersEnded: Int = 0,
                watchers: Int = 0, objects: Int = 0) {
        self.lists = lists
        self.storeWatchRestarts = storeWatchRestarts
        self.resets = resets
        self.slowWatchersEnded = slowWatchersEnded
        self.watchers = watchers
        self.objects = objects
    }
}
