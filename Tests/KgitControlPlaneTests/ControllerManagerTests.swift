import KgitAPIMachinery
import KgitClient
import KgitControlPlane
import Testing

@Suite("ControllerManager: reconcilers against an in-process API server", .timeLimit(.minutes(3)))
struct ControllerManagerTests {
    typealias C = InProcessCluster

    @Test("a Deployment creates a ReplicaSet and its pods; scaling changes the pod count")
    func deploymentRollsOutAndScales() async throws {
        let cluster = try await C()
        defer { cluster.stop() }
        _ = try await cluster.client.create(C.deployment("web", replicas: 3))
        let replicaSets = try await cluster.eventually("a ReplicaSet") {
            let items = try await cluster.client.list(apiVersion: "apps/v1", kind: "ReplicaSet", namespace: "default").items
            return items.isEmpty ? nil : items
        }
        #expect(replicaSets.count == 1)
        let rsName = replicaSets.first?["metadata"]?["name"]?.stringValue ?? ""
        #expect(rsName.hasPrefix("web-"))
        let pods = try await cluster.eventually("three pods") {
            let pods = try await cluster.pods(selector: "app=web")
            return pods.count == 3 ? pods : nil
        }
        for pod in pods {
            let owner = pod["metadata"]?["ownerReferences"]?.arrayValue?.first
            #expect(owner?["kind"] == "ReplicaSet")
            #expect(owner?["name"]?.stringValue == rsName)
        }
        let deployment = ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web")
        _ = try await cluster.client.patch(deployment, .merge(["spec": ["replicas": 5]]))
        _ = try await cluster.eventually("five pods") { try await cluster.pods(selector: "app=web").count == 5 ? true : nil }
        _ = try await cluster.client.patch(deployment, .merge(["spec": ["replicas": 1]]))
        _ = try await cluster.eventually("one pod") { try await cluster.pods(selector: "app=web").count == 1 ? true : nil }
        _ = try await cluster.eventually("the Deployment's status counts one replica") {
            try await cluster.client.get(deployment)["status"]?["replicas"]?.intValue == 1 ? true : nil
        }
    }

    @Test("readyReplicas of the ReplicaSet and the Deployment follow their pods' Ready condition, down and up again")
    func readyReplicasFollowPods() async throws {
        let cluster = try await C()
        defer { cluster.stop() }
        _ = try await cluster.client.create(C.deployment("ready", replicas: 3))
        let pods = try await cluster.eventually("three pods") {
            let pods = try await cluster.pods(selector: "app=ready")
            return pods.count == 3 ? pods : nil
        }
        for (i, pod) in pods.enumerated() { try await cluster.makeReady(pod, ip: "10.0.0.\(i + 1)") }
        let deployment = ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "ready")
        func ready() async throws -> (set: Int, deployment: Int) {
            let set = try await cluster.client.list(apiVersion: "apps/v1", kind: "ReplicaSet", namespace: "default",
                                                    options: ListOptions(labelSelector: "app=ready")).items.first
            return (set?["status"]?["readyReplicas"]?.intValue.map(Int.init) ?? 0,
                    try await cluster.client.get(deployment)["status"]?["readyReplicas"]?.intValue.map(Int.init) ?? 0)
        }
        _ = try await cluster.eventually("3 ready") { try await ready() == (3, 3) ? true : nil }

        // One pod stops being Ready (its readiness probe fails), then recovers.
        let name = pods[0]["metadata"]?["name"]?.stringValue ?? ""
        let reference = ObjectReference(apiVersion: "v1", kind: "Pod", namespace: "default", name: name)
        func setReady(_ status: String) async throws {
            _ = try await cluster.client.patch(reference, .merge(["status": [
                "conditions": [["type": "Ready", "status": .string(status)]],
            ]]), subresource: "status")
        }
        try await setReady("False")
        _ = try await cluster.eventually("2 ready") { try await ready() == (2, 2) ? true : nil }
        try await setReady("True")
        _ = try await cluster.eventually("3 ready again") { try await ready() == (3, 3) ? true : nil }
    }

    @Test("deleting a pod of a ReplicaSet brings a new one")
    func deletedPodIsReplaced() async throws {
        let cluster = try await C()
        defer { cluster.stop() }
        _ = try await cluster.client.create(C.deployment("api", replicas: 2))
        let pods = try await cluster.eventually("two pods") {
            let pods = try await cluster.pods(selector: "app=api")
            return pods.count == 2 ? pods : nil
        }
        let victim = pods[0]["metadata"]?["name"]?.stringValue ?? ""
        try await cluster.client.delete(ObjectReference(apiVersion: "v1", kind: "Pod", namespace: "default", name: victim))
        let replaced = try await cluster.eventually("a replacement") {
            let now = try await cluster.pods(selector: "app=api")
            let names = now.compactMap { $0["metadata"]?["name"]?.stringValue }
            return now.count == 2 && !names.contains(victim) ? names : nil
        }
        #expect(replaced.count == 2)
    }

    @Test("deleting a Deployment removes its ReplicaSets and pods (garbage collector)")
    func deletionCascades() async throws {
        let cluster = try await C()
        defer { cluster.stop() }
        _ = try await cluster.client.create(C.deployment("gone", replicas: 2))
        _ = try await cluster.eventually("two pods") { try await cluster.pods(selector: "app=gone").count == 2 ? true : nil }
        try await cluster.client.delete(
            ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "gone"),
            propagationPolicy: .background)
        _ = try await cluster.eventually("no ReplicaSets and no pods") {
            let sets = try await cluster.client.list(apiVersion: "apps/v1", kind: "ReplicaSet", namespace: "default").items
            let pods = try await cluster.pods(selector: "app=gone")
            return sets.isEmpty && pods.isEmpty ? true : nil
        }
    }

    @Test("a Service gets Endpoints from its ready pods only")
    func serviceEndpoints() async throws {
        let cluster = try await C()
        defer { cluster.stop() }
        _ = try await cluster.client.create([
            "apiVersion": "v1", "kind": "Service", "metadata": ["name": "shop"],
            "spec": ["selector": ["app": "shop"], "ports": [["name": "http", "port": 80, "targetPort": "http"]]],
        ])
        _ = try await cluster.client.create(C.deployment("shop", replicas: 2))
        let pods = try await cluster.eventually("two pods") {
            let pods = try await cluster.pods(selector: "app=shop")
            return pods.count == 2 ? pods : nil
        }
        try await cluster.makeReady(pods[0], ip: "10.244.0.7")
        let reference = ObjectReference(apiVersion: "v1", kind: "Endpoints", namespace: "default", name: "shop")
        let endpoints = try await cluster.eventually("Endpoints with the ready pod") {
            let endpoints = try await cluster.client.getIfPresent(reference)
            let addresses = endpoints?["subsets"]?.arrayValue?.first?["addresses"]?.arrayValue ?? []
            return addresses.isEmpty ? nil : endpoints
        }
        let subset = endpoints["subsets"]?.arrayValue?.first
        #expect(subset?["addresses"]?.arrayValue?.compactMap { $0["ip"]?.stringValue } == ["10.244.0.7"])
        #expect(subset?["ports"]?.arrayValue?.first?["port"] == 80)
        try await cluster.makeReady(pods[1], ip: "10.244.0.8")
        _ = try await cluster.eventually("both pods listed") {
            let endpoints = try await cluster.client.getIfPresent(reference)
            let addresses = endpoints?["subsets"]?.arrayValue?.first?["addresses"]?.arrayValue ?? []
            return addresses.count == 2 ? true : nil
        }
    }
}
