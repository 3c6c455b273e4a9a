import KgitAPIMachinery
import Synchronization

/// What admission read lately of the few resources it reads on nearly every write (namespaces,
/// ServiceAccounts, LimitRanges, ResourceQuotas, PriorityClasses), so that a pod create does not query
/// the store for each of them (upstream's plugins read these from informers).
///
/// A read is served from the cache while both hold:
/// - nothing of its resource was written through this server's registry since it was read: the
///   registry calls ``wrote(_:)`` when a write of the resource returns, so a write a client has seen
///   answered is seen by every admission check after it;
/// - it is younger than ``maxAge``, so writes by another process sharing the store (an etcd cluster)
///   are seen after at most that, as upstream's admission sees them once its informers have them.
///
/// A read that races a write is tagged with the generation from before the write, so it is never
/// served once the write returned.
final class AdmissionReadCache: Sendable {
    /// One cached read.
    enum Key: Hashable, Sendable {
        /// Every object of `resource` (`group/resource`) in `namespace` (nil: cluster-scoped or all).
        case list(resource: String, namespace: String?)
        /// The object `name` of `resource` in `namespace`.
        case get(resource: String, namespace: String?, name: String)
    }

    /// A cached answer: a list's objects, or one object (nil when it did not exist).
    enum Value: Sendable {
        case list([JSONValue])
        case object(JSONValue?)
    }

    /// Taken before the store read whose answer is cached, so the answer is judged by the state before it.
    struct Ticket: Sendable {
        fileprivate var resource: String
        fileprivate var generation: UInt64
        fileprivate var time: ContinuousClock.Instant
    }

    /// The resources cached, as `group/resource`.
    static let resources: Set<String> = [
        "/namespaces", "/serviceaccounts", "/limitranges", "/resourcequotas", "scheduling.k8s.io/priorityclasses",
    ]

    /// How long an answer may be served without a write of this server in between.
    let maxAge: Duration
    /// The most answers kept; past it the cache starts again empty.
    let capacity: Int

    private struct Entry {
        var generation: UInt64
        var time: ContinuousClock.Instant
        var value: Value
    }

    private struct State {
        /// Writes through the registry per resource.
        var generations: [String: UInt64] = [:]
        var entries: [Key: Entry] = [:]
    }

    private let state = Mutex(State())

    init(maxAge: Duration = .seconds(1), capacity: Int = 10_000) {
        self.maxAge = maxAge
        self.capacity = capacity
    }

    /// `group/resource` of `info` when its reads are cached.
    static func cachedResource(_ info: ResourceInfo) -> String? {
        let name = "\(info.group)/\(info.resource)"
        return resources.contains(name) ? name : nil
    }

    /// Records that a write of `info`'s objects returned: answers read before it are not served again.
    func wrote(_ info: ResourceInfo) {
        guard let resource = Self.cachedResource(info) else { return }
        state.withLock { $0.generations[resource, default: 0] &+= 1 }
    }

    /// The cached answer for `key` of `info`, when one may be served.
    func lookup(_ key: Key, of info: ResourceInfo) -> Value? {
        guard let resource = Self.cachedResource(info) else { return nil }
        let now = ContinuousClock.now
        return state.withLock { state -> Value? in
            guard let entry = state.entries[key], entry.generation == state.generations[resource, default: 0],
                  entry.time.duration(to: now) < maxAge
            else { return nil }
            return entry.value
        }
    }

    /// What to tag an answer with, taken before reading it from the store; nil when `info` is not cached.
    func ticket(for info: ResourceInfo) -> Ticket? {
        guard let resource = Self.cachedResource(info) else { return nil }
        let time = ContinuousClock.now
        return state.withLock { Ticket(resource: resource, generation: $0.generations[resource, default: 0], time: time) }
    }

    /// Keeps an answer read after `ticket` was taken, unless a write has made it stale already.
    func insert(_ value: Value, for key: Key, ticket: Ticket) {
        state.withLock { state in
            guard ticket.generation == state.generations[ticket.resource, default: 0] else { return }
            if state.entries.count >= capacity && state.entries[key] == nil { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = Entry(generation: ticket.generation, time: ticket.time, value: value)
        }
    }
}
