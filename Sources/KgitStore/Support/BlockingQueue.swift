#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A multi-producer queue that dedicated OS threads block on, for work that must not run on Swift's
/// cooperative pool (fsync in the SQLite writer, blocking socket I/O in the etcd client).
///
/// `take` returns everything queued (up to `max`), which is what gives the SQLite writer its group commit.
final class BlockingQueue<Element: Sendable>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let cond: UnsafeMutablePointer<pthread_cond_t>
    private var items: [Element] = []
    private var head = 0
    private var closed = false

    init() {
        mutex = .allocate(capacity: 1)
        cond = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        cond.deallocate()
    }

    /// Adds an element and wakes one waiting thread; false (and nothing added) once the queue is closed.
    @discardableResult
    func append(_ element: Element) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if closed { return false }
        items.append(element)
        pthread_cond_signal(cond)
        return true
    }

    /// Refuses further elements and returns those still queued (the consumer fails them).
    func close() -> [Element] {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        closed = true
        let rest = Array(items[head...])
        items = []
        head = 0
        return rest
    }

    /// Blocks until something is queued, then removes and returns up to `max` elements in FIFO order.
    func take(max: Int = .max) -> [Element] {
        pthread_mutex_lock(mutex)
        while head == items.count { pthread_cond_wait(cond, mutex) }
        let end = Swift.min(items.count, head + max)
        let out = Array(items[head..<end])
        head = end
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 4096 {
            items.removeFirst(head)
            head = 0
        }
        pthread_mutex_unlock(mutex)
        return out
    }

    /// Blocks until one element is queued and returns it.
    func takeOne() -> Element {
        take(max: 1)[0]
    }
}

/// Starts a detached OS thread running `body`.
func startThread(_ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    pthread_attr_setstacksize(&attr, 1 << 20)
    var thread = pthread_t()
    let rc = pthread_create(&thread, &attr, { arg in
        guard let arg else { return nil }
        Unmanaged<Box>.fromOpaque(arg).takeRetainedValue().body()
        return nil
    }, box)
    pthread_attr_destroy(&attr)
    if rc == 0 {
        pthread_detach(thread)
    } else {
        // Could not get a thread: run inline rather than lose the work.
        Unmanaged<Box>.fromOpaque(box).takeRetainedValue().body()
    }
}
