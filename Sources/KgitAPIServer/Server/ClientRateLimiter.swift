import Foundation
import Synchronization

/// Per-client request limits, so that one client's flood does not starve the others: each client
/// (the authenticated user, or the address of an anonymous one) has its own token bucket (a rate
/// and a burst) and its own cap on requests in flight. A request over either limit is answered
/// 429 `TooManyRequests` with `Retry-After: 1` before any work is done for it; other clients'
/// buckets are untouched.
public final class ClientRateLimiter: Sendable {
    /// The limits every client gets.
    public struct Limits: Sendable {
        /// Sustained requests per second.
        public var requestsPerSecond: Double
        /// Requests allowed at once above the sustained rate.
        public var burst: Double
        /// Requests of one client being handled at the same time (a watch counts only while it starts).
        public var maxInFlight: Int
        /// Clients (user names) never limited: the server's own control plane in the same process, whose
        /// components (thousands of simulated kubelets among them) share one identity, as upstream's API
        /// Priority and Fairness exempts its loopback client.
        public var exemptClients: Set<String> = []

        /// Generous enough for kubectl and informers; a flood hits it.
        public static let standard = Limits(requestsPerSecond: 500, burst: 1000, maxInFlight: 200)

        public init(requestsPerSecond: Double, burst: Double, maxInFlight: Int) {
            self.requestsPerSecond = requestsPerSecond
            self.burst = burst
            self.maxInFlight = maxInFlight
        }
    }

    private struct Bucket {
        var tokens: Double
        var updated: Date
        var inFlight: Int
    }

    let limits: Limits
    private let clock: @Sendable () -> Date
    private let buckets = Mutex<[String: Bucket]>([:])

    init(limits: Limits, clock: @escaping @Sendable () -> Date) {
        self.limits = limits
        self.clock = clock
    }

    /// Takes a token and an in-flight slot for `client`; false when the client is over its limits.
    /// Every `true` must be followed by one ``release(_:)``.
    func acquire(_ client: String) -> Bool {
        let limits = self.limits
        if limits.exemptClients.contains(client) { return true }
        let now = clock()
        return buckets.withLock { buckets in
            var bucket = buckets[client] ?? Bucket(tokens: limits.burst, updated: now, inFlight: 0)
            let elapsed = max(0, now.timeIntervalSince(bucket.updated))
            bucket.tokens = min(limits.burst, bucket.tokens + elapsed * limits.requestsPerSecond)
            bucket.updated = now
            guard bucket.tokens >= 1, bucket.inFlight < limits.maxInFlight else {
                buckets[client] = bucket
                return false
            }
            bucket.tokens -= 1
            bucket.inFlight += 1
            buckets[client] = bucket
            if buckets.count > 10_000 {
                // Forget idle clients with full buckets; they start full again anyway.
                buckets = buckets.filter { $0.value.inFlight > 0 || $0.value.tokens < limits.burst }
            }
            return true
        }
    }

    /// Gives back `client`'s in-flight slot.
    func release(_ client: String) {
        if limits.exemptClients.contains(client) { return }
        buckets.withLock { buckets in
            if var bucket = buckets[client] {
                bucket.inFlight = max(0, bucket.inFlight - 1)
                buckets[client] = bucket
            }
        }
    }
}
