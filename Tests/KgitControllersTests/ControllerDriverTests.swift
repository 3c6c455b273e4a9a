import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitControllers

@Suite("Controller driver and the in-memory cluster")
struct ControllerDriverTests {
    let pod: JSONValue = ["apiVersion": "v1", "kind": "Pod", "metadata": ["generateName": "web-", "namespace": "shop"]]

    @Test("a create names the object from generateName and records its event with the chosen name")
    func createWithEvent() async throws {
        let cluster = InMemoryCluster()
        let owner = ObjectKey(apiVersion: "apps/v1", kind: "ReplicaSet", namespace: "shop", name: "web", uid: "u1")
        let outcome = await ControllerDriver(writer: cluster, component: "test").perform([
            .create(pod, event: ControllerEvent(involved: owner, type: .normal, reason: "SuccessfulCreate",
                                                message: "Created pod: \(ControllerEvent.createdName)")),
        ], now: Fixture.t0)
        #expect(outcome.failures.isEmpty)
        let created = try #require(await cluster.list("Pod").first)
        #expect(created.name.hasPrefix("web-"))
        let event = try #require(await cluster.list("Event").first)
        #expect(event["message"] == .string("Created pod: \(created.name)"))
        #expect(event["involvedObject"] == ["apiVersion": "apps/v1", "kind": "ReplicaSet", "namespace": "shop", "name": "web", "uid": "u1"])
        #expect(event.value(at: ["source", "component"]) == "test")
    }

    @Test("deleting what is already gone succeeds; a stale UID or resourceVersion is a conflict that asks for a retry")
    func preconditions() async throws {
        let cluster = InMemoryCluster()
        let stored = await cluster.seed(["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "a", "namespace": "shop"]])
        let meta = try ObjectMeta(stored)
        var stale = meta.key
        stale.uid = "someone-else"
        let driver = ControllerDriver(writer: cluster, component: "test")
        let outcome = await driver.perform([
            .delete(ObjectKey(apiVersion: "v1", kind: "Pod", namespace: "shop", name: "gone"), propagation: .background),
            .delete(stale, propagation: .background),
            .patch(meta.key, ["metadata": ["labels": ["x": "y"], "resourceVersion": "0"]], status: false),
            .requeue(after: .seconds(5)),
        ], now: Fixture.t0)
        #expect(outcome.failures.count == 2)
        #expect(outcome.failures.allSatisfy { $0.error.contains("Conflict") })
        #expect(outcome.needsRetry)
        #expect(outcome.requeueAfter == .seconds(5))
        #expect(await cluster.get(meta.key) == stored, "nothing was written")
    }

    @Test("a spec change bumps the generation; a status patch touches only the status")
    func generationAndStatus() async throws {
        let cluster = InMemoryCluster()
        let stored = await cluster.seed(Fixture.replicaSet("web"))
        let key = try ObjectMeta(stored).key
        let spec = try await cluster.patch(key, mergePatch: ["spec": ["replicas": 5], "status": ["replicas": 9]], status: false)
        #expect(spec.value(at: ["metadata", "generation"]) == 2)
        #expect(spec.value(at: ["status", "replicas"]) == nil, "status is ignored on the main resource")
        let status = try await cluster.patch(key, mergePatch: ["spec": ["replicas": 1], "status": ["replicas": 5]], status: true)
        #expect(status.value(at: ["spec", "replicas"]) == 5)
        #expect(status.value(at: ["status", "replicas"]) == 5)
        #expect(status.value(at: ["metadata", "generation"]) == 2)
    }

    @Test("an object with finalizers is only marked for deletion, and goes when the last finalizer is removed")
    func finalizers() async throws {
        let cluster = InMemoryCluster()
        let stored = await cluster.seed(["apiVersion": "v1", "kind": "ConfigMap",
                                          "metadata": ["name": "c", "namespace": "shop", "finalizers": ["example.com/hold"]]])
        let key = try ObjectMeta(stored).key
        try await cluster.delete(key, propagation: .background)
        #expect(await cluster.get(key)?.value(at: ["metadata", "deletionTimestamp"]) != nil)
        _ = try await cluster.patch(key, mergePatch: ["metadata": ["finalizers": nil]], status: false)
        #expect(await cluster.get(key) == nil)
    }
}
