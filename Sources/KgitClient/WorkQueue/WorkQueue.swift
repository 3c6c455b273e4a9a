import Synchronization

/// A queue of keys for controllers' workers, with client-go's guarantees:
///
/// - **Deduplication**: a key added while it waits is queued once.
/// - **No concurrent processing of one key**: a key added while a worker processes it is queued again only
///   after that worker calls ``done(_:)``.
/// - **Delays and rate limiting**: ``add(_:after:)`` adds later (the earliest pending time wins);
///   ``addRateLimited(_:)`` waits as the ``RateLimiter`` says (per-key exponential backoff and an overall
///   token bucket by default); ``forget(_:)`` clears a key's failures after it succeeds.
///
/// A worker loops: `while let key = await queue.get() { defer { queue.done(key) }; ... }`. ``get()`` returns
/// nil once the queue is shut down.
public final class WorkQueue: Sendable {
    private struct Waiter: Sendable {
        var id: UInt64
        var continuation: CheckedContinuation<String?, Never>
    }

    private struct State {
        var queue: [String] = []
        var head = 0
        var dirty: Set<String> = []
        var processing: Set<String> = []
        var waiters: [Waiter] = []
        var delayedUntil: [String: ContinuousClock.Instant] = [:]
        var shuttingDown = false
        var nextID: UInt64 = 0

        var queuedCount: Int { queue.count - head }

        /// Hands the dirty, unprocessed `key` to the longest-waiting worker (returned, to be resumed outside
        /// the lock), or queues it when no worker waits.
        mutating func enqueue(_ key: String) -> Waiter? {
            guard !waiters.isEmpty else {
                queue.append(key)
                return nil
            }
            let waiter = waiters.removeFirst()
            dirty.remove(key)
            processing.insert(key)
            return waiter
        }

        mutating func pop() -> String? {
            guard head < queue.count else { return nil }
            let key = queue[head]
            head += 1
            if head > 1024 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return key
        }
    }

    /// Decides retry delays.
    public let rateLimiter: any RateLimiter
    private let state = Mutex(State())

    /// A queue whose retries wait as `rateLimiter` says.
    public init(rateLimiter: any RateLimiter = MaxOfRateLimiter.controllerDefault()) {
        self.rateLimiter = rateLimiter
    }

    /// Queues `key` unless it is queued already (or being processed: then after ``done(_:)``).
    public func add(_ key: String) {
        let waiter: Waiter? = state.withLock { state in
            guard !state.shuttingDown, !state.dirty.contains(key) else { return nil }
            state.dirty.insert(key)
            guard !state.processing.contains(key) else { return nil }
            return state.enqueue(key)
        }
        waiter?.continuation.resume(returning: key)
    }

    /// Queues `key` after `delay`; when it already waits to be added sooner, that stands.
    public func add(_ key: String, after delay: Duration) {
        guard delay > .zero else { return add(key) }
        let due = ContinuousClock.now + delay
        let schedule = state.withLock { state -> Bool in
            guard !state.shuttingDown else { return false }
            if let pending = state.delayedUntil[key], pending <= due { return false }
            state.delayedUntil[key] = due
            return true
        }
        guard schedule else { return }
        Task { [self] in
            try? await Task.sleep(until: due, clock: .continuous)
            let stillDue = state.withLock { state -> Bool in
                guard state.delayedUntil[key] == due else { return false }
                state.delayedUntil[key] = nil
                return true
            }
            if stillDue { add(key) }
        }
    }

    /// Queues `key` after the rate limiter's delay: a retry after a failure.
    public func addRateLimited(_ key: String) {
        add(key, after: rateLimiter.when(key))
    }

    /// Clears `key`'s failure history (after it was processed successfully).
    public func forget(_ key: String) { rateLimiter.forget(key) }

    /// How many times `key` has been retried since it was last forgotten.
    public func requeues(_ key: String) -> Int { rateLimiter.failures(key) }

    /// The next key, waiting for one; nil once the queue is shut down (or the task is cancelled).
    /// The caller must call ``done(_:)`` with it when finished.
    public func get() async -> String? {
        if let key = state.withLock({ state -> String? in
            guard let key = state.pop() else { return nil }
            state.dirty.remove(key)
            state.processing.insert(key)
            return key
        }) {
            return key
        }
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
                let immediate: String?? = state.withLock { state -> String?? in
                    if let key = state.pop() {
                        state.dirty.remove(key)
                        state.processing.insert(key)
                        return .some(key)
                    }
                    if state.shuttingDown || Task.isCancelled { return .some(nil) }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(returning: nil)
        }
    }

    /// Marks `key` processed; if it was added meanwhile, it is queued again now.
    public func done(_ key: String) {
        let waiter: Waiter? = state.withLock { state in
            state.processing.remove(key)
            guard state.dirty.contains(key), !state.shuttingDown else { return nil }
            return state.enqueue(key)
        }
        waiter?.continuation.resume(returning: key)
    }

    /// Stops the queue: waiting and later ``get()`` calls return nil; adds are ignored.
    public func shutDown() {
        let waiters = state.withLock { state in
            state.shuttingDown = true
            let waiters = state.waiters
            state.waiters = []
            return waiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
    }

    /// Keys waiting to be processed.
    public var count: Int { state.withLock { $0.queuedCount } }

    /// Whether ``shutDown()`` was called.
    public var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }
}
