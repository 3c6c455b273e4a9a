import Foundation
import KgitAPIMachinery
import Synchronization
import Testing

@testable import KgitClient

/// A fake API server holding one Lease, with optimistic concurrency on resourceVersion.
final class LeaseServer: Sendable {
    let lease = Mutex<JSONValue?>(nil)
    private let version = Mutex(0)

    var transport: FakeTransport {
        FakeTransport { [self] request in
            let path = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases"
            switch (request.method, request.path) {
            case ("GET", "/apis/coordination.k8s.io/v1"):
                return FakeTransport.json(["kind": "APIResourceList", "resources": [["name": "leases", "kind": "Lease", "namespaced": true]]])
            case ("GET", path + "/kgit-controller-manager"):
                guard let stored = lease.withLock({ $0 }) else { return Self.status(404, "NotFound") }
                return FakeTransport.json(stored)
            case ("POST", path):
                return lease.withLock { lease in
                    guard lease == nil, var object = try? JSONParser.parse(request.body) else { return Self.status(409, "AlreadyExists") }
                    object.setValue(.string(nextVersion()), at: ["metadata", "resourceVersion"])
                    lease = object
                    return FakeTransport.json(object, status: 201)
                }
            case ("PUT", path + "/kgit-controller-manager"):
                return lease.withLock { lease in
                    guard var object = try? JSONParser.parse(request.body),
                        object.value(at: ["metadata", "resourceVersion"]) == lease?.value(at: ["metadata", "resourceVersion"])
                    else { return Self.status(409, "Conflict") }
                    object.setValue(.string(nextVersion()), at: ["metadata", "resourceVersion"])
                    lease = object
                    return FakeTransport.json(object)
                }
            default:
                return Self.status(404, "NotFound")
            }
        }
    }

    private func nextVersion() -> String { version.withLock { $0 += 1; return String($0) } }

    static func status(_ code: Int, _ reason: String) -> TransportResponse {
        FakeTransport.json(["kind": "Status", "code": .int(Int64(code)), "reason": .string(reason), "message": "x"], status: code)
    }

    var holder: String? { lease.withLock { $0?.value(at: ["spec", "holderIdentity"])?.stringValue } }
    var transitions: Int64? { lease.withLock { $0?.value(at: ["spec", "leaseTransitions"])?.intValue } }
}

/// The time limit is a hang guard (see WorkQueueTests: a fully loaded machine has delayed a 1 ms timer by a minute).
@Suite("LeaderElector: one holder of a Lease at a time", .timeLimit(.minutes(3)))
struct LeaderElectorTests {
    let server = LeaseServer()
    let clock = Box(Date(timeIntervalSince1970: 1_800_000_000))

    func candidate(_ identity: String) -> LeaderElector {
        let clock = self.clock
        return LeaderElector(
            client: DynamicClient(transport: server.transport),
            configuration: .init(namespace: "kube-system", name: "kgit-controller-manager", identity: identity,
                                 leaseDuration: .seconds(15), renewDeadline: .milliseconds(50), retryPeriod: .milliseconds(5)),
            now: { clock.withLock { $0 } })
    }

    @Test("the first candidate creates the Lease; a second cannot take it while it is renewed")
    func firstWins() async throws {
        let a = candidate("a"), b = candidate("b")
        #expect(try await a.tryAcquireOrRenew())
        #expect(try await !b.tryAcquireOrRenew())
        clock.withLock { $0 += 10 }
        #expect(try await a.tryAcquireOrRenew(), "the holder renews")
        clock.withLock { $0 += 10 }
        #expect(try await !b.tryAcquireOrRenew(), "renewed 10 s ago: still held")
        #expect(server.holder == "a")
        #expect(server.lease.withLock { $0?.value(at: ["spec", "renewTime"])?.stringValue }?.hasSuffix(".000000Z") == true)
    }

    @Test("an expired Lease is taken over and its transitions counted")
    func takeOver() async throws {
        let a = candidate("a"), b = candidate("b")
        #expect(try await a.tryAcquireOrRenew())
        clock.withLock { $0 += 16 }
        #expect(try await b.tryAcquireOrRenew())
        #expect(server.holder == "b")
        #expect(server.transitions == 1)
        #expect(try await !a.tryAcquireOrRenew(), "the old holder has lost it")
    }

    @Test("a released Lease is free for the next candidate at once")
    func release() async throws {
        let a = candidate("a"), b = candidate("b")
        #expect(try await a.tryAcquireOrRenew())
        await a.release()
        #expect(try await b.tryAcquireOrRenew())
    }

    @Test("run leads while it holds the Lease, and releases it when cancelled")
    func runLeads() async throws {
        let a = candidate("a")
        let leading = Box(false)
        let task = Task { await a.run { leading.withLock { $0 = true }; try? await Task.sleep(for: .seconds(3600)) } }
        while !leading.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(2)) }
        #expect(server.holder == "a")
        task.cancel()
        await task.value
        #expect(server.holder == "")
    }

    @Test("a leader that cannot renew stops leading after the renew deadline")
    func losesLeadership() async throws {
        let a = candidate("a"), b = candidate("b")
        let stopped = Box(false)
        let task = Task {
            await a.run { try? await Task.sleep(for: .seconds(3600)) }
            stopped.withLock { $0 = true }
        }
        while server.holder != "a" { try await Task.sleep(for: .milliseconds(2)) }
        // b takes the Lease over; a's renewals now fail and it steps down. a keeps renewing every 5 ms, so a
        // renewal can land between moving the clock and b's attempt (then the Lease is fresh again, at the new
        // time): move the clock on until b wins, then back, so a sees b's Lease as fresh.
        var advanced: TimeInterval = 0
        repeat {
            clock.withLock { $0 += 16 }
            advanced += 16
        } while try await !b.tryAcquireOrRenew()
        clock.withLock { $0 -= advanced }
        await task.value
        #expect(stopped.withLock { $0 })
        #expect(server.holder == "b")
    }
}
