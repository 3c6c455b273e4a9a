import Foundation
import KgitAPIMachinery

/// The DaemonSet controller: one pod per node that should run it, bound to that node by a required
/// node affinity on `metadata.name` (the scheduler places it), replaced node by node on a template
/// change within `maxUnavailable`.
///
/// A node should run the daemon pod when the template's `nodeSelector` matches its labels and the
/// pod tolerates its `NoSchedule` and `NoExecute` taints, counting the tolerations the controller
/// adds to every daemon pod as upstream does (not-ready, unreachable, the pressure conditions and
/// unschedulable), so cordoned and failing nodes keep their daemons. Node affinity in the template
/// and `maxSurge` are not evaluated yet.
public enum DaemonSetController {
    /// The `source.component` of this controller's events.
    public static let component = "daemonset-controller"

    /// The tolerations added to every daemon pod.
    static let addedTolerations: [JSONValue] = [
        ["key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"],
        ["key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"],
        ["key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"],
        ["key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"],
        ["key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"],
        ["key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"],
    ]

    /// The node a daemon pod belongs to: its `spec.nodeName`, or the node its required affinity names.
    static func targetNode(_ pod: Pod) -> String? {
        if !pod.nodeName.isEmpty { return pod.nodeName }
        let terms = pod.object.value(at: ["spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                                          "nodeSelectorTerms"])?.arrayValue ?? []
        for term in terms {
            for field in term["matchFields"]?.arrayValue ?? [] where field["key"] == "metadata.name" {
                if let v = field["values"]?.arrayValue?.first?.stringValue { return v }
            }
        }
        return nil
    }

    /// Decides what to do for `daemonSet` given every node and the pods of its namespace, at `now`.
    public static func reconcile(_ daemonSet: JSONValue, nodes: [JSONValue], pods: [JSONValue], now: Date)
        throws(ObjectDecodingError) -> [ControllerAction]
    {
        let meta = try ObjectMeta(daemonSet)
        let r = JSONReader(daemonSet, object: meta.key.description)
        guard r.value(["spec", "selector"]) != nil else { throw r.fail(["spec", "selector"], "a DaemonSet needs a selector") }
        let selector = try LabelSelector.decode(r, at: ["spec", "selector"])
        let template = r.value(["spec", "template"]) ?? .object([:])
        let nodeSelector = try r.stringMap(["spec", "template", "spec", "nodeSelector"])
        let onDelete = try r.string(["spec", "updateStrategy", "type"]) == "OnDelete"
        let minReadySeconds = try r.int(["spec", "minReadySeconds"]) ?? 0
        var tolerations: [Toleration] = []
        let templateTolerations = try r.array(["spec", "template", "spec", "tolerations"])
        for (i, t) in (templateTolerations + addedTolerations).enumerated() {
            tolerations.append(try Toleration(r.child(t, at: ["spec", "template", "spec", "tolerations", "[\(i)]"])))
        }
        let hash = PodTemplateHash.of(template)

        var decoded: [Pod] = []
        for p in pods { decoded.append(try Pod(p)) }
        let candidates = decoded.filter { $0.meta.namespace == meta.namespace }
        let ownership = Ownership(owner: meta, selector: selector, candidates: candidates.map(\.meta))
        var actions = ownership.actions
        let owned = ownership.owned.map { candidates[$0] }.filter { !$0.meta.isBeingDeleted }
        var podsByNode: [String: [Pod]] = [:]
        for pod in owned { if let n = targetNode(pod) { podsByNode[n, default: []].append(pod) } }

        var desired = 0, scheduled = 0, misscheduled = 0, ready = 0, available = 0, updated = 0
        var oldPods: [Pod] = []
        var unavailableCount = 0
        var podActions: [ControllerAction] = []
        func delete(_ pod: Pod) {
            podActions.append(.delete(pod.meta.key, propagation: .background))
            podActions.append(.event(ControllerEvent(involved: meta.key, type: .normal, reason: "SuccessfulDelete",
                                                     message: "Deleted pod: \(pod.meta.name)")))
        }
        for node in nodes {
            let nodeMeta = try ObjectMeta(node)
            let nr = JSONReader(node, object: nodeMeta.key.description)
            var taints: [Taint] = []
            for t in try nr.elements(["spec", "taints"]) { taints.append(try Taint(t)) }
            let shouldRun = nodeSelector.allSatisfy { nodeMeta.labels[$0.key] == $0.value }
                && taints.filter { $0.effect == "NoSchedule" || $0.effect == "NoExecute" }
                    .allSatisfy { taint in tolerations.contains { $0.tolerates(taint) } }
            let here = (podsByNode[nodeMeta.name] ?? []).sorted {
                ($0.meta.creationTimestamp ?? .distantPast, $0.meta.name) < ($1.meta.creationTimestamp ?? .distantPast, $1.meta.name)
            }
            if !shouldRun {
                if !here.isEmpty { misscheduled += 1 }
                here.forEach(delete)
                continue
            }
            desired += 1
            let failed = here.filter { $0.phase == .failed }
            for pod in failed {
                delete(pod)
                podActions.append(.event(ControllerEvent(involved: meta.key, type: .warning, reason: "FailedDaemonPod",
                                                         message: "Found failed daemon pod \(pod.meta.namespace)/\(pod.meta.name) on node \(nodeMeta.name), will try to kill it")))
            }
            let running = here.filter { $0.phase != .failed }
            guard let keep = running.first else {
                if meta.isBeingDeleted { continue }
                podActions.append(.create(makePod(template, owner: meta, node: nodeMeta.name, hash: hash),
                                          event: ControllerEvent(involved: meta.key, type: .normal, reason: "SuccessfulCreate",
                                                                 message: "Created pod: \(ControllerEvent.createdName)")))
                unavailableCount += 1
                continue
            }
            scheduled += 1
            running.dropFirst().forEach(delete)
            if keep.isReady { ready += 1 }
            let isAvailable = keep.isAvailable(minReadySeconds: minReadySeconds, now: now)
            if isAvailable { available += 1 } else { unavailableCount += 1 }
            if keep.meta.labels[StatefulSetController.revisionLabel] == hash { updated += 1 } else { oldPods.append(keep) }
        }

        // Rolling update: replace old pods, unavailable ones first, while at most maxUnavailable are down.
        if !onDelete && !meta.isBeingDeleted && !oldPods.isEmpty {
            let path = ["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"]
            let setting = try IntOrString.decode(r, at: path) ?? .int(1)
            let maxUnavailable: Int
            do {
                maxUnavailable = try setting.scaled(against: desired, roundUp: true)
            } catch {
                throw r.fail(path, error.description)
            }
            let (down, up) = oldPods.reduce(into: ([Pod](), [Pod]())) { acc, pod in
                if pod.isAvailable(minReadySeconds: minReadySeconds, now: now) { acc.1.append(pod) } else { acc.0.append(pod) }
            }
            down.forEach(delete)
            let budget = max(0, maxUnavailable - unavailableCount)
            up.sorted { $0.meta.name < $1.meta.name }.prefix(budget).forEach(delete)
        }
        actions += podActions

        let status: [String: JSONValue] = [
            "observedGeneration": .int(Int64(meta.generation)),
            "desiredNumberScheduled": .int(Int64(desired)), "currentNumberScheduled": .int(Int64(scheduled)),
            "numberMisscheduled": .int(Int64(misscheduled)), "numberReady": .int(Int64(ready)),
            "numberAvailable": .int(Int64(available)), "numberUnavailable": .int(Int64(max(0, desired - available))),
            "updatedNumberScheduled": .int(Int64(updated)),
        ]
        let old = daemonSet["status"]?.objectValue ?? [:]
        if status.contains(where: { old[$0.key] != $0.value }) {
            actions.append(.patch(meta.key, ["status": .object(status)], status: true))
        }
        return actions
    }

    /// A daemon pod for `node`: the template, the revision label, the added tolerations, and a
    /// required node affinity on the node's name.
    static func makePod(_ template: JSONValue, owner: ObjectMeta, node: String, hash: String) -> JSONValue {
        var pod = ReplicaSetController.podFromTemplate(template, owner: owner)
        var labels = pod.value(at: ["metadata", "labels"])?.objectValue ?? [:]
        labels[StatefulSetController.revisionLabel] = .string(hash)
        pod.setValue(.object(labels), at: ["metadata", "labels"])
        let existing = pod.value(at: ["spec", "tolerations"])?.arrayValue ?? []
        pod.setValue(.array(existing + addedTolerations.filter { !existing.contains($0) }), at: ["spec", "tolerations"])
        pod.setValue([["matchFields": [["key": "metadata.name", "operator": "In", "values": [.string(node)]]]]],
                     at: ["spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"])
        return pod
    }
}
