import Synchronization

/// Decides how long a key waits before it is retried.
///
/// ``WorkQueue/addRateLimited(_:)`` asks ``when(_:)`` for each retry; ``forget(_:)`` clears a key's history
/// once it succeeds.
public protocol RateLimiter: Sendable {
    /// How long `key` should wait now (counting this as one more failure).
    func when(_ key: String) -> Duration
    /// Forgets `key`'s failures.
    func forget(_ key: String)
    /// How many failures of `key` are remembered.
    func failures(_ key: String) -> Int
}

/// Per-key exponential backoff: `base`, `2 × base`, `4 × base`, ... up to `max`, as client-go's
/// `ItemExponentialFailureRateLimiter`.
public final class ExponentialBackoffRateLimiter: RateLimiter {
    /// The first delay.
    public let base: Duration
    /// The longest delay.
    public let max: Duration
    private let counts = Mutex<[String: Int]>([:])

    /// A limiter from `base` to `max`.
    public init(base: Duration = .milliseconds(5), max: Duration = .seconds(1000)) {
        self.base = base
        self.max = max
    }

    /// `base × 2^failures`, capped at `max`.
    public func when(_ key: String) -> Duration {
        let failures = counts.withLock { counts in
            let n = counts[key, default: 0]
            counts[key] = n + 1
            return n
        }
        // Past 2^40 × base every realistic cap is reached; stop doubling before Duration overflows.
        guard failures < 40 else { return max }
        let delay = base * (Int64(1) << failures)
        return delay > max ? max : delay
    }

    /// Forgets `key`.
    public func forget(_ key: String) { counts.withLock { _ = $0.removeValue(forKey: key) } }

    /// `key`'s failures so far.
    public func failures(_ key: String) -> Int { counts.withLock { $0[key, default: 0] } }
}

/// An overall token bucket: `burst` retries at once, then `qps` per second, whichever key asks, as
/// client-go's `BucketRateLimiter`. It protects the API server when many keys fail together.
public final class TokenBucketRateLimiter: RateLimiter {
    /// Tokens added per second.
    public let qps: Double
    /// The bucket's size.
    public let burst: Int
    private let now: @Sendable () -> Double
    private struct Bucket {
        var tokens: Double
        var last: Double
    }
    private let bucket: Mutex<Bucket>

    /// A bucket of `burst` tokens refilled at `qps`; `now` is a monotonic clock in seconds (tests pass their own).
    public init(qps: Double = 10, burst: Int = 100, now: @escaping @Sendable () -> Double = monotonicSeconds) {
        self.qps = qps
        self.burst = burst
        self.now = now
        bucket = Mutex(Bucket(tokens: Double(burst), last: now()))
    }

    /// Takes a token: no wait while tokens last, then the time until this request's token is due (tokens can be
    /// owed, so later callers wait longer).
    public func when(_ key: String) -> Duration {
        let time = now()
        let seconds: Double = bucket.withLock { bucket in
            bucket.tokens = Swift.min(Double(burst), bucket.tokens + (time - bucket.last) * qps)
            bucket.last = time
            bucket.tokens -= 1
            return bucket.tokens >= 0 ? 0 : -bucket.tokens / qps
        }
        return .nanoseconds(Int64(seconds * 1e9))
    }

    /// Nothing: the bucket has no per-key state.
    public func forget(_ key: String) {}

    /// Always 0: the bucket has no per-key state.
    public func failures(_ key: String) -> Int { 0 }
}

/// The longest wait of several limiters (client-go's `MaxOfRateLimiter`).
public final class MaxOfRateLimiter: RateLimiter {
    /// The limiters asked.
    public let limiters: [any RateLimiter]

    /// A limiter over `limiters`.
    public init(_ limiters: [any RateLimiter]) { self.limiters = limiters }

    /// The longest of the limiters' waits (every limiter counts the failure).
    public func when(_ key: String) -> Duration {
        limiters.map { $0.when(key) }.max() ?? .zero
    }

    /// Forgets `key` in every limiter.
    public func forget(_ key: String) { for limiter in limiters { limiter.forget(key) } }

    /// The most failures any limiter remembers.
    public func failures(_ key: String) -> Int { limiters.map { $0.failures(key) }.max() ?? 0 }

    /// client-go's default for controllers: per key 5 ms doubling to 1000 s, and 10 per second (burst 100) overall.
    public static func controllerDefault() -> MaxOfRateLimiter {
        MaxOfRateLimiter([ExponentialBackoffRateLimiter(), TokenBucketRateLimiter()])
    }
}

/// Seconds on a monotonic clock.
public func monotonicSeconds() -> Double {
    let elapsed = ContinuousClock.now - processStart
    let (seconds, attoseconds) = elapsed.components
    return Double(seconds) + Double(attoseconds) / 1e18
}

private let processStart = ContinuousClock.now
