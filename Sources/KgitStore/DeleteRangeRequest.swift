/// A delete of one key or a key range (etcd `DeleteRangeRequest`).
public struct DeleteRangeRequest: Sendable, Hashable {
    /// The keys to delete.
    public var range: KeyRange
    /// Return the deleted versions in `DeleteRangeResponse.prevKVs`.
    public var prevKV: Bool

    /// Creates a delete request.
    public init(_ range: KeyRange, prevKV: Bool = false) {
        self.range = range
        self.prevKV = prevKV
    }
}

/// The answer to a `DeleteRangeRequest`.
public struct DeleteRangeResponse: Sendable, Hashable {
    /// The revision after the delete; unchanged when nothing was deleted.
    public var revision: Int64
    /// How many keys were deleted.
    public var deleted: Int64
    /// The deleted versions, when requested.
    public var prevKVs: [KeyValue]

    /// Creates a delete response.
    public init(revision: Int64, deleted: Int64, prevKVs: [KeyValue] = []) {
        self.revision = revision
        self.deleted = deleted
        self.prevKVs = prevKVs
    }
}
