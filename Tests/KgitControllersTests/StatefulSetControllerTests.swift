import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitControllers

@Suite("StatefulSet controller")
struct StatefulSetControllerTests {
    static func statefulSet(replicas: Int = 3, image: String = "db:1", parallel: Bool = false, partition: Int = 0) -> JSONValue {
        [
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": ["name": "db", "namespace": "shop", "uid": "sts-db", "generation": 1],
            "spec": [
                "replicas": .int(Int64(replicas)), "serviceName": "db-headless",
                "podManagementPolicy": parallel ? "Parallel" : "OrderedReady",
                "updateStrategy": ["type": "RollingUpdate", "rollingUpdate": ["partition": .int(Int64(partition))]],
                "selector": ["matchLabels": ["app": "db"]],
                "template": Fixture.template(["app": "db"], image: image),
            ],
        ]
    }

    /// Runs the controller and a kubelet that readies pods, returning the pod names present after each tick.
    func run(_ sim: InMemoryCluster, ticks: Int) async throws -> [[String]] {
        var history: [[String]] = []
        let driver = ControllerDriver(writer: sim, component: StatefulSetController.component)
        for _ in 0..<ticks {
            let now = await sim.now
            let key = ObjectKey(apiVersion: "apps/v1", kind: "StatefulSet", namespace: "shop", name: "db")
            let set = try #require(await sim.get(key))
            let actions = try StatefulSetController.reconcile(set, pods: await sim.list("Pod", namespace: "shop"), now: now)
            let outcome = await driver.perform(actions, now: now)
            #expect(outcome.failures.isEmpty)
            for pod in await sim.list("Pod", namespace: "shop") where pod.value(at: ["status", "phase"]) == nil {
                _ = try await sim.patch(try ObjectMeta(pod).key, mergePatch: ["status": [
                    "phase": "Running", "conditions": [["type": "Ready", "status": "True", "lastTransitionTime": .string(RFC3339.format(now))]],
                ]], status: true)
            }
            history.append(await sim.list("Pod", namespace: "shop").map(\.name))
            await sim.advance(by: 1)
        }
        return history
    }

    @Test("OrderedReady creates stable names one at a time, each after the previous is ready, with hostname and subdomain")
    func orderedCreation() async throws {
        let cluster = InMemoryCluster()
        await cluster.seed(Self.statefulSet(replicas: 3))
        let history = try await run(cluster, ticks: 4)
        #expect(history == [["db-0"], ["db-0", "db-1"], ["db-0", "db-1", "db-2"], ["db-0", "db-1", "db-2"]])
        let pod = try #require(await cluster.list("Pod", namespace: "shop").first)
        #expect(pod.value(at: ["spec", "hostname"]) == "db-0")
        #expect(pod.value(at: ["spec", "subdomain"]) == "db-headless")
        #expect(pod.value(at: ["metadata", "labels", StatefulSetController.podNameLabel]) == "db-0")
        #expect(pod.value(at: ["metadata", "labels", StatefulSetController.podIndexLabel]) == "0")
    }

    @Test("OrderedReady waits on a pod that is not ready")
    func waitsForReadiness() throws {
        let pods = [Fixture.pod("db-0", labels: ["app": "db"], owner: ("StatefulSet", "db", "sts-db"), phase: "Pending", ready: false)]
        let actions = try StatefulSetController.reconcile(Self.statefulSet(), pods: pods, now: Fixture.t0)
        #expect(actions.creates.isEmpty)
    }

    @Test("Parallel creates every missing pod at once")
    func parallelCreation() throws {
        let actions = try StatefulSetController.reconcile(Self.statefulSet(replicas: 3, parallel: true), pods: [], now: Fixture.t0)
        #expect(actions.creates.map(\.name) == ["db-0", "db-1", "db-2"])
    }

    static func withClaimTemplate(_ set: JSONValue) -> JSONValue {
        var set = set
        set.setValue([["metadata": ["name": "data"],
                       "spec": ["accessModes": ["ReadWriteOnce"], "resources": ["requests": ["storage": "1Gi"]]]]],
                     at: ["spec", "volumeClaimTemplates"])
        return set
    }

    @Test("each pod mounts its own claim <template>-<set>-<ordinal>, created before the pod when missing")
    func volumeClaimTemplates() throws {
        let set = Self.withClaimTemplate(Self.statefulSet(replicas: 2, parallel: true))
        let actions = try StatefulSetController.reconcile(set, pods: [], now: Fixture.t0)
        let created = actions.compactMap { action -> JSONValue? in if case .create(let o, _) = action { o } else { nil } }
        #expect(created.map { "\($0["kind"]?.stringValue ?? "")/\($0.name)" }
                == ["PersistentVolumeClaim/data-db-0", "Pod/db-0", "PersistentVolumeClaim/data-db-1", "Pod/db-1"])
        #expect(created[0].value(at: ["spec", "resources", "requests", "storage"]) == "1Gi")
        #expect(created[0].value(at: ["metadata", "labels", "app"]) == "db")
        #expect(created[1].value(at: ["spec", "volumes"]) == [["name": "data", "persistentVolumeClaim": ["claimName": "data-db-0"]]])

        let existing: JSONValue = ["apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                   "metadata": ["name": "data-db-0", "namespace": "shop"]]
        let again = try StatefulSetController.reconcile(set, pods: [], claims: [existing], now: Fixture.t0)
        let kinds = again.compactMap { action -> String? in if case .create(let o, _) = action { "\(o["kind"]?.stringValue ?? "")/\(o.name)" } else { nil } }
        #expect(kinds == ["Pod/db-0", "PersistentVolumeClaim/data-db-1", "Pod/db-1"])
    }

    @Test("a volume claim template without a name is refused, naming the field")
    func unnamedClaimTemplate() {
        var set = Self.statefulSet()
        set.setValue([["spec": [:]]], at: ["spec", "volumeClaimTemplates"])
        #expect(throws: ObjectDecodingError.self) { _ = try StatefulSetController.reconcile(set, pods: [], now: Fixture.t0) }
    }

    @Test("scaling down removes the highest ordinal first, one at a time")
    func orderedScaleDown() async throws {
        let cluster = InMemoryCluster()
        await cluster.seed(Self.statefulSet(replicas: 3))
        _ = try await run(cluster, ticks: 3)
        let key = ObjectKey(apiVersion: "apps/v1", kind: "StatefulSet", namespace: "shop", name: "db")
        _ = try await cluster.patch(key, mergePatch: ["spec": ["replicas": 1]], status: false)
        let history = try await run(cluster, ticks: 2)
        #expect(history == [["db-0", "db-1"], ["db-0"]])
    }

    @Test("a rolling update replaces pods from the highest ordinal down to the partition, and reports the revisions")
    func rollingUpdateWithPartition() async throws {
        let cluster = InMemoryCluster()
        await cluster.seed(Self.statefulSet(replicas: 3))
        _ = try await run(cluster, ticks: 4)
        let key = ObjectKey(apiVersion: "apps/v1", kind: "StatefulSet", namespace: "shop", name: "db")
        let before = try #require(await cluster.get(key)?.value(at: ["status", "currentRevision"]))
        _ = try await cluster.patch(key, mergePatch: ["spec": [
            "template": ["spec": ["containers": [["name": "web", "image": "db:2"]]]],
            "updateStrategy": ["rollingUpdate": ["partition": 1]],
        ]], status: false)
        _ = try await run(cluster, ticks: 8)
        let images = await cluster.list("Pod", namespace: "shop").map {
            "\($0.name)=\($0.value(at: ["spec", "containers"])?.arrayValue?.first?["image"]?.stringValue ?? "")"
        }
        #expect(images == ["db-0=db:1", "db-1=db:2", "db-2=db:2"])
        let status = try #require(await cluster.get(key)?["status"])
        #expect(status["updatedReplicas"] == 2)
        #expect(status["currentRevision"] == before, "not every pod is updated: the current revision stays")
        #expect(status["updateRevision"] != before)
    }
}
