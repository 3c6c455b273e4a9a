/// A pod waiting in the scheduling queue, with its attempt count and the plugins that last rejected it.
public struct QueuedPod: Sendable, Equatable {
    /// The pod.
    public var pod: Pod
    /// When it last entered the queue (or was last attempted): orders the active queue and starts backoff.
    public var timestamp: Duration
    /// When it was first added.
    public var initialTimestamp: Duration
    /// How many times it has been popped for scheduling.
    public var attempts: Int
    /// The plugins that rejected it last time; only events those plugins care about move it back.
    public var unschedulablePlugins: Set<String>
    /// The scheduling cycle in which it was last popped.
    public var cycle: Int
}

/// The scheduler's queue of pending pods, as a value with an injected clock:
///
/// - **active**: ready to schedule, highest priority first, then earliest timestamp;
/// - **backoff**: failed recently; each waits `initialBackoff × 2^(attempts−1)` (capped at `maxBackoff`)
///   from its last attempt before returning to active;
/// - **unschedulable**: rejected by plugins; stays until a cluster event those plugins care about arrives
///   (node added or updated, pod deleted, ...) or `maxInUnschedulable` passes, then goes to backoff (if still
///   backing off) or active.
///
/// A pod that fails while a move request happened during its cycle goes to backoff, not unschedulable, so
/// an event that raced its attempt is not lost (upstream's `moveRequestCycle`).
public struct SchedulingQueue: Sendable {
    /// The time source.
    public let clock: any SchedulingClock
    /// The first backoff (default 1 s).
    public var initialBackoff: Duration
    /// The largest backoff (default 10 s).
    public var maxBackoff: Duration
    /// The longest a pod stays unschedulable without an event (default 5 minutes).
    public var maxInUnschedulable: Duration

    private var active = Heap<QueuedPod> { a, b in
        a.pod.priority != b.pod.priority ? a.pod.priority > b.pod.priority : a.timestamp < b.timestamp
    }
    private var backoff: Heap<QueuedPod>
    private var unschedulable: [String: QueuedPod] = [:]
    /// Where each queued pod is, by `namespace/name`.
    private var location: [String: Location] = [:]
    private var schedulingCycle = 0
    private var moveRequestCycle = -1
    private let pluginsByEvent: [ClusterEvent: Set<String>]

    private enum Location { case active, backoff, unschedulable }

    /// A queue; `framework` says which plugins each cluster event can help.
    public init(
        clock: any SchedulingClock = SystemSchedulingClock(), framework: Framework = .default,
        initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(10),
        maxInUnschedulable: Duration = .seconds(300)
    ) {
        self.clock = clock
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxInUnschedulable = maxInUnschedulable
        var byEvent: [ClusterEvent: Set<String>] = [:]
        for event in ClusterEvent.allCases { byEvent[event] = framework.plugins(resolvedBy: event) }
        pluginsByEvent = byEvent
        let initial = initialBackoff
        let maximum = maxBackoff
        backoff = Heap { a, b in
            SchedulingQueue.expiry(a, initial, maximum) < SchedulingQueue.expiry(b, initial, maximum)
        }
    }

    // MARK: - Counts

    /// Pods ready to schedule.
    public var activeCount: Int { location.values.filter { $0 == .active }.count }
    /// Pods backing off.
    public var backoffCount: Int { location.values.filter { $0 == .backoff }.count }
    /// Pods waiting for a cluster event.
    public var unschedulableCount: Int { unschedulable.count }
    /// Every queued pod.
    public var count: Int { location.count }

    /// Whether the pod (by `namespace/name`) is queued.
    public func contains(_ key: String) -> Bool { location[key] != nil }

    // MARK: - Adding and removing

    /// Adds a new pending pod to the active queue (or updates it if already queued).
    public mutating func add(_ pod: Pod) {
        if location[pod.key] != nil {
            update(pod)
            return
        }
        let now = clock.now()
        push(QueuedPod(pod: pod, timestamp: now, initialTimestamp: now, attempts: 0, unschedulablePlugins: [], cycle: 0), to: .active)
    }

    /// Replaces a queued pod's value; a changed unschedulable pod moves to backoff or active, since the change
    /// may make it fit.
    public mutating func update(_ pod: Pod) {
        guard let where_ = location[pod.key] else {
            add(pod)
            return
        }
        switch where_ {
        case .active: active.replace(where: { $0.pod.key == pod.key }) { $0.pod = pod }
        case .backoff: backoff.replace(where: { $0.pod.key == pod.key }) { $0.pod = pod }
        case .unschedulable:
            guard var info = unschedulable.removeValue(forKey: pod.key) else { return }
            let changed = info.pod != pod
            info.pod = pod
            if changed {
                location[pod.key] = nil
                push(info, to: isBackingOff(info) ? .backoff : .active)
            } else {
                unschedulable[pod.key] = info
            }
        }
    }

    /// Removes a pod (deleted, or bound by someone else).
    public mutating func delete(_ key: String) {
        guard let where_ = location.removeValue(forKey: key) else { return }
        switch where_ {
        case .active: active.remove(where: { $0.pod.key == key })
        case .backoff: backoff.remove(where: { $0.pod.key == key })
        case .unschedulable: unschedulable[key] = nil
        }
    }

    // MARK: - Scheduling

    /// The next pod to schedule, after moving pods whose backoff ended or that waited too long; nil when
    /// none is ready. Counts an attempt and starts a scheduling cycle.
    public mutating func pop() -> QueuedPod? {
        flush()
        guard var next = active.pop() else { return nil }
        location[next.pod.key] = nil
        schedulingCycle += 1
        next.attempts += 1
        next.cycle = schedulingCycle
        return next
    }

    /// Returns a pod the scheduler could not place: to backoff if a move request arrived during its cycle,
    /// else to unschedulable until an event one of `rejectedBy`'s plugins cares about.
    public mutating func addUnschedulable(_ info: QueuedPod, rejectedBy plugins: Set<String>) {
        guard location[info.pod.key] == nil else { return }
        var info = info
        info.timestamp = clock.now()
        info.unschedulablePlugins = plugins
        if moveRequestCycle >= info.cycle {
            push(info, to: .backoff)
        } else {
            unschedulable[info.pod.key] = info
            location[info.pod.key] = .unschedulable
        }
    }

    /// Returns a pod whose attempt failed with an error (such as a refused binding) to backoff.
    public mutating func addBackoff(_ info: QueuedPod) {
        guard location[info.pod.key] == nil else { return }
        var info = info
        info.timestamp = clock.now()
        push(info, to: .backoff)
    }

    /// A cluster event: unschedulable pods rejected by plugins the event may help (or by no plugin in
    /// particular) move to backoff, if still backing off, or to active.
    public mutating func moveAllToActiveOrBackoff(on event: ClusterEvent) {
        let helped = pluginsByEvent[event] ?? []
        for (key, info) in unschedulable
        where info.unschedulablePlugins.isEmpty || !info.unschedulablePlugins.isDisjoint(with: helped) {
            unschedulable[key] = nil
            location[key] = nil
            push(info, to: isBackingOff(info) ? .backoff : .active)
        }
        moveRequestCycle = schedulingCycle
    }

    /// Moves pods whose backoff has ended to active, and pods unschedulable for longer than
    /// `maxInUnschedulable` to backoff or active. `pop` does this first.
    public mutating func flush() {
        let now = clock.now()
        while let top = backoff.peek, SchedulingQueue.expiry(top, initialBackoff, maxBackoff) <= now {
            _ = backoff.pop()
            location[top.pod.key] = nil
            push(top, to: .active)
        }
        for (key, info) in unschedulable where now - info.timestamp >= maxInUnschedulable {
            unschedulable[key] = nil
            location[key] = nil
            push(info, to: isBackingOff(info) ? .backoff : .active)
        }
    }

    /// How long a pod with this many attempts backs off: `initialBackoff × 2^(attempts−1)`, at most `maxBackoff`.
    public func backoffDuration(attempts: Int) -> Duration {
        SchedulingQueue.backoffDuration(attempts: attempts, initialBackoff, maxBackoff)
    }

    // MARK: - Internals

    private static func backoffDuration(attempts: Int, _ initial: Duration, _ maximum: Duration) -> Duration {
        var d = initial
        var n = 1
        while n < attempts {
            d *= 2
            if d >= maximum { return maximum }
            n += 1
        }
        return min(d, maximum)
    }

    private static func expiry(_ info: QueuedPod, _ initial: Duration, _ maximum: Duration) -> Duration {
        info.timestamp + backoffDuration(attempts: info.attempts, initial, maximum)
    }

    private func isBackingOff(_ info: QueuedPod) -> Bool {
        info.attempts > 0 && SchedulingQueue.expiry(info, initialBackoff, maxBackoff) > clock.now()
    }

    private mutating func push(_ info: QueuedPod, to destination: Location) {
        location[info.pod.key] = destination
        switch destination {
        case .active: active.push(info)
        case .backoff: backoff.push(info)
        case .unschedulable: unschedulable[info.pod.key] = info
        }
    }
}

/// A binary heap ordered by a comparison (the element for which `areInOrder(a, b)` holds against all
/// others is on top).
struct Heap<Element: Sendable>: Sendable {
    private var items: [Element] = []
    private let areInOrder: @Sendable (Element, Element) -> Bool

    init(_ areInOrder: @escaping @Sendable (Element, Element) -> Bool) { self.areInOrder = areInOrder }

    var count: Int { items.count }
    var peek: Element? { items.first }

    mutating func push(_ element: Element) {
        items.append(element)
        siftUp(items.count - 1)
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        if !items.isEmpty { siftDown(0) }
        return top
    }

    /// Removes the first element matching; O(n).
    mutating func remove(where matches: (Element) -> Bool) {
        guard let i = items.firstIndex(where: matches) else { return }
        items.swapAt(i, items.count - 1)
        items.removeLast()
        if i < items.count {
            siftDown(i)
            siftUp(i)
        }
    }

    /// Changes the first element matching and restores the order; O(n).
    mutating func replace(where matches: (Element) -> Bool, _ change: (inout Element) -> Void) {
        guard let i = items.firstIndex(where: matches) else { return }
        change(&items[i])
        siftDown(i)
        siftUp(i)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard areInOrder(items[child], items[parent]) else { return }
            items.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var first = parent
            if left < items.count && areInOrder(items[left], items[first]) { first = left }
            if right < items.count && areInOrder(items[right], items[first]) { first = right }
            if first == parent { return }
            items.swapAt(parent, first)
            parent = first
        }
    }
}
