/// Every error a `Store` reports. The messages match etcd's where etcd has one, so a user sees the same words
/// from the embedded store and from an etcd cluster.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request asked for a revision that compaction removed; `compactRevision` is the oldest revision
    /// still readable. Retry at or after it (a watch: restart from a fresh read).
    case compacted(compactRevision: Int64)
    /// The request asked for a revision newer than the store's current revision.
    case futureRevision(requested: Int64, current: Int64)
    /// The request (key plus value, or a whole transaction) is larger than the limit (1.5 MiB by default).
    case requestTooLarge(size: Int, limit: Int)
    /// The store reached its size quota; only deletes and compaction are accepted until space is freed.
    case quotaExceeded(size: Int64, quota: Int64)
    /// A put or keep-alive named a lease that does not exist (never granted, revoked or expired).
    case leaseNotFound(Int64)
    /// A lease grant asked for an ID that is already in use.
    case leaseExists(Int64)
    /// A transaction wrote the same key twice, which etcd rejects.
    case duplicateKey([UInt8])
    /// A request was malformed (empty key, bad TTL, ...); the text says what.
    case invalidRequest(String)
    /// The backend could not be reached, or the outcome of a write is unknown (the connection failed after the
    /// request was sent). A write may or may not have been applied.
    case unavailable(String)
    /// The backing storage failed (SQLite error, corrupt file, I/O error); the text carries the detail.
    case storage(String)
    /// The store was closed.
    case closed
    /// A watch was cancelled because its consumer fell more than `limit` responses behind. Every change
    /// before `resumeRevision` was delivered; watch again from `resumeRevision` to continue without a gap.
    case watchCancelled(resumeRevision: Int64, limit: Int)

    public var description: String {
        switch self {
        case .compacted(let rev): "mvcc: required revision has been compacted (compacted at \(rev))"
        case .futureRevision(let req, let cur):
            "mvcc: required revision is a future revision (requested \(req), current \(cur))"
        case .requestTooLarge(let size, let limit): "request is too large (\(size) bytes, limit \(limit))"
        case .quotaExceeded(let size, let quota): "mvcc: database space exceeded (\(size) of \(quota) bytes)"
        case .leaseNotFound(let id): "requested lease not found (\(id))"
        case .leaseExists(let id): "lease already exists (\(id))"
        case .duplicateKey(let key): "duplicate key given in txn request (\(String(decoding: key, as: UTF8.self)))"
        case .invalidRequest(let why): "invalid request: \(why)"
        case .unavailable(let why): "store unavailable: \(why)"
        case .storage(let why): "storage error: \(why)"
        case .closed: "store is closed"
        case .watchCancelled(let resume, let limit):
            "watch cancelled: the watcher fell more than \(limit) responses behind; watch again from revision \(resume)"
        }
    }
}

extension StoreError {
    /// Whether the error came from the storage layer (and so poisons the whole write batch).
    var isStorage: Bool {
        if case .storage = self { return true }
        return false
    }
}
