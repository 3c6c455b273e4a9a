import Synchronization
import Testing

@testable import KgitClient

/// The time limit is a hang guard: under a fully loaded CI machine, a 1 ms retry timer once took over a
/// minute to be scheduled.
@Suite("WorkQueue: deduplicated keys, one worker per key, delays", .timeLimit(.minutes(3)))
struct WorkQueueTests {
    @Test("a key added twice while it waits is handed out once")
    func deduplicates() async {
        let queue = WorkQueue()
        queue.add("shop/web")
        queue.add("shop/web")
        queue.add("shop/db")
        #expect(queue.count == 2)
        #expect(await queue.get() == "shop/web")
        #expect(await queue.get() == "shop/db")
        #expect(queue.count == 0)
    }

    @Test("a key added while a worker processes it waits until that worker is done")
    func noConcurrentProcessing() async {
        let queue = WorkQueue()
        queue.add("shop/web")
        let first = await queue.get()
        queue.add("shop/web")
        #expect(queue.count == 0, "the key must not be handed to a second worker")
        queue.done("shop/web")
        #expect(queue.count == 1)
        #expect(await queue.get() == first)
    }

    @Test("get waits for a key and returns it when one is added")
    func getWaits() async {
        let queue = WorkQueue()
        async let key = queue.get()
        try? await Task.sleep(for: .milliseconds(10))
        queue.add("shop/web")
        #expect(await key == "shop/web")
    }

    @Test("shutting down wakes waiting workers with nil and ignores later adds")
    func shutDown() async {
        let queue = WorkQueue()
        async let key = queue.get()
        try? await Task.sleep(for: .milliseconds(10))
        queue.shutDown()
        #expect(await key == nil)
        queue.add("shop/web")
        #expect(queue.count == 0)
        #expect(await queue.get() == nil)
    }

    @Test("a cancelled worker's get returns nil")
    func cancelledGet() async {
        let queue = WorkQueue()
        let worker = Task { await queue.get() }
        try? await Task.sleep(for: .milliseconds(10))
        worker.cancel()
        #expect(await worker.value == nil)
        queue.add("shop/web")
        #expect(queue.count == 1, "the key is not lost to the cancelled worker")
    }

    @Test("a delayed add arrives later, and the earlier of two delays wins")
    func delayedAdd() async throws {
        let queue = WorkQueue()
        let clock = ContinuousClock()
        let added = clock.now
        queue.add("shop/web", after: .seconds(3600))
        queue.add("shop/web", after: .milliseconds(20))
        #expect(await queue.get() == "shop/web")
        // Not before its delay (a lower bound, which load cannot break; checking that the queue was still empty
        // right after the add failed when a loaded machine stalled the test for over 20 ms in between).
        #expect(clock.now - added >= .milliseconds(20))
        queue.done("shop/web")
        #expect(queue.count == 0, "the hour-long delay was superseded, not queued twice")
    }

    @Test("rate-limited retries count requeues until the key is forgotten")
    func rateLimited() async {
        let queue = WorkQueue(rateLimiter: ExponentialBackoffRateLimiter(base: .milliseconds(1), max: .milliseconds(4)))
        queue.add("shop/web")
        for attempt in 1...3 {
            let key = await queue.get()
            #expect(key == "shop/web")
            queue.addRateLimited("shop/web")
            queue.done("shop/web")
            #expect(queue.requeues("shop/web") == attempt)
        }
        #expect(await queue.get() == "shop/web")
        queue.forget("shop/web")
        #expect(queue.requeues("shop/web") == 0)
    }

    @Test("many workers never process one key at the same time")
    func workersExclusive() async {
        let queue = WorkQueue()
        let busy = Box<Set<String>>([])
        let overlaps = Box(0)
        let processed = Box(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    while let key = await queue.get() {
                        let clash = busy.withLock { !$0.insert(key).inserted }
                        if clash { overlaps.withLock { $0 += 1 } }
                        await Task.yield()
                        busy.withLock { _ = $0.remove(key) }
                        processed.withLock { $0 += 1 }
                        queue.done(key)
                    }
                }
            }
            for round in 0..<200 { queue.add("key-\(round % 3)") }
            while queue.count > 0 { await Task.yield() }
            try? await Task.sleep(for: .milliseconds(20))
            queue.shutDown()
        }
        #expect(overlaps.withLock { $0 } == 0)
        #expect(processed.withLock { $0 } >= 3)
    }
}

@Suite("Rate limiters")
struct RateLimiterTests {
    @Test("per-key exponential backoff doubles from the base up to the cap, per key, and forget resets it")
    func exponential() {
        let limiter = ExponentialBackoffRateLimiter(base: .milliseconds(5), max: .milliseconds(30))
        #expect((0..<5).map { _ in limiter.when("a") } == [.milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(30), .milliseconds(30)])
        #expect(limiter.when("b") == .milliseconds(5))
        #expect(limiter.failures("a") == 5)
        limiter.forget("a")
        #expect(limiter.when("a") == .milliseconds(5))
    }

    @Test("the backoff never overflows however many failures")
    func noOverflow() {
        let limiter = ExponentialBackoffRateLimiter(base: .milliseconds(5), max: .seconds(1000))
        var last = Duration.zero
        for _ in 0..<100 { last = limiter.when("a") }
        #expect(last == .seconds(1000))
    }

    @Test("the token bucket lets a burst through, then spaces retries at its rate, and refills with time")
    func tokenBucket() {
        let clock = Box(0.0)
        let limiter = TokenBucketRateLimiter(qps: 10, burst: 3, now: { clock.withLock { $0 } })
        #expect((0..<3).map { limiter.when("k\($0)") } == [.zero, .zero, .zero])
        #expect(limiter.when("k4") == .milliseconds(100))
        #expect(limiter.when("k5") == .milliseconds(200))
        clock.withLock { $0 = 10 }
        #expect(limiter.when("k6") == .zero)
    }

    @Test("the controller default waits as long as the slower of backoff and bucket")
    func maxOf() {
        let clock = Box(0.0)
        let limiter = MaxOfRateLimiter([
            ExponentialBackoffRateLimiter(base: .milliseconds(5), max: .seconds(1)),
            TokenBucketRateLimiter(qps: 1, burst: 1, now: { clock.withLock { $0 } }),
        ])
        #expect(limiter.when("a") == .milliseconds(5))
        #expect(limiter.when("a") == .seconds(1))
        #expect(limiter.failures("a") == 2)
    }
}
