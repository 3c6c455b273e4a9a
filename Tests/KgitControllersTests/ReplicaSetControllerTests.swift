import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitControllers

@Suite("ReplicaSet controller")
struct ReplicaSetControllerTests {
    let now = Fixture.t0.addingTimeInterval(600)
    let web = Fixture.ownedBy("web")

    func reconcile(_ rs: JSONValue, _ pods: [JSONValue], at time: Date? = nil) throws -> [ControllerAction] {
        try ReplicaSetController.reconcile(rs, pods: pods, now: time ?? now)
    }

    @Test("missing pods are created from the template, named after the ReplicaSet and controlled by it")
    func createsMissingPods() throws {
        let actions = try reconcile(Fixture.replicaSet("web", replicas: 3), [Fixture.pod("web-a", owner: web)])
        #expect(actions.creates.count == 2)
        for pod in actions.creates {
            #expect(pod.value(at: ["metadata", "generateName"]) == "web-")
            #expect(pod.value(at: ["metadata", "namespace"]) == "shop")
            #expect(pod.value(at: ["metadata", "labels"]) == ["app": "web"])
            #expect(pod.value(at: ["spec", "containers"]) == [["name": "web", "image": "web:1"]])
            let ref = try ObjectMeta(pod).controllerRef
            #expect(ref == OwnerReference(apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "rs-web",
                                          controller: true, blockOwnerDeletion: true))
        }
        #expect(actions.events.map(\.reason) == ["SuccessfulCreate", "SuccessfulCreate"])
    }

    /// Two pods, the ReplicaSet wants one: the named pod is the one deleted.
    @Test("scaling down deletes pods in upstream's preference order", arguments: [
        ("an unscheduled pod goes before a scheduled one",
         Fixture.pod("a", owner: Fixture.ownedBy("web"), node: "", phase: "Pending", ready: false),
         Fixture.pod("b", owner: Fixture.ownedBy("web")), "a"),
        ("a pending pod goes before a running one",
         Fixture.pod("a", owner: Fixture.ownedBy("web")),
         Fixture.pod("b", owner: Fixture.ownedBy("web"), phase: "Pending", ready: false), "b"),
        ("an unknown-phase pod goes before a running one",
         Fixture.pod("a", owner: Fixture.ownedBy("web"), phase: "Unknown", ready: false),
         Fixture.pod("b", owner: Fixture.ownedBy("web"), ready: false), "a"),
        ("a not-ready pod goes before a ready one",
         Fixture.pod("a", owner: Fixture.ownedBy("web")),
         Fixture.pod("b", owner: Fixture.ownedBy("web"), ready: false), "b"),
        ("a lower pod-deletion-cost goes first",
         Fixture.pod("a", owner: Fixture.ownedBy("web"), deletionCost: 10),
         Fixture.pod("b", owner: Fixture.ownedBy("web"), node: "node-2", createdAt: -100, deletionCost: -5), "b"),
        ("a pod ready for a shorter time goes first",
         Fixture.pod("a", owner: Fixture.ownedBy("web"), node: "node-1", readyAt: 100),
         Fixture.pod("b", owner: Fixture.ownedBy("web"), node: "node-2", readyAt: 300), "b"),
        ("a pod whose containers restarted more goes first",
         Fixture.pod("a", owner: Fixture.ownedBy("web"), node: "node-1", restarts: 4),
         Fixture.pod("b", owner: Fixture.ownedBy("web"), node: "node-2", restarts: 1), "a"),
        ("a newer pod goes before an older one",
         Fixture.pod("a", owner: Fixture.ownedBy("web"), node: "node-1", createdAt: 50),
         Fixture.pod("b", owner: Fixture.ownedBy("web"), node: "node-2", createdAt: 10), "a"),
    ])
    func deletionOrder(_ rule: String, _ first: JSONValue, _ second: JSONValue, _ victim: String) throws {
        for pods in [[first, second], [second, first]] {
            let actions = try reconcile(Fixture.replicaSet("web", replicas: 1), pods)
            #expect(actions.deletes.map(\.0.name) == [victim], "\(rule)")
            #expect(actions.deletes.first?.0.uid == "pod-\(victim)", "the delete is preconditioned on the pod's UID")
        }
    }

    @Test("a pod doubled up on a node with its siblings goes before one alone on its node")
    func doubledUpGoesFirst() throws {
        let pods = [
            Fixture.pod("alone", owner: web, node: "node-1", createdAt: 50),
            Fixture.pod("pair-1", owner: web, node: "node-2", createdAt: 10),
            Fixture.pod("pair-2", owner: web, node: "node-2", createdAt: 20),
        ]
        let actions = try reconcile(Fixture.replicaSet("web", replicas: 2), pods)
        #expect(actions.deletes.map(\.0.name) == ["pair-2"])
        #expect(actions.events.map(\.message) == ["Deleted pod: pair-2"])
    }

    @Test("orphans whose labels match the selector are adopted with a guarded owner-reference patch")
    func adoptsMatchingOrphans() throws {
        let actions = try reconcile(Fixture.replicaSet("web", replicas: 1), [Fixture.pod("orphan")])
        #expect(actions.creates.isEmpty, "the adopted orphan counts toward replicas")
        let patch = try #require(actions.patches.first { $0.0.name == "orphan" })
        #expect(patch.1.value(at: ["metadata", "resourceVersion"]) == "5")
        #expect(patch.1.value(at: ["metadata", "ownerReferences"]) == [OwnerReference.controllerRef(
            to: ObjectKey(apiVersion: "apps/v1", kind: "ReplicaSet", namespace: "shop", name: "web"), uid: "rs-web").json])
    }

    @Test("pods controlled by another owner, terminating orphans and orphans in other namespaces are not adopted")
    func doesNotAdoptOthers() throws {
        let pods = [
            Fixture.pod("theirs", owner: Fixture.ownedBy("other")),
            Fixture.pod("leaving", deleting: true),
            Fixture.pod("elsewhere", namespace: "other"),
        ]
        let actions = try reconcile(Fixture.replicaSet("web", replicas: 0), pods)
        #expect(actions.patches.filter { !$0.2 }.isEmpty)
        #expect(actions.deletes.isEmpty)
    }

    @Test("a ReplicaSet being deleted adopts, creates and deletes nothing")
    func beingDeletedIsPassive() throws {
        let actions = try reconcile(Fixture.replicaSet("web", replicas: 3, deleting: true), [Fixture.pod("orphan")])
        #expect(actions.creates.isEmpty)
        #expect(actions.patches.filter { !$0.2 }.isEmpty)
    }

    @Test("owned pods whose labels stop matching are released, and replaced")
    func releasesNonMatchingPods() throws {
        let pods = [Fixture.pod("web-a", labels: ["app": "debug"], owner: web)]
        let actions = try reconcile(Fixture.replicaSet("web", replicas: 1), pods)
        let patch = try #require(actions.patches.first { $0.0.name == "web-a" })
        #expect(patch.1.value(at: ["metadata", "ownerReferences"]) == .null)
        #expect(actions.creates.count == 1)
    }

    @Test("succeeded, failed and terminating pods do not count and are replaced")
    func inactivePodsAreReplaced() throws {
        let pods = [
            Fixture.pod("done", owner: web, phase: "Succeeded", ready: false),
            Fixture.pod("crashed", owner: web, phase: "Failed", ready: false),
            Fixture.pod("going", owner: web, deleting: true),
        ]
        let actions = try reconcile(Fixture.replicaSet("web", replicas: 2), pods)
        #expect(actions.creates.count == 2)
        #expect(actions.deletes.isEmpty)
    }

    @Test("status counts replicas, fully labeled, ready and available pods (minReadySeconds) and the generation")
    func statusCounts() throws {
        let rs = Fixture.replicaSet("web", replicas: 4, templateLabels: ["app": "web", "tier": "fe"],
                                    minReadySeconds: 60, generation: 7)
        let pods = [
            Fixture.pod("long-ready", labels: ["app": "web", "tier": "fe"], owner: web, readyAt: 0),
            Fixture.pod("just-ready", labels: ["app": "web", "tier": "fe"], owner: web, readyAt: 590),
            Fixture.pod("not-ready", owner: web, ready: false),
            Fixture.pod("ready-partial", owner: web, readyAt: 100),
        ]
        let actions = try reconcile(rs, pods)
        let status = try #require(actions.statusPatch(of: "web"))
        #expect(status["status"] == ["replicas": 4, "fullyLabeledReplicas": 2, "readyReplicas": 3,
                                     "availableReplicas": 2, "observedGeneration": 7])
        #expect(actions.requeueAfter == .seconds(50), "just-ready becomes available 60s after 590s, at 650s")
    }

    @Test("a ReplicaSet at its desired state with a current status needs nothing")
    func idempotentAtDesiredState() throws {
        let status: JSONValue = ["replicas": 2, "fullyLabeledReplicas": 2, "readyReplicas": 2,
                                 "availableReplicas": 2, "observedGeneration": 1]
        let actions = try reconcile(Fixture.replicaSet("web", replicas: 2, status: status),
                                    [Fixture.pod("a", owner: web), Fixture.pod("b", owner: web)])
        #expect(actions.isEmpty)
    }

    @Test("no more than burstReplicas pods are created in one reconcile")
    func burstLimit() throws {
        let actions = try reconcile(Fixture.replicaSet("web", replicas: 700), [])
        #expect(actions.creates.count == ReplicaSetController.burstReplicas)
    }

    @Test("a ReplicaSet without a selector is an error naming the field and the object")
    func missingSelector() throws {
        var rs = Fixture.replicaSet("web")
        rs.setValue(nil, at: ["spec", "selector"])
        #expect(throws: ObjectDecodingError(object: "apps/v1 ReplicaSet shop/web", field: ".spec.selector",
                                            message: "a ReplicaSet needs a selector")) {
            try reconcile(rs, [])
        }
        var bad = Fixture.replicaSet("web")
        bad.setValue("three", at: ["spec", "replicas"])
        #expect(throws: ObjectDecodingError(object: "apps/v1 ReplicaSet shop/web", field: ".spec.replicas",
                                            message: "expected an integer, found string \"three\"")) {
            try reconcile(bad, [])
        }
    }

    @Test("through the in-memory cluster, a ReplicaSet scales up, reports readiness, and scales down")
    func convergesThroughTheDriver() async throws {
        let cluster = InMemoryCluster(now: now)
        await cluster.seed(Fixture.replicaSet("web", replicas: 3))
        let driver = ControllerDriver(writer: cluster, component: ReplicaSetController.component)
        func sync() async throws {
            let key = ObjectKey(apiVersion: "apps/v1", kind: "ReplicaSet", namespace: "shop", name: "web")
            let rs = try #require(await cluster.get(key))
            let actions = try ReplicaSetController.reconcile(rs, pods: await cluster.list("Pod", namespace: "shop"), now: now)
            let outcome = await driver.perform(actions, now: now)
            #expect(outcome.failures.isEmpty)
            #expect(outcome.eventFailures.isEmpty)
        }
        try await sync()
        let pods = await cluster.list("Pod", namespace: "shop")
        #expect(pods.count == 3)
        #expect(pods.allSatisfy { $0.name.hasPrefix("web-") && $0.name.count == "web-".count + 5 })
        #expect(await cluster.eventReasons(about: "web") == Array(repeating: "SuccessfulCreate", count: 3))

        // The kubelet's part: every pod becomes ready.
        for pod in pods {
            _ = try await cluster.patch(try ObjectMeta(pod).key, mergePatch: [
                "status": ["phase": "Running", "conditions": [["type": "Ready", "status": "True",
                                                                "lastTransitionTime": Fixture.time(0)]]],
            ], status: true)
        }
        try await sync()
        let key = ObjectKey(apiVersion: "apps/v1", kind: "ReplicaSet", namespace: "shop", name: "web")
        #expect(await cluster.get(key)?.value(at: ["status", "readyReplicas"]) == 3)

        _ = try await cluster.patch(key, mergePatch: ["spec": ["replicas": 1]], status: false)
        try await sync()
        try await sync()
        #expect(await cluster.list("Pod", namespace: "shop").count == 1)
        #expect(await cluster.get(key)?.value(at: ["status", "replicas"]) == 1)
        #expect(await cluster.get(key)?.value(at: ["status", "observedGeneration"]) == 2)
    }
}
