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

    @Test("the controllers, the scheduler and the nodes share one pod informer, and a Deployment's pods still run")
    func onePodInformer() async throws {
        let scratch = try Scratch("kgit-localcluster")
        let configuration = APIServer.Configuration(
            dataDirectory: URL(fileURLWithPath: scratch.url("data")), host: "127.0.0.1", port: 0, store: MemoryStore())
        var agent = SimulatedNodeAgent.Options()
        agent.startupDelay = .milliseconds(100)
        // Node health is not this test's point: a long grace period keeps a starved machine from marking the
        // nodes NotReady (tainted, so the pods would not be scheduled) while it runs.
        var controllers = ControllerManager.Options()
        controllers.nodeMonitorGracePeriod = .seconds(300)
        controllers.nodeStartupGracePeriod = .seconds(300)
        let cluster = try await LocalCluster.start(configuration, nodes: 2, agent: agent, controllers: controllers)
        let running = Task { try await cluster.run() }
        defer { running.cancel() }
        let podInformers = cluster.controllerManager.informers.informers.filter { $0.kind == "Pod" }
        #expect(podInformers.count == 1)
        #expect(podInformers.first === cluster.nodes.pods)

        _ = try await cluster.client.create(InProcessCluster.deployment("shared", replicas: 3))
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(120)
        var runningPods = 0
        while runningPods < 3 && clock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            let pods = try await cluster.client.list(apiVersion: "v1", kind: "Pod", namespace: "default",
                                                     options: ListOptions(labelSelector: "app=shared")).items
            runningPods = pods.filter { $0["status"]?["phase"] == "Running" && $0["spec"]?["nodeName"] != nil }.count
        }
        #expect(runningPods == 3, "scheduled by the scheduler and run by the nodes through the shared informer")
    }

    /// The fleet of `kgit up --nodes 5000` scaled down: 20 nodes renewing their Leases every 3 s under a
    /// per-client limit of 1 request/s (burst 2), far below the fleet's renewal rate (6.7/s), as the standard
    /// limit (500/s) is for 5,000 nodes beside everything else. The simulated kubelets share the control
    /// plane's in-process identity; were it limited like an outside client, it could make at most
    /// `burst + seconds` requests in any span of time, renewals included. The test counts renewals and time
    /// and checks that bound is broken, so a starved machine (slow renewals) cannot make it fail while a
    /// throttled control plane always does.
    @Test("thousands of simulated nodes as one in-process client are not throttled: renewals outrun the per-client limit")
    func leasesAreNotThrottled() async throws {
        let scratch = try Scratch("kgit-localcluster")
        var configuration = APIServer.Configuration(
            dataDirectory: URL(fileURLWithPath: scratch.url("data")), host: "127.0.0.1", port: 0, store: MemoryStore())
        let limits = ClientRateLimiter.Limits(requestsPerSecond: 1, burst: 2, maxInFlight: 200)
        configuration.rateLimits = limits
        let nodes = 20
        var agent = SimulatedNodeAgent.Options()
        agent.renewInterval = .seconds(3)
        agent.leaseDuration = .seconds(12)
        var controllers = ControllerManager.Options()
        controllers.nodeMonitorGracePeriod = .seconds(60)
        controllers.nodeStartupGracePeriod = .seconds(120)
        let cluster = try await LocalCluster.start(configuration, nodes: nodes, agent: agent, controllers: controllers)
        let running = Task { try await cluster.run() }
        defer { running.cancel() }
        let client = cluster.client

        // Every node's Lease exists; then count renewals until each Lease has been renewed three times.
        var first: [String: Date]?
        while first == nil {
            first = await Self.renewTimes(client, count: nodes)
            if first == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let clock = ContinuousClock()
        let began = clock.now
        var seen: [String: Set<Date>] = (first ?? [:]).mapValues { [$0] }
        while seen.values.contains(where: { $0.count < 4 }), began.duration(to: clock.now) < .seconds(90) {
            try await Task.sleep(for: .milliseconds(100))
            for (name, renewed) in await Self.renewTimes(client, count: nodes) ?? [:] {
                seen[name, default: []].insert(renewed)
            }
        }
        let elapsed = began.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let renewals = seen.values.reduce(0) { $0 + $1.count - 1 }
        let bound = Double(limits.burst) + seconds * limits.requestsPerSecond
        #expect(Double(renewals) > bound, "\(renewals) renewals in \(seconds) s: no more than a throttled client could make")
    }
}
