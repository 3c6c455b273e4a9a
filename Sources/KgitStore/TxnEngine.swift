/// The write side of one backend transaction, as `TxnEngine` sees it: reads include the transaction's own
/// earlier writes. `MemoryStore` implements it over its maps, `SQLiteStore` over its writer connection inside
/// an open SQLite transaction.
protocol MVCCWriteView {
    /// The key's current version, or `nil` when it does not exist.
    mutating func get(_ key: [UInt8]) throws -> KeyValue?
    /// The current versions of the keys in `range`, ordered by key.
    mutating func list(_ range: KeyRange) throws -> [KeyValue]
    /// A read at a past revision (a range inside a transaction that names one).
    mutating func read(_ request: RangeRequest, current: Int64) throws -> RangeResponse
    /// Whether the lease exists.
    mutating func leaseExists(_ id: Int64) -> Bool
    /// Records one change at the given revision; `sub` is its position in the transaction.
    mutating func record(_ event: Event, sub: Int) throws
}

/// The pure MVCC rules for one transaction: comparisons, branch choice, revision, create revision and version
/// bookkeeping, and the events it produces. Backends call it from their single writer, one transaction at a
/// time, and only persist what it records.
enum TxnEngine {
    /// Rejects malformed or oversized requests before they reach the writer.
    static func validate(_ txn: TxnRequest, limits: StoreLimits) throws {
        let size = txn.size
        if size > limits.maxRequestBytes { throw StoreError.requestTooLarge(size: size, limit: limits.maxRequestBytes) }
        for branch in [txn.success, txn.failure] {
            var written = Set<[UInt8]>()
            var deleted: [KeyRange] = []
            for op in branch {
                switch op {
                case .put(let p):
                    if p.key.isEmpty { throw StoreError.invalidRequest("key is not provided") }
                    if !written.insert(p.key).inserted { throw StoreError.duplicateKey(p.key) }
                case .deleteRange(let d):
                    if d.range.start.isEmpty { throw StoreError.invalidRequest("key is not provided") }
                    deleted.append(d.range)
                case .range(let r):
                    if r.range.start.isEmpty { throw StoreError.invalidRequest("key is not provided") }
                }
            }
            for key in written where deleted.contains(where: { $0.contains(key) }) {
                throw StoreError.duplicateKey(key)
            }
        }
        for c in txn.compare where c.key.isEmpty { throw StoreError.invalidRequest("compare key is not provided") }
    }

    /// Runs `txn` against `view`. `current` is the store revision before it; the transaction's writes (if any)
    /// get `current + 1`. Throws `.leaseNotFound` or `.quotaExceeded` before writing anything.
    static func execute<View: MVCCWriteView>(
        _ txn: TxnRequest, in view: inout View, current: Int64, overQuota: (size: Int64, quota: Int64)?
    ) throws -> (response: TxnResponse, events: [Event]) {
        var succeeded = true
        for c in txn.compare where !c.holds(for: try view.get(c.key)) {
            succeeded = false
            break
        }
        let ops = succeeded ? txn.success : txn.failure
        for case .put(let p) in ops {
            if let overQuota { throw StoreError.quotaExceeded(size: overQuota.size, quota: overQuota.quota) }
            if p.lease != 0 && !view.leaseExists(p.lease) { throw StoreError.leaseNotFound(p.lease) }
        }
        let revision = current + 1
        var events: [Event] = []
        var responses: [TxnOpResponse] = []
        for op in ops {
            switch op {
            case .range(let r):
                if r.revision > 0 && r.revision <= current {
                    responses.append(.range(try view.read(r, current: current)))
                } else {
                    responses.append(.range(r.shape(try view.list(r.range), revision: current)))
                }
            case .put(let p):
                let prev = try view.get(p.key)
                let kv = KeyValue(
                    key: p.key, value: p.value, createRevision: prev?.createRevision ?? revision,
                    modRevision: revision, version: (prev?.version ?? 0) + 1, lease: p.lease)
                let event = Event(kind: .put, kv: kv, prevKV: prev)
                try view.record(event, sub: events.count)
                events.append(event)
                responses.append(.put(PutResponse(revision: revision, prevKV: p.prevKV ? prev : nil)))
            case .deleteRange(let d):
                let victims = try view.list(d.range)
                for prev in victims {
                    let tomb = KeyValue(key: prev.key, value: [], createRevision: 0, modRevision: revision, version: 0)
                    let event = Event(kind: .delete, kv: tomb, prevKV: prev)
                    try view.record(event, sub: events.count)
                    events.append(event)
                }
                responses.append(
                    .deleteRange(
                        DeleteRangeResponse(
                            revision: revision, deleted: Int64(victims.count), prevKVs: d.prevKV ? victims : [])))
            }
        }
        let final = events.isEmpty ? current : revision
        responses = responses.map { $0.withRevision(final) }
        return (TxnResponse(revision: final, succeeded: succeeded, responses: responses), events)
    }

    /// The transaction that revokes a lease: delete every key attached to it.
    static func revocation(of keys: [[UInt8]]) -> TxnRequest {
        TxnRequest(success: keys.map { .deleteRange(DeleteRangeRequest(.key($0))) })
    }
}

extension TxnOpResponse {
    /// The same response with its header revision replaced (all responses of a transaction carry the
    /// transaction's final revision, as etcd's do).
    func withRevision(_ revision: Int64) -> TxnOpResponse {
        switch self {
        case .range(var r):
            r.revision = revision
            return .range(r)
        case .put(var p):
            p.revision = revision
            return .put(p)
        case .deleteRange(var d):
            d.revision = revision
            return .deleteRange(d)
        }
    }
}
