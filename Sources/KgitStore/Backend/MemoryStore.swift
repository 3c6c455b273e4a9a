import Synchronization

/// An in-memory `Store`: the twin of `SQLiteStore` for unit tests. Same semantics (it shares `TxnEngine`,
/// `WatchHub` and `LeaseTable`), no durability. Thread-safe; every operation runs under one lock.
public final class MemoryStore: Store {
    private struct Record {
        var revision: Int64
        var kv: KeyValue?  // nil: tombstone
    }

    private struct State: MVCCWriteView {
        var revision: Int64 = 1
        var compactRevision: Int64 = 0
        var keys: [[UInt8]] = []  // sorted; every key with history
        var history: [[UInt8]: [Record]] = [:]
        var log: [Event] = []  // every event not compacted, in order, with prevKV
        var bytes: Int64 = 0
        var closed = false
        let leases: LeaseTable

        func index(of key: [UInt8]) -> Int {
            var lo = 0
            var hi = keys.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if keyLess(keys[mid], key) { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }

        func at(_ key: [UInt8], _ rev: Int64) -> KeyValue? {
            guard let records = history[key] else { return nil }
            return records.last(where: { $0.revision <= rev })?.kv
        }

        func list(_ range: KeyRange, at rev: Int64) -> [KeyValue] {
            if range.isSingleKey { return at(range.start, rev).map { [$0] } ?? [] }
            var out: [KeyValue] = []
            var i = index(of: range.start)
            while i < keys.count, range.contains(keys[i]) {
                if let kv = at(keys[i], rev) { out.append(kv) }
                i += 1
            }
            return out
        }

        mutating func get(_ key: [UInt8]) throws -> KeyValue? { history[key]?.last?.kv }
        mutating func list(_ range: KeyRange) throws -> [KeyValue] { list(range, at: .max) }
        mutating func read(_ request: RangeRequest, current: Int64) throws -> RangeResponse {
            try check(request.revision)
            return request.shape(list(request.range, at: request.revision), revision: current)
        }
        mutating func leaseExists(_ id: Int64) -> Bool { leases.contains(id) }
        mutating func record(_ event: Event, sub: Int) throws {
            let key = event.kv.key
            if history[key] == nil {
                keys.insert(key, at: index(of: key))
                history[key] = []
            }
            history[key]?.append(Record(revision: event.kv.modRevision, kv: event.kind == .put ? event.kv : nil))
            log.append(event)
            bytes += Int64(key.count + event.kv.value.count + 48)
        }

        func check(_ rev: Int64) throws {
            if rev > revision { throw StoreError.futureRevision(requested: rev, current: revision) }
            if rev > 0 && rev < compactRevision { throw StoreError.compacted(compactRevision: compactRevision) }
        }
    }

    private let state: Mutex<State>
    private let hub = WatchHub(revision: 1)
    private let leases = LeaseTable()
    private let limits: StoreLimits
    private let expiry = Mutex<Task<Void, Never>?>(nil)

    /// Creates an empty store at revision 1.
    public init(limits: StoreLimits = .etcd) {
        self.limits = limits
        state = Mutex(State(leases: leases))
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                guard let self else { return }
                for id in self.leases.expired() { try? await self.revokeLease(id) }
            }
        }
        expiry.withLock { $0 = task }
    }

    deinit { expiry.withLock { $0?.cancel() } }

    public func range(_ request: RangeRequest) async throws -> RangeResponse {
        try state.withLock { s in
            if s.closed { throw StoreError.closed }
            try s.check(request.revision)
            let rev = request.revision > 0 ? request.revision : s.revision
            return request.shape(s.list(request.range, at: rev), revision: s.revision)
        }
    }

    public func txn(_ request: TxnRequest) async throws -> TxnResponse {
        try TxnEngine.validate(request, limits: limits)
        let (response, events) = try state.withLock { s -> (TxnResponse, [Event]) in
            if s.closed { throw StoreError.closed }
            let over: (Int64, Int64)? = s.bytes >= limits.quotaBytes ? (s.bytes, limits.quotaBytes) : nil
            let result = try TxnEngine.execute(request, in: &s, current: s.revision, overQuota: over)
            s.revision = result.response.revision
            if !result.events.isEmpty { hub.publish(result.events, revision: s.revision) }
            return result
        }
        _ = events
        return response
    }

    public func watch(_ request: WatchRequest) async throws -> WatchStream {
        try state.withLock { if $0.closed { throw StoreError.closed } }
        return await hub.watch(request) { [weak self] range, from, through, _ in
            guard let self else { throw StoreError.closed }
            return try self.state.withLock { s in
                if from < s.compactRevision { throw StoreError.compacted(compactRevision: s.compactRevision) }
                return s.log.filter {
                    $0.kv.modRevision >= from && $0.kv.modRevision <= through && range.contains($0.kv.key)
                }
            }
        }
    }

    public func compact(_ revision: Int64) async throws {
        try state.withLock { s in
            if s.closed { throw StoreError.closed }
            if revision <= s.compactRevision { throw StoreError.compacted(compactRevision: s.compactRevision) }
            if revision > s.revision { throw StoreError.futureRevision(requested: revision, current: s.revision) }
            s.compactRevision = revision
            hub.compacted(at: revision)
            for key in s.keys {
                guard var records = s.history[key] else { continue }
                if let keep = records.lastIndex(where: { $0.revision <= revision }) {
                    let drop = records[keep].kv == nil && records[keep].revision < revision ? keep + 1 : keep
                    records.removeFirst(drop)
                }
                s.history[key] = records.isEmpty ? nil : records
            }
            s.keys.removeAll { s.history[$0] == nil }
            s.log.removeAll { $0.kv.modRevision < revision }
        }
    }

    public func grantLease(ttl: Int64, id: Int64) async throws -> Lease {
        if ttl > 9_000_000_000 { throw StoreError.invalidRequest("lease TTL is too large") }
        if id < 0 { throw StoreError.invalidRequest("lease ID must be positive") }
        let ttl = max(ttl, 1)
        return try state.withLock { s in
            if s.closed { throw StoreError.closed }
            let id = id == 0 ? leases.newID() : id
            if leases.contains(id) { throw StoreError.leaseExists(id) }
            leases.insert(id, ttl: ttl)
            return Lease(id: id, ttl: ttl)
        }
    }

    public func keepAliveLease(_ id: Int64) async throws -> Int64 {
        guard let ttl = leases.renew(id) else { throw StoreError.leaseNotFound(id) }
        return ttl
    }

    public func revokeLease(_ id: Int64) async throws {
        try state.withLock { s in
            if s.closed { throw StoreError.closed }
            guard leases.remove(id) else { throw StoreError.leaseNotFound(id) }
            let keys = s.keys.filter { s.history[$0]?.last?.kv?.lease == id }
            let result = try TxnEngine.execute(TxnEngine.revocation(of: keys), in: &s, current: s.revision, overQuota: nil)
            s.revision = result.response.revision
            if !result.events.isEmpty { hub.publish(result.events, revision: s.revision) }
        }
    }

    public func leaseTimeToLive(_ id: Int64, keys: Bool) async throws -> LeaseTimeToLive {
        guard let left = leases.remaining(id) else { throw StoreError.leaseNotFound(id) }
        let attached = keys ? state.withLock { s in s.keys.filter { s.history[$0]?.last?.kv?.lease == id } } : []
        return LeaseTimeToLive(id: id, ttl: left.ttl, grantedTTL: left.granted, keys: attached)
    }

    public func status() async throws -> StoreStatus {
        state.withLock { s in
            StoreStatus(backend: "memory", revision: s.revision, compactRevision: s.compactRevision, dbSize: s.bytes, version: "")
        }
    }

    public func close() async {
        expiry.withLock { $0?.cancel() }
        state.withLock { $0.closed = true }
        hub.close()
    }
}
