import Synchronization

/// The in-memory lease clock of an embedded store: granted TTLs and their deadlines.
///
/// Like etcd's lessor, deadlines live in memory only: keep-alives are not persisted, and after a restart every
/// lease gets its full TTL again. Thread-safe; the store's writer and its expiry timer share one table.
final class LeaseTable: Sendable {
    struct Entry: Sendable {
        var ttl: Int64
        var deadline: ContinuousClock.Instant
    }

    private let entries = Mutex<[Int64: Entry]>([:])

    init() {}

    /// Adds a lease with a full TTL from now.
    func insert(_ id: Int64, ttl: Int64) {
        entries.withLock { $0[id] = Entry(ttl: ttl, deadline: .now + .seconds(ttl)) }
    }

    /// Removes a lease; returns whether it existed.
    @discardableResult
    func remove(_ id: Int64) -> Bool { entries.withLock { $0.removeValue(forKey: id) != nil } }

    /// Whether the lease exists.
    func contains(_ id: Int64) -> Bool { entries.withLock { $0[id] != nil } }

    /// Restarts a lease's TTL; returns the TTL, or `nil` when the lease does not exist or already expired.
    func renew(_ id: Int64) -> Int64? {
        entries.withLock { table in
            guard var e = table[id], e.deadline > .now else { return nil }
            e.deadline = .now + .seconds(e.ttl)
            table[id] = e
            return e.ttl
        }
    }

    /// Remaining whole seconds (rounded up) and granted TTL of a lease.
    func remaining(_ id: Int64) -> (ttl: Int64, granted: Int64)? {
        entries.withLock { table in
            guard let e = table[id] else { return nil }
            let left = ContinuousClock.now.duration(to: e.deadline)
            let secs = max(0, left.components.seconds + (left.components.attoseconds > 0 ? 1 : 0))
            return (secs, e.ttl)
        }
    }

    /// Leases whose deadline has passed.
    func expired(now: ContinuousClock.Instant = .now) -> [Int64] {
        entries.withLock { table in table.filter { $0.value.deadline <= now }.map(\.key) }
    }

    /// A fresh random positive lease ID not in use.
    func newID() -> Int64 {
        entries.withLock { table in
            while true {
                let id = Int64.random(in: 1...Int64.max >> 1)
                if table[id] == nil { return id }
            }
        }
    }
}
