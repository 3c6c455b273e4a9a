/// What to watch (etcd `WatchCreateRequest`).
public struct WatchRequest: Sendable, Hashable {
    /// The keys watched.
    public var range: KeyRange
    /// First revision to report; 0 (the default) means "changes after now". A revision below the compaction
    /// point ends the stream with `StoreError.compacted`.
    public var startRevision: Int64
    /// Attach each event's previous version.
    public var prevKV: Bool
    /// Send an empty `WatchResponse` carrying the current revision when the watch has been idle for a while
    /// (the embedded stores: `progressInterval`; etcd: its `--experimental-watch-progress-notify-interval`).
    public var progressNotify: Bool
    /// Idle time before a progress notification in the embedded stores.
    public var progressInterval: Duration
    /// How many responses may wait for the consumer to read them. A watcher that falls further behind is
    /// cancelled: its stream delivers what it holds, then throws `StoreError.watchCancelled` with the
    /// revision to watch again from (or `.compacted` when that revision is already gone), as etcd does with
    /// a watcher it cannot catch up.
    public var bufferLimit: Int

    /// The default `bufferLimit`.
    public static let defaultBufferLimit = 1024

    /// Creates a watch request.
    public init(
        _ range: KeyRange, startRevision: Int64 = 0, prevKV: Bool = false, progressNotify: Bool = false,
        progressInterval: Duration = .seconds(10), bufferLimit: Int = WatchRequest.defaultBufferLimit
    ) {
        self.range = range
        self.startRevision = startRevision
        self.prevKV = prevKV
        self.progressNotify = progressNotify
        self.progressInterval = progressInterval
        self.bufferLimit = max(1, bufferLimit)
    }
}

/// A change to one key.
public struct Event: Sendable, Hashable {
    /// Put or delete.
    public enum Kind: String, Sendable, Hashable {
        /// The key was created or updated.
        case put = "PUT"
        /// The key was deleted (directly, or with its lease).
        case delete = "DELETE"
    }

    /// Put or delete.
    public var kind: Kind
    /// The new version (a put) or the key with the deletion's `modRevision` (a delete).
    public var kv: KeyValue
    /// The previous version, when the watch asked for it and it is still known.
    public var prevKV: KeyValue?

    /// Creates an event.
    public init(kind: Kind, kv: KeyValue, prevKV: KeyValue? = nil) {
        self.kind = kind
        self.kv = kv
        self.prevKV = prevKV
    }
}

/// One batch delivered by a watch: the events of one or more whole revisions, in revision order (a revision
/// is never split across batches), or none for a progress notification.
public struct WatchResponse: Sendable, Hashable {
    /// The store revision when the batch was sent; for a progress notification, every change up to it has been
    /// delivered.
    public var revision: Int64
    /// The events, ordered by (revision, position in the transaction).
    public var events: [Event]

    /// Creates a watch response.
    public init(revision: Int64, events: [Event]) {
        self.revision = revision
        self.events = events
    }

    /// Whether this is a progress notification.
    public var isProgressNotification: Bool { events.isEmpty }
}

/// The batches of one watch, as an async sequence. It ends by throwing `StoreError.compacted` when the start
/// revision is gone, `StoreError.watchCancelled` when the consumer fell more than the request's
/// `bufferLimit` responses behind, `StoreError.unavailable` when a remote watch breaks, and finishes when the
/// store closes.
/// Stop watching by cancelling the consuming task or dropping the stream.
public typealias WatchStream = AsyncThrowingStream<WatchResponse, any Error>
