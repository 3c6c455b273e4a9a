import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitControllers

@Suite("DaemonSet controller")
struct DaemonSetControllerTests {
    static func daemonSet(image: String = "agent:1", nodeSelector: [String: String] = [:], maxUnavailable: Int = 1) -> JSONValue {
        var template = Fixture.template(["app": "agent"], image: image)
        if !nodeSelector.isEmpty { template.setValue(Fixture.labels(nodeSelector), at: ["spec", "nodeSelector"]) }
        return [
            "apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": ["name": "agent", "namespace": "shop", "uid": "ds-agent", "generation": 1],
            "spec": ["selector": ["matchLabels": ["app": "agent"]], "template": template,
                     "updateStrategy": ["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": .int(Int64(maxUnavailable))]]],
        ]
    }

    static func node(_ name: String, labels: [String: String] = [:], taints: [JSONValue] = []) -> JSONValue {
        ["apiVersion": "v1", "kind": "Node", "metadata": ["name": .string(name), "labels": Fixture.labels(labels)],
         "spec": ["taints": .array(taints)]]
    }

    static func daemonPod(_ name: String, node: String, image: String = "agent:1", ready: Bool = true) -> JSONValue {
        let hash = PodTemplateHash.of(Fixture.template(["app": "agent"], image: image))
        return Fixture.pod(name, labels: ["app": "agent", StatefulSetController.revisionLabel: hash],
                           owner: ("DaemonSet", "agent", "ds-agent"), node: node, ready: ready)
    }

    @Test("each eligible node gets one pod, pinned to it by a required node affinity, with the daemon tolerations")
    func onePodPerNode() throws {
        let nodes = [Self.node("n1"), Self.node("n2")]
        let actions = try DaemonSetController.reconcile(Self.daemonSet(), nodes: nodes, pods: [Self.daemonPod("a", node: "n1")], now: Fixture.t0)
        let created = try #require(actions.creates.first)
        #expect(actions.creates.count == 1)
        #expect(created.value(at: ["spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                                   "nodeSelectorTerms"])?.arrayValue?.first?["matchFields"]?.arrayValue?.first?["values"] == ["n2"])
        #expect(created.value(at: ["spec", "tolerations"])?.arrayValue?.contains { $0["key"] == "node.kubernetes.io/unschedulable" } == true)
        let status = actions.statusPatch(of: "agent")
        #expect(status?.value(at: ["status", "desiredNumberScheduled"]) == 2)
        #expect(status?.value(at: ["status", "currentNumberScheduled"]) == 1)
    }

    @Test("nodes outside the nodeSelector or with an untolerated taint get no pod, and a pod there is removed")
    func ineligibleNodes() throws {
        let nodes = [
            Self.node("gpu", labels: ["kind": "gpu"]),
            Self.node("cpu", labels: ["kind": "cpu"]),
            Self.node("tainted", labels: ["kind": "gpu"], taints: [["key": "dedicated", "value": "db", "effect": "NoSchedule"]]),
            Self.node("cordoned", labels: ["kind": "gpu"], taints: [["key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"]]),
        ]
        let actions = try DaemonSetController.reconcile(Self.daemonSet(nodeSelector: ["kind": "gpu"]), nodes: nodes,
                                                        pods: [Self.daemonPod("stray", node: "cpu")], now: Fixture.t0)
        let targets = actions.creates.compactMap { $0.value(at: ["spec", "affinity", "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"])?.arrayValue?.first?["matchFields"]?.arrayValue?.first?["values"]?.arrayValue?.first }
        #expect(targets == ["gpu", "cordoned"], "a cordoned node keeps its daemon")
        #expect(actions.deletes.map(\.0.name) == ["stray"])
        #expect(actions.statusPatch(of: "agent")?.value(at: ["status", "numberMisscheduled"]) == 1)
    }

    @Test("a new template replaces old pods no faster than maxUnavailable allows, unavailable ones first")
    func rollingUpdate() throws {
        let nodes = [Self.node("n1"), Self.node("n2"), Self.node("n3")]
        let pods = [
            Self.daemonPod("a", node: "n1"), Self.daemonPod("b", node: "n2"), Self.daemonPod("c", node: "n3", ready: false),
        ]
        let actions = try DaemonSetController.reconcile(Self.daemonSet(image: "agent:2"), nodes: nodes, pods: pods, now: Fixture.t0)
        #expect(actions.deletes.map(\.0.name) == ["c"], "c is already down: replacing it costs no availability")
        let two = try DaemonSetController.reconcile(Self.daemonSet(image: "agent:2", maxUnavailable: 2), nodes: nodes, pods: pods, now: Fixture.t0)
        #expect(two.deletes.map(\.0.name) == ["c", "a"])
    }

    @Test("a failed daemon pod is deleted with a warning, and extra pods on a node are removed, keeping the oldest")
    func failedAndDuplicates() throws {
        var failed = Self.daemonPod("f", node: "n1")
        failed.setValue("Failed", at: ["status", "phase"])
        let older = Self.daemonPod("old", node: "n2")
        var newer = Self.daemonPod("new", node: "n2")
        newer.setValue(Fixture.time(50), at: ["metadata", "creationTimestamp"])
        let actions = try DaemonSetController.reconcile(Self.daemonSet(), nodes: [Self.node("n1"), Self.node("n2")],
                                                        pods: [failed, older, newer], now: Fixture.t0)
        #expect(Set(actions.deletes.map(\.0.name)) == ["f", "new"])
        #expect(actions.events.contains { $0.reason == "FailedDaemonPod" && $0.type == .warning })
        #expect(actions.creates.count == 1, "n1 gets a fresh pod")
    }
}
