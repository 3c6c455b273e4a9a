/// The desired-state store: an MVCC key-value store with etcd v3's semantics.
///
/// Every write transaction gets one new main revision (the store starts at revision 1); each key keeps its
/// create revision, mod revision and version. Reads can go back to any revision not yet compacted; watches
/// deliver every change from a revision on, in order.
///
/// Conforming types: `MemoryStore` (an in-memory twin for unit tests), `SQLiteStore` (embedded, the default)
/// and `EtcdStore` (an etcd 3.4 cluster over its v3 JSON API). One conformance suite runs against all three.
///
/// Concurrency: every method may be called from any task, concurrently. A write is acknowledged (the call
/// returns) only once it is durable in the backend (fsynced for SQLite; committed by a quorum for etcd), and
/// concurrent calls are linearizable.
///
/// Errors are `StoreError` values; see each case for its meaning.
public protocol Store: Sendable {
    /// Reads one key or a range. Throws `.compacted` / `.futureRevision` for revisions out of reach.
    func range(_ request: RangeRequest) async throws -> RangeResponse

    /// Writes one key. Throws `.requestTooLarge`, `.quotaExceeded`, `.leaseNotFound`, `.invalidRequest`.
    func put(_ request: PutRequest) async throws -> PutResponse

    /// Deletes one key or a range; deleting nothing does not advance the revision.
    func deleteRange(_ request: DeleteRangeRequest) async throws -> DeleteRangeResponse

    /// Runs an atomic compare-then-else transaction. Throws like `put`, and `.duplicateKey`.
    func txn(_ request: TxnRequest) async throws -> TxnResponse

    /// Starts a watch; returns once the watch is registered, so every later write is seen.
    /// The stream throws `.compacted` when `startRevision` is below the compaction point.
    func watch(_ request: WatchRequest) async throws -> WatchStream

    /// Discards history before `revision`: reads and watches below it then fail with `.compacted`.
    /// Throws `.compacted` when `revision` is not above the previous compaction, `.futureRevision` when it is
    /// above the current revision. Returns once the history is physically removed.
    func compact(_ revision: Int64) async throws

    /// Grants a lease of `ttl` seconds; `id` 0 lets the store choose. Throws `.leaseExists`.
    func grantLease(ttl: Int64, id: Int64) async throws -> Lease

    /// Renews a lease for its full TTL and returns that TTL. Throws `.leaseNotFound`.
    func keepAliveLease(_ id: Int64) async throws -> Int64

    /// Revokes a lease, deleting its keys in one revision. Throws `.leaseNotFound`.
    func revokeLease(_ id: Int64) async throws

    /// Reports a lease's remaining TTL (and its keys when `keys`). Throws `.leaseNotFound`.
    func leaseTimeToLive(_ id: Int64, keys: Bool) async throws -> LeaseTimeToLive

    /// Reports the store's revision, size and version.
    func status() async throws -> StoreStatus

    /// Stops background work, ends watches and releases files or connections. Later calls throw `.closed`.
    func close() async
}

// MARK: - Writes as one-operation transactions

extension Store {
    /// `put` as a transaction of one operation: the default for backends whose every write goes through `txn`
    /// (`MemoryStore`, `SQLiteStore`); `EtcdStore` sends etcd's own put.
    public func put(_ request: PutRequest) async throws -> PutResponse {
        let response = try await txn(TxnRequest(success: [.put(request)]))
        guard case .put(let put)? = response.responses.first else { throw StoreError.storage("no put response") }
        return put
    }

    /// `deleteRange` as a transaction of one operation, like `put(_:)`.
    public func deleteRange(_ request: DeleteRangeRequest) async throws -> DeleteRangeResponse {
        let response = try await txn(TxnRequest(success: [.deleteRange(request)]))
        guard case .deleteRange(let d)? = response.responses.first else { throw StoreError.storage("no deleteRange response") }
        return d
    }
}

// MARK: - Conveniences

extension Store {
    /// Reads one key at the current revision; `nil` when it does not exist.
    public func get(_ key: String) async throws -> KeyValue? {
        try await range(RangeRequest(.key(key))).kvs.first
    }

    /// Writes one string key and returns the write's revision.
    @discardableResult
    public func put(_ key: String, _ value: String, lease: Int64 = 0) async throws -> Int64 {
        try await put(PutRequest(key, value, lease: lease)).revision
    }

    /// Deletes one string key and returns how many keys were deleted (0 or 1).
    @discardableResult
    public func delete(_ key: String) async throws -> Int64 {
        try await deleteRange(DeleteRangeRequest(.key(key))).deleted
    }

    /// Grants a lease with a store-chosen ID.
    public func grantLease(ttl: Int64) async throws -> Lease {
        try await grantLease(ttl: ttl, id: 0)
    }
}
