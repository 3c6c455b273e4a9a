import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitControllers

@Suite("Deployment controller")
struct DeploymentControllerTests {
    let now = Fixture.t0.addingTimeInterval(1000)

    func reconcile(_ d: JSONValue, _ replicaSets: [JSONValue], pods: [JSONValue] = []) throws -> [ControllerAction] {
        try DeploymentController.reconcile(d, replicaSets: replicaSets, pods: pods, now: now)
    }

    func hash(_ image: String) -> String { PodTemplateHash.of(Fixture.template(["app": "web"], image: image)) }

    @Test("maxSurge rounds up and maxUnavailable rounds down; both zero allows one unavailable", arguments: [
        (10, JSONValue("25%"), JSONValue("25%"), 3, 2),
        (4, "25%", "25%", 1, 1),
        (1, "25%", "25%", 1, 0),
        (3, 0, 0, 0, 1),
        (5, "0%", "0%", 0, 1),
        (10, 2, "33%", 2, 3),
        (7, "50%", "50%", 4, 3),
    ])
    func fenceposts(_ replicas: Int, _ surge: JSONValue, _ unavailable: JSONValue, _ wantSurge: Int, _ wantUnavailable: Int) throws {
        let d = try Deployment(Fixture.deployment(replicas: replicas, maxSurge: surge, maxUnavailable: unavailable))
        let got = try d.fenceposts()
        #expect(got.maxSurge == wantSurge)
        #expect(got.maxUnavailable == wantUnavailable)
    }

    @Test("a malformed percentage is an error naming the strategy field")
    func badPercentage() {
        #expect(throws: ObjectDecodingError.self) {
            try reconcile(Fixture.deployment(maxSurge: "lots"), [])
        }
    }

    @Test("the pod-template hash is stable, changes with the template and the collision count, and ignores its own label")
    func templateHash() {
        let t1 = Fixture.template(["app": "web"], image: "web:1")
        let t2 = Fixture.template(["app": "web"], image: "web:2")
        #expect(PodTemplateHash.of(t1) == PodTemplateHash.of(Fixture.template(["app": "web"], image: "web:1")))
        #expect(PodTemplateHash.of(t1) != PodTemplateHash.of(t2))
        #expect(PodTemplateHash.of(t1) != PodTemplateHash.of(t1, collisionCount: 1))
        let labelled = Fixture.template(["app": "web", PodTemplateHash.label: "abc"], image: "web:1")
        #expect(PodTemplateHash.of(labelled) == PodTemplateHash.of(t1))
        #expect(PodTemplateHash.equalIgnoringHash(labelled, t1))
        #expect(PodTemplateHash.of(t1).allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) })
    }

    @Test("a field set to null is the same template as one without it (kubectl rollout undo writes creationTimestamp: null)")
    func nullFieldsAreAbsentFields() {
        let stored = Fixture.template(["app": "web", PodTemplateHash.label: "abc"], image: "web:1")
        var undone = Fixture.template(["app": "web"], image: "web:1")
        undone.setValue(.null, at: ["metadata", "creationTimestamp"])
        undone.setValue(.null, at: ["spec", "nodeSelector"])
        #expect(PodTemplateHash.equalIgnoringHash(stored, undone))
        #expect(PodTemplateHash.of(undone) == PodTemplateHash.of(stored))
        var changed = Fixture.template(["app": "web"], image: "web:2")
        changed.setValue(.null, at: ["metadata", "creationTimestamp"])
        #expect(!PodTemplateHash.equalIgnoringHash(stored, changed))
    }

    @Test("a new Deployment gets a ReplicaSet named by the template hash, labelled, selected and controlled, at revision 1")
    func createsFirstReplicaSet() throws {
        let actions = try reconcile(Fixture.deployment(replicas: 3), [])
        let rs = try #require(actions.creates.first)
        let h = hash("web:1")
        #expect(rs.name == "web-\(h)")
        #expect(rs.value(at: ["metadata", "labels", PodTemplateHash.label]) == .string(h))
        #expect(rs.value(at: ["spec", "selector", "matchLabels"]) == ["app": "web", "pod-template-hash": .string(h)])
        #expect(rs.value(at: ["spec", "template", "metadata", "labels", PodTemplateHash.label]) == .string(h))
        #expect(rs.value(at: ["spec", "replicas"]) == 3, "3 replicas with 25% surge: up to 4 pods, so all 3 at once")
        #expect(rs.value(at: ["metadata", "annotations"]) == [
            "deployment.kubernetes.io/revision": "1", "deployment.kubernetes.io/desired-replicas": "3",
            "deployment.kubernetes.io/max-replicas": "4",
        ])
        #expect(try ObjectMeta(rs).controllerRef?.uid == "d-web")
        #expect(actions.events.map(\.message) == ["Scaled up replica set web-\(h) from 0 to 3"])
        let status = try #require(actions.statusPatch(of: "web"))
        let conditions = status.value(at: ["status", "conditions"])?.arrayValue ?? []
        #expect(conditions.contains { $0["reason"] == "NewReplicaSetCreated" && $0["message"] == .string("Created new replica set \"web-\(h)\"") })
        #expect(conditions.contains { $0["type"] == "Available" && $0["status"] == "False" })
        #expect(actions.patches.contains { !$0.2 && $0.1.value(at: ["metadata", "annotations", DeploymentController.revisionAnnotation]) == "1" })
    }

    @Test("a new template starts a ReplicaSet no larger than maxSurge allows")
    func rollingUpdateSurges() throws {
        let old = Fixture.deploymentReplicaSet(image: "web:1", replicas: 4, revision: 1, desired: 4, maxReplicas: 5)
        let actions = try reconcile(Fixture.deployment(replicas: 4, image: "web:2", maxSurge: 1, maxUnavailable: 0), [old])
        let created = try #require(actions.creates.first)
        #expect(created.value(at: ["spec", "replicas"]) == 1)
        #expect(created.value(at: ["metadata", "annotations", DeploymentController.revisionAnnotation]) == "2")
        #expect(actions.deletes.isEmpty)
        #expect(!actions.patches.contains { $0.0.name == old.name && $0.1["spec"] != nil },
                "maxUnavailable 0: nothing old goes before new pods are available")
    }

    @Test("old ReplicaSets shrink only as far as maxUnavailable allows")
    func rollingUpdateKeepsAvailability() throws {
        let old = Fixture.deploymentReplicaSet(image: "web:1", replicas: 4, revision: 1, desired: 4, maxReplicas: 5)
        let new = Fixture.deploymentReplicaSet(image: "web:2", replicas: 1, available: 0, revision: 2, createdAt: 10,
                                               desired: 4, maxReplicas: 5)
        let actions = try reconcile(Fixture.deployment(replicas: 4, image: "web:2", maxSurge: 1, maxUnavailable: 1), [old, new])
        let scaled = actions.patches.filter { $0.1["spec"] != nil }.map { ($0.0.name, $0.1.value(at: ["spec", "replicas"])) }
        #expect(scaled.count == 1)
        #expect(scaled.first?.0 == old.name)
        #expect(scaled.first?.1 == 3, "5 pods, 3 must stay available, the new pod is not: one old pod may go")
        #expect(actions.events.map(\.message) == ["Scaled down replica set \(old.name) from 4 to 3"])
    }

    @Test("unhealthy old replicas are removed before healthy ones")
    func cleansUpUnhealthyFirst() throws {
        let old = Fixture.deploymentReplicaSet(image: "web:1", replicas: 4, available: 2, revision: 1, desired: 4, maxReplicas: 5)
        let new = Fixture.deploymentReplicaSet(image: "web:2", replicas: 1, available: 1, revision: 2, createdAt: 10,
                                               desired: 4, maxReplicas: 5)
        let actions = try reconcile(Fixture.deployment(replicas: 4, image: "web:2", maxSurge: 1, maxUnavailable: 1), [old, new])
        // allPods 5, minAvailable 3, new unavailable 0: up to 2 may go; both are the unavailable old pods.
        let sizes = actions.patches.filter { $0.0.name == old.name && $0.1["spec"] != nil }.map { $0.1.value(at: ["spec", "replicas"]) }
        #expect(sizes == [2])
    }

    @Test("Recreate scales every old ReplicaSet to zero before creating the new one")
    func recreateScalesOldToZeroFirst() throws {
        let old = Fixture.deploymentReplicaSet(image: "web:1", replicas: 3, revision: 1, desired: 3, maxReplicas: 3)
        let actions = try reconcile(Fixture.deployment(replicas: 3, image: "web:2", strategy: "Recreate"), [old])
        #expect(actions.creates.isEmpty)
        #expect(actions.patches.contains { $0.0.name == old.name && $0.1.value(at: ["spec", "replicas"]) == 0 })
    }

    @Test("Recreate waits while a pod of an old ReplicaSet is still running, then creates the new one at full size")
    func recreateWaitsForOldPods() throws {
        var old = Fixture.deploymentReplicaSet(image: "web:1", replicas: 0, revision: 1, desired: 3, maxReplicas: 3)
        old.setValue(0, at: ["status", "replicas"])
        let lingering = Fixture.pod("old-pod", owner: ("ReplicaSet", old.name, "rs-\(old.name)"), deleting: true)
        let d = Fixture.deployment(replicas: 3, image: "web:2", strategy: "Recreate")
        #expect(try reconcile(d, [old], pods: [lingering]).creates.isEmpty)
        let finished = Fixture.pod("old-pod", owner: ("ReplicaSet", old.name, "rs-\(old.name)"), phase: "Succeeded", ready: false)
        let actions = try reconcile(d, [old], pods: [finished])
        #expect(actions.creates.first?.value(at: ["spec", "replicas"]) == 3)
    }

    @Test("rolling back to an old template makes its ReplicaSet the new one, at the next revision, with its history")
    func rollbackReusesOldReplicaSet() throws {
        let v1 = Fixture.deploymentReplicaSet(image: "web:1", replicas: 0, revision: 1, desired: 3, maxReplicas: 4)
        let v2 = Fixture.deploymentReplicaSet(image: "web:2", replicas: 3, revision: 2, createdAt: 10, desired: 3, maxReplicas: 4)
        let d = Fixture.deployment(replicas: 3, image: "web:1", generation: 3,
                                   annotations: [DeploymentController.revisionAnnotation: "2"])
        let actions = try reconcile(d, [v1, v2])
        #expect(actions.creates.isEmpty, "no new ReplicaSet: the old one matches the template")
        let revisionPatch = try #require(actions.patches.first { $0.0.name == v1.name && $0.1.value(at: ["metadata", "annotations", DeploymentController.revisionAnnotation]) != nil })
        #expect(revisionPatch.1.value(at: ["metadata", "annotations", DeploymentController.revisionAnnotation]) == "3")
        #expect(revisionPatch.1.value(at: ["metadata", "annotations", DeploymentController.revisionHistoryAnnotation]) == "1")
        #expect(actions.patches.contains { $0.0.name == "web" && $0.1.value(at: ["metadata", "annotations", DeploymentController.revisionAnnotation]) == "3" })
        #expect(actions.patches.contains { $0.0.name == v1.name && $0.1.value(at: ["spec", "replicas"]) == 1 },
                "3 replicas, 25% surge: one pod above 3 is allowed")
    }

    @Test("beyond revisionHistoryLimit, the empty old ReplicaSets with the lowest revisions are deleted")
    func revisionHistoryCleanup() throws {
        let old = (1...4).map { Fixture.deploymentReplicaSet(image: "web:\($0)", replicas: 0, revision: $0, createdAt: Double($0)) }
        let current = Fixture.deploymentReplicaSet(image: "web:5", replicas: 2, revision: 5, createdAt: 5, desired: 2, maxReplicas: 3)
        let status: JSONValue = ["observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2, "readyReplicas": 2]
        let d = Fixture.deployment(replicas: 2, image: "web:5", revisionHistoryLimit: 2, status: status)
        let actions = try reconcile(d, old.map { var o = $0; o.setValue(0, at: ["status", "replicas"]); return o } + [current])
        #expect(Set(actions.deletes.map(\.0.name)) == [old[0].name, old[1].name])
    }

    @Test("a paused Deployment starts no rollout, says so in Progressing, and still scales")
    func pausedDeployment() throws {
        let v1 = Fixture.deploymentReplicaSet(image: "web:1", replicas: 3, revision: 1, desired: 3, maxReplicas: 4)
        let d = Fixture.deployment(replicas: 5, image: "web:2", paused: true)
        let actions = try reconcile(d, [v1])
        #expect(actions.creates.isEmpty)
        #expect(actions.patches.contains { $0.0.name == v1.name && $0.1.value(at: ["spec", "replicas"]) == 5 })
        let conditions = actions.statusPatch(of: "web")?.value(at: ["status", "conditions"])?.arrayValue ?? []
        #expect(conditions.contains { $0["type"] == "Progressing" && $0["status"] == "Unknown" && $0["reason"] == "DeploymentPaused" })
    }

    @Test("resuming a paused Deployment records DeploymentResumed and rolls out")
    func resumedDeployment() throws {
        let v1 = Fixture.deploymentReplicaSet(image: "web:1", replicas: 3, revision: 1, desired: 3, maxReplicas: 4)
        let status: JSONValue = ["observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3,
                                 "availableReplicas": 3,
                                 "conditions": [["type": "Progressing", "status": "Unknown", "reason": "DeploymentPaused",
                                                  "message": "Deployment is paused", "lastUpdateTime": Fixture.time(0),
                                                  "lastTransitionTime": Fixture.time(0)]]]
        let actions = try reconcile(Fixture.deployment(replicas: 3, image: "web:2", status: status), [v1])
        #expect(actions.creates.count == 1)
        let conditions = actions.statusPatch(of: "web")?.value(at: ["status", "conditions"])?.arrayValue ?? []
        #expect(conditions.contains { $0["type"] == "Progressing" && $0["reason"] == "NewReplicaSetCreated" })
    }

    @Test("changing replicas mid-rollout scales the active ReplicaSets in proportion to their size")
    func proportionalScaling() throws {
        let old = Fixture.deploymentReplicaSet(image: "web:1", replicas: 8, revision: 1, desired: 10, maxReplicas: 13)
        let new = Fixture.deploymentReplicaSet(image: "web:2", replicas: 5, available: 0, revision: 2, createdAt: 10,
                                               desired: 10, maxReplicas: 13)
        let d = Fixture.deployment(replicas: 20, image: "web:2", maxSurge: 3, maxUnavailable: 2)
        let actions = try reconcile(d, [old, new])
        let sizes = Dictionary(uniqueKeysWithValues: actions.patches.compactMap { p -> (String, JSONValue)? in
            p.1.value(at: ["spec", "replicas"]).map { (p.0.name, $0) }
        })
        #expect(sizes == [old.name: 14, new.name: 9], "23 pods allowed, shared 8:5 as upstream rounds")
    }

    @Test("a rollout without progress past progressDeadlineSeconds is marked ProgressDeadlineExceeded")
    func progressDeadlineExceeded() throws {
        let old = Fixture.deploymentReplicaSet(image: "web:1", replicas: 3, revision: 1, desired: 3, maxReplicas: 4)
        let new = Fixture.deploymentReplicaSet(image: "web:2", replicas: 1, available: 0, revision: 2, createdAt: 10,
                                               desired: 3, maxReplicas: 4)
        let status: JSONValue = [
            "observedGeneration": 1, "replicas": 4, "updatedReplicas": 1, "readyReplicas": 3, "availableReplicas": 3,
            "unavailableReplicas": 0,
            "conditions": [["type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated",
                            "message": "ReplicaSet \"x\" is progressing.", "lastUpdateTime": Fixture.time(300),
                            "lastTransitionTime": Fixture.time(100)]],
        ]
        let d = Fixture.deployment(replicas: 3, image: "web:2", maxSurge: 1, maxUnavailable: 0, progressDeadlineSeconds: 600,
                                   status: status)
        let late = try DeploymentController.reconcile(d, replicaSets: [old, new], pods: [], now: Fixture.t0.addingTimeInterval(901))
        let conditions = late.statusPatch(of: "web")?.value(at: ["status", "conditions"])?.arrayValue ?? []
        let progressing = try #require(conditions.first { $0["type"] == "Progressing" })
        #expect(progressing["status"] == "False")
        #expect(progressing["reason"] == "ProgressDeadlineExceeded")
        #expect(progressing["message"] == .string("ReplicaSet \"\(new.name)\" has timed out progressing."))

        let early = try DeploymentController.reconcile(d, replicaSets: [old, new], pods: [], now: Fixture.t0.addingTimeInterval(800))
        #expect(early.statusPatch(of: "web")?.value(at: ["status", "conditions"])?.arrayValue?.contains { $0["reason"] == "ProgressDeadlineExceeded" } != true)
        #expect(early.requeueAfter == .seconds(101), "requeued for when the deadline passes")
    }

    @Test("a finished rollout reports NewReplicaSetAvailable, Available, and the counts kubectl rollout status reads")
    func completeRollout() throws {
        let new = Fixture.deploymentReplicaSet(image: "web:2", replicas: 3, revision: 2, desired: 3, maxReplicas: 4)
        let status: JSONValue = [
            "observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 2, "availableReplicas": 2,
            "conditions": [["type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated", "message": "m",
                            "lastUpdateTime": Fixture.time(0), "lastTransitionTime": Fixture.time(0)]],
        ]
        let d = Fixture.deployment(replicas: 3, image: "web:2", generation: 2, status: status)
        let patch = try #require(try reconcile(d, [new]).statusPatch(of: "web"))
        #expect(patch.value(at: ["status", "observedGeneration"]) == 2)
        #expect(patch.value(at: ["status", "updatedReplicas"]) == 3)
        #expect(patch.value(at: ["status", "availableReplicas"]) == 3)
        #expect(patch.value(at: ["status", "unavailableReplicas"]) == 0)
        let conditions = patch.value(at: ["status", "conditions"])?.arrayValue ?? []
        #expect(conditions.contains { $0["type"] == "Available" && $0["status"] == "True" && $0["reason"] == "MinimumReplicasAvailable" })
        let progressing = try #require(conditions.first { $0["type"] == "Progressing" })
        #expect(progressing["reason"] == "NewReplicaSetAvailable")
        #expect(progressing["lastTransitionTime"] == Fixture.time(0), "the status stayed True: the transition time is kept")
    }

    @Test("a Deployment being deleted only reports status: no ReplicaSet is created or scaled")
    func beingDeleted() throws {
        var d = Fixture.deployment(replicas: 3, image: "web:2")
        d.setValue(Fixture.time(0), at: ["metadata", "deletionTimestamp"])
        let old = Fixture.deploymentReplicaSet(image: "web:1", replicas: 3, revision: 1, desired: 3, maxReplicas: 4)
        let actions = try reconcile(d, [old])
        #expect(actions.creates.isEmpty)
        #expect(!actions.patches.contains { $0.1["spec"] != nil })
        #expect(actions.statusPatch(of: "web") != nil)
    }

    @Test("scaling a settled Deployment to zero scales its only active ReplicaSet to zero")
    func scaleToZero() throws {
        let rs = Fixture.deploymentReplicaSet(image: "web:1", replicas: 3, revision: 1, desired: 3, maxReplicas: 4)
        let actions = try reconcile(Fixture.deployment(replicas: 0, image: "web:1"), [rs])
        #expect(actions.patches.contains { $0.0.name == rs.name && $0.1.value(at: ["spec", "replicas"]) == 0 })
        #expect(actions.events.map(\.message) == ["Scaled down replica set \(rs.name) from 3 to 0"])
    }

    @Test("a name taken by a foreign ReplicaSet bumps collisionCount instead of overwriting it")
    func hashCollision() throws {
        let foreign = Fixture.replicaSet("web-\(hash("web:1"))", selector: ["app": "other"])
        let actions = try reconcile(Fixture.deployment(), [foreign])
        #expect(actions.creates.isEmpty)
        #expect(actions.statusPatch(of: "web")?.value(at: ["status", "collisionCount"]) == 1)
    }

    @Test("through the controllers and a simulated kubelet, a rolling update never exceeds maxSurge nor drops below maxUnavailable, and rolls back")
    func simulatedRollingUpdate() async throws {
        let sim = Simulation()
        await sim.cluster.seed(Fixture.deployment(replicas: 4, image: "web:1", maxSurge: 1, maxUnavailable: 1))
        try await sim.settle()
        #expect(await sim.pods().count == 4)
        let first = try #require(await sim.deployment("web"))
        #expect(first.value(at: ["status", "availableReplicas"]) == 4)
        #expect(first.value(at: ["metadata", "annotations", DeploymentController.revisionAnnotation]) == "1")

        await sim.clearObservations()
        _ = try await sim.cluster.patch(sim.key("Deployment", "web"), mergePatch: [
            "spec": ["template": ["spec": ["containers": [["name": "web", "image": "web:2"]]]]],
        ], status: false)
        try await sim.settle()
        for o in await sim.observations {
            #expect(o.pods <= 5, "never more than replicas + maxSurge pods")
            #expect(o.available >= 3, "never fewer than replicas - maxUnavailable available")
        }
        let rolled = try #require(await sim.deployment("web"))
        #expect(rolled.value(at: ["status", "updatedReplicas"]) == 4)
        #expect(rolled.value(at: ["metadata", "annotations", DeploymentController.revisionAnnotation]) == "2")
        let conditions = rolled.value(at: ["status", "conditions"])?.arrayValue ?? []
        #expect(conditions.contains { $0["reason"] == "NewReplicaSetAvailable" })
        let images = await sim.pods().compactMap { $0.value(at: ["spec", "containers"])?.arrayValue?.first?["image"] }
        #expect(images == Array(repeating: "web:2", count: 4))
        #expect(await sim.replicaSets().count == 2, "the old ReplicaSet is kept, scaled to zero, for rollback")

        // kubectl rollout undo: the template goes back to revision 1's.
        _ = try await sim.cluster.patch(sim.key("Deployment", "web"), mergePatch: [
            "spec": ["template": ["spec": ["containers": [["name": "web", "image": "web:1"]]]]],
        ], status: false)
        try await sim.settle()
        #expect(await sim.replicaSets().count == 2, "rollback reuses the revision-1 ReplicaSet")
        let back = try #require(await sim.deployment("web"))
        #expect(back.value(at: ["metadata", "annotations", DeploymentController.revisionAnnotation]) == "3")
        let imagesBack = await sim.pods().compactMap { $0.value(at: ["spec", "containers"])?.arrayValue?.first?["image"] }
        #expect(imagesBack == Array(repeating: "web:1", count: 4))
    }

    @Test("through the controllers, a Recreate rollout never runs old and new pods together")
    func simulatedRecreate() async throws {
        let sim = Simulation()
        await sim.cluster.seed(Fixture.deployment(replicas: 3, image: "web:1", strategy: "Recreate"))
        try await sim.settle()
        _ = try await sim.cluster.patch(sim.key("Deployment", "web"), mergePatch: [
            "spec": ["template": ["spec": ["containers": [["name": "web", "image": "web:2"]]]]],
        ], status: false)
        for _ in 0..<30 {
            let images = Set(await sim.pods().compactMap { $0.value(at: ["spec", "containers"])?.arrayValue?.first?["image"] })
            #expect(images.count <= 1, "old and new pods at once: \(images)")
            if try await sim.tick() == 0 { break }
        }
        let images = await sim.pods().compactMap { $0.value(at: ["spec", "containers"])?.arrayValue?.first?["image"] }
        #expect(images == Array(repeating: "web:2", count: 3))
    }
}
