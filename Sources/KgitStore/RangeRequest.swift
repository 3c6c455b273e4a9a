/// A read of one key or a key range, at the current or a past revision (etcd `RangeRequest`).
public struct RangeRequest: Sendable, Hashable {
    /// The keys to read.
    public var range: KeyRange
    /// The revision to read at; 0 (the default) reads the current revision. A revision below the compaction
    /// point fails with `StoreError.compacted`; one above the current revision with `.futureRevision`.
    public var revision: Int64
    /// At most this many key-values are returned (0: no limit); `more` says whether some were left out.
    public var limit: Int64
    /// Return keys and metadata without values.
    public var keysOnly: Bool
    /// Return only the count, no key-values.
    public var countOnly: Bool

    /// Creates a range request.
    public init(
        _ range: KeyRange, revision: Int64 = 0, limit: Int64 = 0, keysOnly: Bool = false, countOnly: Bool = false
    ) {
        self.range = range
        self.revision = revision
        self.limit = limit
        self.keysOnly = keysOnly
        self.countOnly = countOnly
    }
}

/// The answer to a `RangeRequest` (etcd `RangeResponse`).
public struct RangeResponse: Sendable, Hashable {
    /// The store's revision when the read was served (not the requested revision).
    public var revision: Int64
    /// The key-values, ordered by key; empty when `countOnly`.
    public var kvs: [KeyValue]
    /// How many keys the range holds, regardless of `limit`.
    public var count: Int64
    /// Whether `limit` left keys out.
    public var more: Bool

    /// Creates a range response.
    public init(revision: Int64, kvs: [KeyValue], count: Int64, more: Bool) {
        self.revision = revision
        self.kvs = kvs
        self.count = count
        self.more = more
    }
}

extension RangeRequest {
    /// Applies limit / keysOnly / countOnly to the full, key-ordered result of this range; shared by the
    /// embedded backends so they answer exactly alike.
    func shape(_ all: [KeyValue], revision: Int64) -> RangeResponse {
        let count = Int64(all.count)
        if countOnly { return RangeResponse(revision: revision, kvs: [], count: count, more: false) }
        var kvs = all
        var more = false
        if limit > 0 && count > limit {
            kvs = Array(all.prefix(Int(limit)))
            more = true
        }
        if keysOnly {
            for i in kvs.indices { kvs[i].value = [] }
        }
        return RangeResponse(revision: revision, kvs: kvs, count: count, more: more)
    }
}
