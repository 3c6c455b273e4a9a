import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitControllers

@Suite("Garbage collector")
struct GarbageCollectorTests {
    /// An object of `kind` named `name`, owned by the given (kind, name) owners, which are UIDs `uid-<name>`.
    static func object(_ kind: String, _ name: String, owners: [(String, String)] = [], block: Bool = true,
                       finalizers: [String] = [], deleting: Bool = false) -> JSONValue {
        var metadata: [String: JSONValue] = [
            "name": .string(name), "namespace": "shop", "uid": .string("uid-\(name)"), "resourceVersion": "1",
        ]
        if !owners.isEmpty {
            metadata["ownerReferences"] = .array(owners.map { o in
                ["apiVersion": "apps/v1", "kind": .string(o.0), "name": .string(o.1), "uid": .string("uid-\(o.1)"),
                 "controller": true, "blockOwnerDeletion": .bool(block)]
            })
        }
        if !finalizers.isEmpty { metadata["finalizers"] = .array(finalizers.map { .string($0) }) }
        if deleting { metadata["deletionTimestamp"] = Fixture.time(0) }
        return ["apiVersion": kind == "Pod" ? "v1" : "apps/v1", "kind": .string(kind), "metadata": .object(metadata)]
    }

    @Test("a dependent whose only owner is gone is deleted in the background")
    func danglingOwner() throws {
        let actions = try GarbageCollector.reconcile(objects: [Self.object("ReplicaSet", "web-1", owners: [("Deployment", "web")])])
        #expect(actions.deletes.map { "\($0.0.name) \($0.1.rawValue)" } == ["web-1 Background"])
        #expect(actions.deletes.first?.0.uid == "uid-web-1", "only the incarnation observed is deleted")
    }

    @Test("an owner recreated under the same name with a new UID does not keep the old dependents")
    func ownerMatchedByUID() throws {
        var recreated = Self.object("Deployment", "web")
        recreated.setValue("uid-web-2", at: ["metadata", "uid"])
        let actions = try GarbageCollector.reconcile(objects: [recreated, Self.object("ReplicaSet", "web-1", owners: [("Deployment", "web")])])
        #expect(actions.deletes.map(\.0.name) == ["web-1"])
    }

    @Test("a dependent with one owner left loses the reference to the missing one and stays")
    func partialOwnersRemain() throws {
        let objects = [Self.object("Deployment", "a"), Self.object("ReplicaSet", "rs", owners: [("Deployment", "a"), ("Deployment", "b")])]
        let actions = try GarbageCollector.reconcile(objects: objects)
        #expect(actions.deletes.isEmpty)
        let patch = try #require(actions.patches.first)
        #expect(patch.1.value(at: ["metadata", "ownerReferences"])?.arrayValue?.compactMap { $0["name"] } == ["a"])
        #expect(patch.1.value(at: ["metadata", "resourceVersion"]) == "1")
    }

    @Test("an owner deleted in the foreground keeps its finalizer while a blocking dependent remains, and its dependents are deleted")
    func foregroundWaits() throws {
        let owner = Self.object("Deployment", "web", finalizers: ["foregroundDeletion"], deleting: true)
        let rs = Self.object("ReplicaSet", "web-1", owners: [("Deployment", "web")])
        let pod = Self.object("Pod", "web-1-a", owners: [("ReplicaSet", "web-1")])
        let actions = try GarbageCollector.reconcile(objects: [owner, rs, pod])
        #expect(actions.patches.isEmpty, "the finalizer stays")
        #expect(actions.deletes.map { "\($0.0.name) \($0.1.rawValue)" } == ["web-1 Foreground"],
                "a dependent with dependents of its own goes in the foreground too")
    }

    @Test("a foreground owner whose remaining dependents do not block loses its finalizer")
    func foregroundNonBlocking() throws {
        let owner = Self.object("Deployment", "web", finalizers: ["foregroundDeletion", "example.com/keep"], deleting: true)
        let rs = Self.object("ReplicaSet", "web-1", owners: [("Deployment", "web")], block: false,
                             finalizers: ["example.com/slow"], deleting: true)
        let actions = try GarbageCollector.reconcile(objects: [owner, rs])
        let patch = try #require(actions.patches.first { $0.0.name == "web" })
        #expect(patch.1.value(at: ["metadata", "finalizers"]) == ["example.com/keep"])
    }

    @Test("an owner deleted as an orphaner has its references removed from dependents, then loses the orphan finalizer")
    func orphan() throws {
        let owner = Self.object("Deployment", "web", finalizers: ["orphan"], deleting: true)
        let rs = Self.object("ReplicaSet", "web-1", owners: [("Deployment", "web")])
        let first = try GarbageCollector.reconcile(objects: [owner, rs])
        #expect(first.deletes.isEmpty)
        #expect(first.patches.map(\.0.name) == ["web-1"])
        #expect(first.patches.first?.1.value(at: ["metadata", "ownerReferences"]) == .null)
        let released = Self.object("ReplicaSet", "web-1")
        let second = try GarbageCollector.reconcile(objects: [owner, released])
        #expect(second.patches.map(\.0.name) == ["web"])
        #expect(second.patches.first?.1.value(at: ["metadata", "finalizers"]) == .null)
    }

    @Test("a dependent that asks for orphaning through its own finalizer is deleted with that policy")
    func dependentPolicyFromFinalizer() throws {
        let rs = Self.object("ReplicaSet", "web-1", owners: [("Deployment", "web")], finalizers: ["orphan"])
        #expect(try GarbageCollector.reconcile(objects: [rs]).deletes.first?.1 == .orphan)
    }

    /// Deletes a Deployment with `policy` in the in-memory cluster and runs the collector until it
    /// has nothing left to do; returns the objects left, sorted by name.
    func collect(after policy: PropagationPolicy) async throws -> [JSONValue] {
        let cluster = InMemoryCluster()
        await cluster.seed(Self.object("Deployment", "web"))
        await cluster.seed(Self.object("ReplicaSet", "web-1", owners: [("Deployment", "web")]))
        await cluster.seed(Self.object("Pod", "web-1-a", owners: [("ReplicaSet", "web-1")]))
        await cluster.seed(Self.object("Pod", "web-1-b", owners: [("ReplicaSet", "web-1")]))
        try await cluster.delete(ObjectKey(apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web"),
                                 propagation: policy)
        let driver = ControllerDriver(writer: cluster, component: GarbageCollector.component)
        for _ in 0..<10 {
            let actions = try GarbageCollector.reconcile(objects: await cluster.all())
            if actions.isEmpty { break }
            let outcome = await driver.perform(actions, now: Fixture.t0)
            #expect(outcome.failures.isEmpty)
        }
        return await cluster.all().sorted { $0.name < $1.name }
    }

    @Test("deleting a Deployment in the background removes its ReplicaSets and their pods")
    func backgroundCascade() async throws {
        #expect(try await collect(after: .background).isEmpty)
    }

    @Test("deleting a Deployment in the foreground removes pods, then the ReplicaSet, then the Deployment")
    func foregroundCascade() async throws {
        #expect(try await collect(after: .foreground).isEmpty)
    }

    @Test("deleting a Deployment as an orphaner leaves its ReplicaSet and pods, without the owner reference")
    func orphanCascade() async throws {
        let left = try await collect(after: .orphan)
        #expect(left.map(\.name) == ["web-1", "web-1-a", "web-1-b"])
        #expect(left.first?.value(at: ["metadata", "ownerReferences"]) == nil)
        #expect(left.last?.value(at: ["metadata", "ownerReferences"]) != nil, "pods keep their ReplicaSet")
    }
}
