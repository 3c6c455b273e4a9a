import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitControllers

@Suite("Node lifecycle controller")
struct NodeLifecycleControllerTests {
    static func node(ready: String = "True", heartbeatAt: TimeInterval = 0, taints: [JSONValue] = []) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Node",
            "metadata": ["name": "node-1", "uid": "n1", "resourceVersion": "8", "creationTimestamp": Fixture.time(-3600)],
            "spec": ["taints": .array(taints)],
            "status": ["conditions": [
                ["type": "Ready", "status": .string(ready), "reason": "KubeletReady", "lastHeartbeatTime": Fixture.time(heartbeatAt),
                 "lastTransitionTime": Fixture.time(-3600)],
                ["type": "MemoryPressure", "status": "False", "lastHeartbeatTime": Fixture.time(heartbeatAt)],
            ]],
        ]
    }

    static func lease(renewedAt: TimeInterval) -> JSONValue {
        ["apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
         "metadata": ["name": "node-1", "namespace": "kube-node-lease"],
         "spec": ["holderIdentity": "node-1", "leaseDurationSeconds": 40, "renewTime": Fixture.time(renewedAt)]]
    }

    static func pod(_ name: String, tolerations: [JSONValue] = []) -> JSONValue {
        var p = Fixture.pod(name, node: "node-1")
        p.setValue(.array(tolerations), at: ["spec", "tolerations"])
        return p
    }

    func reconcile(_ node: JSONValue, lease: JSONValue? = nil, pods: [JSONValue] = [], at seconds: TimeInterval) throws -> [ControllerAction] {
        try NodeLifecycleController.reconcile(node: node, lease: lease, pods: pods, now: Fixture.t0.addingTimeInterval(seconds))
    }

    @Test("a node heartbeating within the grace period is left alone and checked again when it would go stale")
    func freshNode() throws {
        let actions = try reconcile(Self.node(heartbeatAt: 0), lease: Self.lease(renewedAt: 30), at: 60)
        #expect(actions.patches.isEmpty)
        #expect(actions.requeueAfter == .seconds(21), "lease renewed at 30s, stale after 80s")
    }

    @Test("the pods of a Ready node without NoExecute taints are not read at all (one that cannot be decoded does no harm)")
    func readyNodeSkipsPods() throws {
        // A container port without containerPort cannot be decoded: reading this pod throws.
        var unreadable = Self.pod("unreadable")
        unreadable.setValue([["name": "main", "ports": [["name": "http"]]]], at: ["spec", "containers"])
        let actions = try reconcile(Self.node(heartbeatAt: 0), lease: Self.lease(renewedAt: 30), pods: [unreadable], at: 60)
        #expect(actions.patches.isEmpty)
        #expect(actions.requeueAfter == .seconds(21))
        // Not Ready: the same pod is read, and its error reported.
        #expect(throws: ObjectDecodingError.self) {
            try reconcile(Self.node(ready: "False", heartbeatAt: 55), lease: Self.lease(renewedAt: 55), pods: [unreadable], at: 60)
        }
    }

    @Test("past the grace period its conditions become Unknown/NodeStatusUnknown and it is tainted unreachable")
    func staleNode() throws {
        let actions = try reconcile(Self.node(heartbeatAt: 0), lease: Self.lease(renewedAt: 10), at: 61)
        let status = try #require(actions.statusPatch(of: "node-1"))
        let conditions = status.value(at: ["status", "conditions"])?.arrayValue ?? []
        #expect(conditions.first { $0["type"] == "Ready" }?["status"] == "Unknown")
        #expect(conditions.first { $0["type"] == "Ready" }?["reason"] == "NodeStatusUnknown")
        #expect(conditions.first { $0["type"] == "MemoryPressure" }?["status"] == "Unknown")
        #expect(conditions.contains { $0["type"] == "PIDPressure" && $0["message"] == "Kubelet never posted node status." })
        let taints = actions.patches.first { !$0.2 }?.1.value(at: ["spec", "taints"])?.arrayValue ?? []
        #expect(taints.map { "\($0["key"]?.stringValue ?? ""):\($0["effect"]?.stringValue ?? "")" }
                == ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"])
        #expect(taints.last?["timeAdded"] == Fixture.time(61))
        #expect(actions.events.map(\.reason) == ["NodeNotReady"])
    }

    @Test("a node reporting Ready=False is tainted not-ready; Ready again removes the taints")
    func notReadyAndBack() throws {
        let notReady = try reconcile(Self.node(ready: "False", heartbeatAt: 55), at: 60)
        let taints = notReady.patches.first?.1.value(at: ["spec", "taints"])?.arrayValue ?? []
        #expect(taints.compactMap { $0["key"] } == ["node.kubernetes.io/not-ready", "node.kubernetes.io/not-ready"])
        let stored: [JSONValue] = [["key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"],
                                   ["key": "node.kubernetes.io/not-ready", "effect": "NoExecute", "timeAdded": Fixture.time(0)],
                                   ["key": "dedicated", "value": "gpu", "effect": "NoSchedule"]]
        let recovered = try reconcile(Self.node(ready: "True", heartbeatAt: 55, taints: stored), at: 60)
        #expect(recovered.patches.first?.1.value(at: ["spec", "taints"]) == [["key": "dedicated", "value": "gpu", "effect": "NoSchedule"]],
                "taints other controllers or users set stay")
    }

    @Test("pods on an unreachable node are marked not ready, evicted at once without a toleration, later with tolerationSeconds, never with a plain one")
    func eviction() throws {
        let taints: [JSONValue] = [["key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"],
                                   ["key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": Fixture.time(100)]]
        let node = Self.node(ready: "Unknown", heartbeatAt: 0, taints: taints)
        let pods = [
            Self.pod("intolerant"),
            Self.pod("patient", tolerations: [["key": "node.kubernetes.io/unreachable", "operator": "Exists",
                                               "effect": "NoExecute", "tolerationSeconds": 300]]),
            Self.pod("forever", tolerations: [["operator": "Exists"]]),
        ]
        let early = try reconcile(node, pods: pods, at: 200)
        #expect(early.deletes.map(\.0.name) == ["intolerant"])
        #expect(early.requeueAfter == .seconds(200), "patient goes 300s after the taint was added at 100s")
        #expect(Set(early.patches.filter { $0.2 && $0.0.kind == "Pod" }.map(\.0.name)) == ["intolerant", "patient", "forever"],
                "every pod on the node is marked not ready")
        let late = try reconcile(node, pods: pods, at: 400)
        #expect(late.deletes.map(\.0.name).sorted() == ["intolerant", "patient"])
        #expect(late.events.contains { $0.reason == "TaintManagerEviction" && $0.message == "Marking for deletion Pod shop/patient" })
    }

    @Test("toleration matching follows upstream: Exists without a key matches all, Equal compares values, an empty effect matches any")
    func tolerationMatching() throws {
        func toleration(_ json: JSONValue) throws -> Toleration { try Toleration(JSONReader(json, object: "t")) }
        let taint = Taint(key: "dedicated", value: "gpu", effect: "NoExecute")
        #expect(try toleration(["operator": "Exists"]).tolerates(taint))
        #expect(try toleration(["key": "dedicated", "value": "gpu"]).tolerates(taint))
        #expect(try !toleration(["key": "dedicated", "value": "cpu"]).tolerates(taint))
        #expect(try !toleration(["key": "dedicated", "operator": "Exists", "effect": "NoSchedule"]).tolerates(taint))
        #expect(try toleration(["key": "dedicated", "operator": "Exists"]).tolerates(taint))
    }
}
