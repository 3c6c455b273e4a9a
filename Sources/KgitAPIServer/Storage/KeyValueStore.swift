/// The storage seam of the API server: an MVCC key-value store with etcd semantics.
///
/// Keys are `/registry/...` paths, values opaque bytes. Every write bumps one global revision; a
/// key's `modRevision` is the revision of its last write and becomes the object's
/// `resourceVersion`. ``MemoryStore`` is the in-process implementation; the `KgitStore` module's
/// backends (SQLite, etcd) are meant to be adapted to this protocol.
///
/// All methods are safe to call concurrently. Errors are ``StoreError`` values.
public protocol KeyValueStore: Sendable {
    /// The latest revision (0 before the first write).
    func currentRevision() async -> Int64

    /// The value of `key` at the latest revision, or nil.
    func get(_ key: String) async throws(StoreError) -> StoredValue?

    /// Keys with `prefix`, in key order, strictly after `startAfter`, as of `revision`
    /// (nil: the latest). Returns at most `limit` items (nil: all) and whether more remain.
    /// Throws ``StoreError/compacted(_:)`` when `revision` is older than the compaction point.
    func list(prefix: String, startAfter: String?, limit: Int?, at revision: Int64?) async throws(StoreError)
        -> StoreListResult

    /// Creates `key`; throws ``StoreError/alreadyExists`` if it is present.
    func create(_ key: String, value: [UInt8]) async throws(StoreError) -> Int64

    /// Replaces `key` if its modRevision is `expectedRevision` (nil: any); returns the new revision.
    /// Throws ``StoreError/notFound`` or ``StoreError/conflict(current:)``.
    func update(_ key: String, value: [UInt8], expectedRevision: Int64?) async throws(StoreError) -> Int64

    /// Deletes `key` if its modRevision is `expectedRevision` (nil: any); returns the deleted value and
    /// the revision of the deletion.
    func delete(_ key: String, expectedRevision: Int64?) async throws(StoreError) -> (StoredValue, Int64)

    /// Events for keys with `prefix` with revision > `revision`, in order, then live ones.
    /// Throws ``StoreError/compacted(_:)`` if events after `revision` are no longer retained.
    /// The stream ends when the consumer stops iterating or falls too far behind.
    func watch(prefix: String, after revision: Int64) async throws(StoreError) -> AsyncStream<StoreEvent>

    /// As ``watch(prefix:after:)``, holding up to `bufferLimit` unread events before the stream ends: for an
    /// in-process consumer that only records what it reads (the watch cache), which must not lose its watch
    /// to one burst of writes.
    func watch(prefix: String, after revision: Int64, bufferLimit: Int) async throws(StoreError)
        -> AsyncStream<StoreEvent>
}

extension KeyValueStore {
    /// A store without its own notion of a consumer's buffer serves the plain watch.
    public func watch(prefix: String, after revision: Int64, bufferLimit: Int) async throws(StoreError)
        -> AsyncStream<StoreEvent>
    {
        try await watch(prefix: prefix, after: revision)
    }
}

/// A value with its revisions.
public struct StoredValue: Sendable, Equatable {
    public var key: String
    public var value: [UInt8]
    public var createRevision: Int64
    public var modRevision: Int64

    public init(key: String, value: [UInt8], createRevision: Int64, modRevision: Int64) {
        self.key = key
        self.value = value
        self.createRevision = createRevision
        self.modRevision = modRevision
    }
}

/// The answer to a range read.
public struct StoreListResult: Sendable {
    public var items: [StoredValue]
    /// The revision the read was served at.
    public var revision: Int64
    /// Whether keys remain after the last item.
    public var more: Bool
}

/// One change to one key.
public struct StoreEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case put, delete }

    public var kind: Kind
    /// The new value for `put`; the last value for `delete`.
    public var value: StoredValue
    /// The value before the change, when there was one.
    public var previous: StoredValue?
    /// The revision of the change.
    public var revision: Int64
}

/// Why a store operation failed.
public enum StoreError: Error, Sendable, Equatable {
    case notFound
    case alreadyExists
    /// The key's modRevision differs from the expected one.
    case conflict(current: Int64)
    /// The requested revision has been compacted; the payload is the oldest revision still readable.
    case compacted(Int64)
    /// The backend failed.
    case backend(String)
}
