import Foundation
import KgitAPIMachinery
import Synchronization
import Testing
@testable import KgitAPIServer

@Suite("Per-client rate limits")
struct ClientRateLimiterTests {
    @Test("each client has its own bucket, refilled at its rate, and its own in-flight cap")
    func buckets() {
        let now = Mutex<Date>(Date(timeIntervalSince1970: 0))
        let limiter = ClientRateLimiter(limits: .init(requestsPerSecond: 2, burst: 3, maxInFlight: 2),
                                        clock: { now.withLock { $0 } })
        #expect(limiter.acquire("a") && limiter.acquire("a"))
        #expect(!limiter.acquire("a"), "two in flight")
        limiter.release("a")
        #expect(limiter.acquire("a"), "the third token")
        limiter.release("a")
        limiter.release("a")
        #expect(!limiter.acquire("a"), "the bucket is empty")
        #expect(limiter.acquire("b"), "another client is not affected")
        now.withLock { $0 = $0.addingTimeInterval(0.5) }
        #expect(limiter.acquire("a"), "half a second refills one token")
    }

    @Test("an exempt client (the in-process control plane) is never limited, and leaves others' buckets alone")
    func exemptClient() {
        let now = Mutex<Date>(Date(timeIntervalSince1970: 0))
        var limits = ClientRateLimiter.Limits(requestsPerSecond: 1, burst: 2, maxInFlight: 1)
        limits.exemptClients = ["system:kgit-control-plane"]
        let limiter = ClientRateLimiter(limits: limits, clock: { now.withLock { $0 } })
        for _ in 0..<1000 { #expect(limiter.acquire("system:kgit-control-plane")) }
        #expect(limiter.acquire("kubectl"))
        #expect(!limiter.acquire("kubectl"), "an ordinary client still has its in-flight cap")
        limiter.release("system:kgit-control-plane")
        limiter.release("kubectl")
        #expect(limiter.acquire("kubectl"), "its second token")
        limiter.release("kubectl")
        #expect(!limiter.acquire("kubectl"), "and then its bucket is empty")
    }

    @Test("a flood from one client is cut off with 429 while another client's requests are all served")
    func floodDoesNotStarveOthers() async throws {
        let flooder = UserInfo(name: "flooder", groups: ["system:masters"])
        let other = UserInfo(name: "other", groups: ["system:masters"])
        // A frozen clock: buckets never refill, so the outcome does not depend on timing.
        let frozen = Date()
        let api = try await TestAPI(rateLimits: .init(requestsPerSecond: 1, burst: 20, maxInFlight: 8), clock: { frozen })
        // The other client stays within its limits: no more requests at once than its 8 in-flight slots. (With 10,
        // a machine slow enough to have 9 of them in flight at once refused the 9th, as it should.)
        let others = 8
        let results = await withTaskGroup(of: (String, Int).self) { group in
            for _ in 0..<200 {
                group.addTask { ("flooder", await api.request("GET", "/api/v1/namespaces/default/configmaps", user: flooder).status) }
            }
            for _ in 0..<others {
                group.addTask { ("other", await api.request("GET", "/api/v1/namespaces/default/configmaps", user: other).status) }
            }
            var all: [(String, Int)] = []
            for await result in group { all.append(result) }
            return all
        }
        let flooded = results.filter { $0.0 == "flooder" }.map(\.1)
        let served = results.filter { $0.0 == "other" }.map(\.1)
        #expect(served == Array(repeating: 200, count: others), "\(served)")
        #expect(flooded.contains(200), "the flooder is served up to its limit")
        #expect(flooded.filter { $0 == 429 }.count >= 180, "and refused beyond it")
        // The flood was refused for its 20 tokens or, on a slow machine, for its 8 requests in flight, so some
        // tokens may be left; with the clock frozen, one request after another uses them up and is then refused.
        var refused = await api.request("GET", "/api/v1/namespaces/default/configmaps", user: flooder)
        var servedAfter = 0
        while refused.status == 200 && servedAfter < 20 {
            servedAfter += 1
            refused = await api.request("GET", "/api/v1/namespaces/default/configmaps", user: flooder)
        }
        #expect(flooded.filter { $0 == 200 }.count + servedAfter <= 20, "never more than its burst of 20 in all")
        #expect(refused.status == 429)
        #expect(refused.json["reason"] == "TooManyRequests")
        #expect(refused.header("Retry-After") == "1")
    }
}
