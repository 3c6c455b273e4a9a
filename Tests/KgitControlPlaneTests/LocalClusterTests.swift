import Foundation
import KgitAPIMachinery
import KgitAPIServer
import KgitClient
import KgitControlPlane
import KgitTesting
import Testing

@Suite("LocalCluster: kgit up's control plane in one process", .timeLimit(.minutes(3)))
struct LocalClusterTests {
    /// Every Lease's `spec.renewTime` by node name (nil until all `count` exist).
    static func renewTimes(_ client: DynamicClient, count: Int) async -> [String: Date]? {
        guard let leases = try? await client.list(
            apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: "kube-node-lease").items
        else { return nil }
        var times: [String: Date] = [:]
        for lease in leases {
            guard let name = lease["metadata"]?["name"]?.stringValue, name.hasPrefix("kgit-node-"),
                  let text = lease["spec"]?["renewTime"]?.stringValue, let renew = RFC3339.parse(text)
            else { continue }
            times[name] = renew
        }
        return times.count == count ? times : nil
    }

    /// The fleet of `kgit up --nodes 5000` scaled down: 20 nodes renewing every 3 s against a 15 s grace
    /// period, under a per-client limit (1 request/s) below the fleet's renewal rate (6.7/s), as the standard
    /// limit (500/s) is for 5,000 nodes beside everything else. The simulated kubelets share the control
    /// plane's in-process identity, so if that identity were limited like an outside client, each Lease would
    /// be renewed only every 20 s or more and nodes would go NotReady. The margins are wide (a renewal would
    /// have to wait 12 s) because the whole suite runs in parallel on a loaded machine.
    @Test("thousands of simulated nodes as one in-process client are not throttled: no node misses its grace period")
    func leasesAreNotThrottled() async throws {
        let scratch = try Scratch("kgit-localcluster")
        var configuration = APIServer.Configuration(
            dataDirectory: URL(fileURLWithPath: scratch.url("data")), host: "127.0.0.1", port: 0, store: MemoryStore())
        configuration.rateLimits = .init(requestsPerSecond: 1, burst: 2, maxInFlight: 200)
        let nodes = 20
        var agent = SimulatedNodeAgent.Options()
        agent.renewInterval = .seconds(3)
        agent.leaseDuration = .seconds(12)
        var controllers = ControllerManager.Options()
        controllers.nodeMonitorGracePeriod = .seconds(15)
        controllers.nodeStartupGracePeriod = .seconds(60)
        let cluster = try await LocalCluster.start(configuration, nodes: nodes, agent: agent, controllers: controllers)
        let running = Task { try await cluster.run() }
        defer { running.cancel() }
        let client = cluster.client

        // Every node's Lease exists; then watch two grace periods of renewals go by.
        var first: [String: Date]?
        while first == nil {
            first = await Self.renewTimes(client, count: nodes)
            if first == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let start = first ?? [:]
        let window = 2 * 15.0
        var notReady: [String] = []
        while notReady.isEmpty {  // a node marked NotReady ends the wait early: the test has failed
            let latest = await Self.renewTimes(client, count: nodes) ?? [:]
            let advanced = start.allSatisfy { name, at in (latest[name]?.timeIntervalSince(at) ?? 0) >= window }
            if advanced { break }
            let events = (try? await client.list(apiVersion: "v1", kind: "Event", namespace: "default").items) ?? []
            notReady = events.filter { $0["reason"] == "NodeNotReady" }
                .compactMap { $0["involvedObject"]?["name"]?.stringValue }
            try await Task.sleep(for: .milliseconds(200))
        }
        let events = try await client.list(apiVersion: "v1", kind: "Event", namespace: "default").items
        notReady += events.filter { $0["reason"] == "NodeNotReady" }
            .compactMap { $0["involvedObject"]?["name"]?.stringValue }
        #expect(notReady.isEmpty, "nodes marked NotReady: \(Set(notReady).sorted())")
        let list = try await client.list(apiVersion: "v1", kind: "Node").items
        let ready = list.filter { node in
            node["status"]?["conditions"]?.arrayValue?.contains { $0["type"] == "Ready" && $0["status"] == "True" } == true
        }
        #expect(ready.count == nodes)
    }
}
