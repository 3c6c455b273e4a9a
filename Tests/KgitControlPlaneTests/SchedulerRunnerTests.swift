import Foundation
import KgitAPIMachinery
import KgitClient
import KgitControlPlane
import Testing

/// The scheduler runtime against a real in-process API server: informers in, bindings, status and events out.
@Suite("SchedulerRunner: the scheduler against the API", .timeLimit(.minutes(4)))
struct SchedulerRunnerTests {
    static func pod(_ name: String, cpu: String, priorityClass: String? = nil, scheduler: String? = nil) -> JSONValue {
        var spec: JSONValue = [
            "containers": [["name": "app", "image": "nginx", "resources": ["requests": ["cpu": .string(cpu)]]]],
        ]
        if let priorityClass { spec["priorityClassName"] = .string(priorityClass) }
        if let scheduler { spec["schedulerName"] = .string(scheduler) }
        return ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "namespace": "default"], "spec": spec]
    }

    func get(_ cluster: InProcessCluster, _ name: String) async throws -> JSONValue? {
        try await cluster.client.getIfPresent(ObjectReference(apiVersion: "v1", kind: "Pod", namespace: "default", name: name))
    }

    @Test("pending pods are bound through pods/binding; pods for another scheduler are left alone")
    func bindsPendingPods() async throws {
        let cluster = try await InProcessCluster(controllers: false)
        await SimulatedNodeAgent(
            client: cluster.client,
            nodes: SimulatedNodeAgent.fleet(prefix: "kgit-node", count: 2, capacity: ["cpu": "4", "memory": "16Gi", "pods": "110"])
        ).register()
        let runner = SchedulerRunner(client: cluster.client)
        let running = Task { await runner.run() }
        defer { running.cancel() }
        for i in 1...4 { _ = try await cluster.client.create(Self.pod("p\(i)", cpu: "1")) }
        _ = try await cluster.client.create(Self.pod("other", cpu: "1", scheduler: "someone-else"))
        let nodes = try await cluster.eventually("all bound") { () async throws -> [String]? in
            var names: [String] = []
            for i in 1...4 {
                guard let node = try await get(cluster, "p\(i)")?["spec"]?["nodeName"]?.stringValue else { return nil }
                names.append(node)
            }
            return names
        }
        #expect(Set(nodes) == ["kgit-node-1", "kgit-node-2"], "2 cpu on each of two 4-cpu nodes: \(nodes)")
        // Counted after each binding returns, so a moment after the test can see the pods bound.
        _ = try await cluster.eventually("four counted") { runner.scheduledCount >= 4 ? true : nil }
        #expect(runner.scheduledCount == 4)
        #expect(try await get(cluster, "other")?["spec"]?["nodeName"] == nil)
    }

    @Test("preemption sets nominatedNodeName, deletes the lower-priority victim, and then binds the pod")
    func preemptsLowerPriority() async throws {
        let cluster = try await InProcessCluster(controllers: false)
        // A running agent: it confirms the victim's graceful deletion, as a kubelet would.
        let agent = SimulatedNodeAgent(
            client: cluster.client,
            nodes: SimulatedNodeAgent.fleet(prefix: "kgit-node", count: 1, capacity: ["cpu": "2", "memory": "16Gi", "pods": "110"]))
        let agentRunning = Task { await agent.run() }
        defer { agentRunning.cancel() }
        _ = try await cluster.eventually("node registered") {
            try await cluster.client.getIfPresent(ObjectReference(apiVersion: "v1", kind: "Node", name: "kgit-node-1"))
        }
        let runner = SchedulerRunner(client: cluster.client)
        let running = Task { await runner.run() }
        defer { running.cancel() }
        for (name, value) in [("low", 0), ("high", 1000)] {
            _ = try await cluster.client.create([
                "apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": ["name": .string(name)],
                "value": .int(Int64(value)),
            ])
        }
        _ = try await cluster.client.create(Self.pod("low", cpu: "2", priorityClass: "low"))
        _ = try await cluster.eventually("low bound") { try await get(cluster, "low")?["spec"]?["nodeName"]?.stringValue }

        _ = try await cluster.client.create(Self.pod("high", cpu: "2", priorityClass: "high"))
        let bound = try await cluster.eventually("high bound") { try await get(cluster, "high")?["spec"]?["nodeName"]?.stringValue }
        #expect(bound == "kgit-node-1")
        #expect(try await get(cluster, "low") == nil, "the victim was deleted")
        // The scheduler writes nominatedNodeName and the Preempted event after deleting the victim, and a
        // loaded machine may bind the pod (its next attempt) before those writes land.
        let nominated = try await cluster.eventually("nominatedNodeName") {
            try await get(cluster, "high")?["status"]?["nominatedNodeName"]?.stringValue
        }
        #expect(nominated == "kgit-node-1")
        let preempted = try await cluster.eventually("a Preempted event") {
            try await cluster.client.list(apiVersion: "v1", kind: "Event", namespace: "default").items
                .first { $0["reason"] == "Preempted" }
        }
        #expect(preempted["involvedObject"]?["name"] == "low")
        #expect(preempted["message"]?.stringValue?.hasSuffix("on node kgit-node-1") == true)
    }
}
