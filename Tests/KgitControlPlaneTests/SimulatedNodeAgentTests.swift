import Foundation
import KgitAPIMachinery
import KgitAgent
import KgitClient
import KgitControlPlane
import Testing

@Suite("SimulatedNodeAgent: simulated kubelets through the API", .timeLimit(.minutes(5)))
struct SimulatedNodeAgentTests {
    static func agent(_ cluster: InProcessCluster, prefix: String = "sim", count: Int = 2,
                      renew: Duration = .seconds(10)) -> SimulatedNodeAgent {
        var options = SimulatedNodeAgent.Options()
        options.startupDelay = .milliseconds(200)
        options.jobRunTime = .milliseconds(300)
        options.renewInterval = renew
        return SimulatedNodeAgent(
            client: cluster.client,
            nodes: SimulatedNodeAgent.fleet(prefix: prefix, count: count, capacity: ["cpu": "4", "memory": "16Gi", "pods": "110"],
                                            labels: ["pool": "a"]),
            options: options, informerOptions: Informer.Options(initialBackoff: .milliseconds(10)))
    }

    static func pod(_ name: String, node: String, restartPolicy: String = "Always", command: [String] = ["nginx"],
                    tolerations: JSONValue? = nil, labels: [String: String] = [:]) -> JSONValue {
        var spec: JSONValue = [
            "nodeName": .string(node), "restartPolicy": .string(restartPolicy),
            "containers": [["name": "main", "image": "busybox", "command": .array(command.map { .string($0) })]],
        ]
        if let tolerations { spec["tolerations"] = tolerations }
        return [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": .string(name), "namespace": "default", "labels": .object(labels.mapValues { .string($0) })],
            "spec": spec,
        ]
    }

    /// Polls `probe` until it returns a value other than JSON null (`nil` in a JSONValue context is `.null`).
    func until(_ cluster: InProcessCluster, _ what: String, _ probe: @escaping () async throws -> JSONValue?) async throws
        -> JSONValue
    {
        try await cluster.eventually(what) { () async throws -> JSONValue? in
            guard let value = try await probe(), value != .null else { return nil }
            return value
        }
    }

    func get(_ cluster: InProcessCluster, _ kind: String, _ name: String, namespace: String? = nil,
             apiVersion: String = "v1") async throws -> JSONValue? {
        try await cluster.client.getIfPresent(ObjectReference(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name))
    }

    @Test("nodes register Ready with capacity, pod CIDR, addresses and node info, and renew Leases in kube-node-lease")
    func registration() async throws {
        let cluster = try await InProcessCluster(controllers: false)
        let agent = Self.agent(cluster, renew: .milliseconds(300))
        let running = Task { await agent.run() }
        defer { running.cancel() }
        let node = try await until(cluster, "node registered") {
            try await get(cluster, "Node", "sim-2").flatMap { $0["status"]?["nodeInfo"] != nil ? $0 : nil }
        }
        #expect(node["spec"]?["podCIDR"] == "10.128.1.0/24")
        #expect(node["metadata"]?["labels"]?["pool"] == "a")
        #expect(node["status"]?["allocatable"]?["memory"] == "16Gi")
        #expect(node["status"]?["nodeInfo"]?["kubeletVersion"] == .string(SimulatedNode.kubeletVersion))
        #expect(node["status"]?["addresses"]?.arrayValue?.contains { $0["type"] == "InternalIP" } == true)
        let ready = node["status"]?["conditions"]?.arrayValue?.first { $0["type"] == "Ready" }
        #expect(ready?["status"] == "True")
        let first = try await until(cluster, "lease") {
            try await get(cluster, "Lease", "sim-1", namespace: "kube-node-lease", apiVersion: "coordination.k8s.io/v1")?["spec"]?["renewTime"]
        }
        let renewed = try await until(cluster, "lease renewed") {
            let now = try await get(cluster, "Lease", "sim-1", namespace: "kube-node-lease", apiVersion: "coordination.k8s.io/v1")?["spec"]?["renewTime"]
            return now != first ? now : nil
        }
        #expect(renewed != first)
    }

    @Test("a pod bound to a simulated node goes Running with an IP from the node's CIDR; a Job's pod Succeeds; other nodes' pods are left alone")
    func podPhases() async throws {
        let cluster = try await InProcessCluster(controllers: false)
        let agent = Self.agent(cluster)
        let running = Task { await agent.run() }
        defer { running.cancel() }
        _ = try await until(cluster, "node") { try await get(cluster, "Node", "sim-1")?["status"]?["nodeInfo"] }
        _ = try await cluster.client.create(Self.pod("web", node: "sim-1"))
        _ = try await cluster.client.create(Self.pod("task", node: "sim-2", restartPolicy: "Never", command: ["sh", "-c", "sleep 0.5"]))
        _ = try await cluster.client.create(Self.pod("elsewhere", node: "other-1"))
        let web = try await until(cluster, "web running") {
            try await get(cluster, "Pod", "web", namespace: "default").flatMap { $0["status"]?["phase"] == "Running" ? $0 : nil }
        }
        #expect(web["status"]?["podIP"]?.stringValue?.hasPrefix("10.128.0.") == true)
        #expect(web["status"]?["hostIP"] != nil)
        #expect(web["status"]?["containerStatuses"]?.arrayValue?.first?["ready"] == true)
        let task = try await until(cluster, "task succeeded") {
            try await get(cluster, "Pod", "task", namespace: "default").flatMap { $0["status"]?["phase"] == "Succeeded" ? $0 : nil }
        }
        #expect(task["status"]?["containerStatuses"]?.arrayValue?.first?["state"]?["terminated"]?["reason"] == "Completed")
        let elsewhere = try await get(cluster, "Pod", "elsewhere", namespace: "default")
        #expect(elsewhere?["status"]?["phase"] == nil || elsewhere?["status"]?["phase"] == "Pending")
        #expect(elsewhere?["status"]?["hostIP"] == nil)
    }

    @Test("a running pod whose Ready condition someone else set to False (a NotReady node's pods) is posted Ready again")
    func readinessRestored() async throws {
        let cluster = try await InProcessCluster(controllers: false)
        let agent = Self.agent(cluster, count: 1)
        let running = Task { await agent.run() }
        defer { running.cancel() }
        _ = try await until(cluster, "node") { try await get(cluster, "Node", "sim-1")?["status"]?["nodeInfo"] }
        _ = try await cluster.client.create(Self.pod("web", node: "sim-1"))
        func ready() async throws -> JSONValue? {
            let pod = try await get(cluster, "Pod", "web", namespace: "default")
            return pod?["status"]?["conditions"]?.arrayValue?.first { $0["type"] == "Ready" }?["status"]
        }
        _ = try await until(cluster, "web ready") { try await ready() == "True" ? true : nil }
        // What the node lifecycle controller does to the pods of a node whose Lease went stale for a while.
        let web = try #require(try await get(cluster, "Pod", "web", namespace: "default"))
        var conditions = web["status"]?["conditions"]?.arrayValue ?? []
        for i in conditions.indices where conditions[i]["type"] == "Ready" { conditions[i]["status"] = "False" }
        _ = try await cluster.client.patch(
            ObjectReference(apiVersion: "v1", kind: "Pod", namespace: "default", name: "web"),
            .merge(["status": ["conditions": .array(conditions)]]), subresource: "status")
        _ = try await until(cluster, "web ready again") { try await ready() == "True" ? true : nil }
        #expect(try await get(cluster, "Pod", "web", namespace: "default")?["status"]?["phase"] == "Running")
    }

    @Test("a node whose agent stops becomes Ready=Unknown with the unreachable taint, and pods not tolerating it long are evicted")
    func heartbeatLoss() async throws {
        var options = ControllerManager.Options()
        // 130 renewals: only a stopped agent misses them all. 20 s may not be enough when the whole suite
        // shares the 2-thread pool: a machine stalled for a while has delayed even 1 ms timers by a minute.
        options.nodeMonitorGracePeriod = .seconds(40)
        let cluster = try await InProcessCluster(options: options)
        defer { cluster.stop() }
        let agent = Self.agent(cluster, prefix: "lost", count: 1, renew: .milliseconds(300))
        let running = Task { await agent.run() }
        let unreachable: JSONValue = [
            ["key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 1],
        ]
        let forever: JSONValue = [["key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"]]
        _ = try await until(cluster, "node") { try await get(cluster, "Node", "lost-1")?["status"]?["nodeInfo"] }
        _ = try await cluster.client.create(Self.pod("short", node: "lost-1", tolerations: unreachable))
        _ = try await cluster.client.create(Self.pod("patient", node: "lost-1", tolerations: forever))
        _ = try await until(cluster, "running") {
            try await get(cluster, "Pod", "short", namespace: "default").flatMap { $0["status"]?["phase"] == "Running" ? $0 : nil }
        }
        // The node stays Ready while the agent runs, past the grace period.
        try await Task.sleep(for: .seconds(41))
        let alive = try await get(cluster, "Node", "lost-1")
        #expect(alive?["status"]?["conditions"]?.arrayValue?.first { $0["type"] == "Ready" }?["status"] == "True")

        running.cancel()
        _ = try await until(cluster, "node unknown") {
            try await get(cluster, "Node", "lost-1").flatMap { node in
                node["status"]?["conditions"]?.arrayValue?.first { $0["type"] == "Ready" }?["status"] == "Unknown" ? node : nil
            }
        }
        let tainted = try await until(cluster, "tainted") {
            try await get(cluster, "Node", "lost-1").flatMap { n in
                (n["spec"]?["taints"]?.arrayValue ?? []).contains {
                    $0["key"] == "node.kubernetes.io/unreachable" && $0["effect"] == "NoExecute"
                } ? n : nil
            }
        }
        #expect(tainted["spec"]?["taints"]?.arrayValue?.contains { $0["effect"] == "NoSchedule" } == true)
        // Evicted as upstream evicts: a graceful delete, so with no kubelet left to confirm it the pod stays
        // Terminating (deletionTimestamp set) rather than vanishing.
        _ = try await until(cluster, "short evicted") {
            let pod = try await get(cluster, "Pod", "short", namespace: "default")
            return pod == nil || pod?["metadata"]?["deletionTimestamp"] != nil ? JSONValue.bool(true) : nil
        }
        let patient = try await get(cluster, "Pod", "patient", namespace: "default")
        #expect(patient != nil && patient?["metadata"]?["deletionTimestamp"] == nil)
    }

    @Test("a PodDisruptionBudget's status counts expected, healthy and desired pods and the disruptions allowed")
    func disruptionBudgetStatus() async throws {
        let cluster = try await InProcessCluster()
        defer { cluster.stop() }
        let agent = Self.agent(cluster, prefix: "pdb", count: 1)
        let running = Task { await agent.run() }
        defer { running.cancel() }
        var deployment = InProcessCluster.deployment("web", replicas: 3)
        deployment.setValue("pdb-1", at: ["spec", "template", "spec", "nodeName"])
        _ = try await cluster.client.create(deployment)
        _ = try await cluster.client.create([
            "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": ["name": "web", "namespace": "default"],
            "spec": ["maxUnavailable": "34%", "selector": ["matchLabels": ["app": "web"]]],
        ])
        let status = try await until(cluster, "pdb status") {
            try await get(cluster, "PodDisruptionBudget", "web", namespace: "default", apiVersion: "policy/v1")
                .flatMap { $0["status"]?["currentHealthy"] == .int(3) ? $0["status"] : nil }
        }
        #expect(status["expectedPods"] == .int(3))
        #expect(status["desiredHealthy"] == .int(1))  // 34% of 3 rounds up to 2 unavailable
        #expect(status["disruptionsAllowed"] == .int(2))
        #expect(status["observedGeneration"] == .int(1))
        #expect(status["conditions"]?.arrayValue?.first?["reason"] == "SufficientPods")
    }
}
