import Foundation
import KgitAPIMachinery

/// The disruption controller: keeps a PodDisruptionBudget's status true to the pods it selects, so the
/// eviction subresource can decide from `status.disruptionsAllowed`.
///
/// - `expectedPods`: the replicas of the controllers (ReplicaSet, StatefulSet, ReplicationController) owning
///   the selected pods, plus the selected pods without such an owner;
/// - `currentHealthy`: selected pods that are Ready, not being deleted and not recently evicted
///   (`status.disruptedPods`, entries dropped after 2 minutes or once the pod is gone or being deleted);
/// - `desiredHealthy`: `minAvailable` (a percentage of expected, rounded up), or expected minus
///   `maxUnavailable` (a percentage rounded up), at least 0;
/// - `disruptionsAllowed`: `currentHealthy - desiredHealthy`, at least 0; with the `DisruptionAllowed`
///   condition (`SufficientPods` / `InsufficientPods`) and `observedGeneration`.
public enum DisruptionController {
    /// The `source.component` of this controller's events.
    public static let component = "controllermanager"
    /// How long an evicted pod counts as disrupted before it is counted healthy again (upstream: 2 minutes).
    public static let disruptedPodTimeout: TimeInterval = 120

    /// The status patch for `budget` given the pods of its namespace and the replica counts of their
    /// controllers (by owner UID); nil-free: returns no action when the status is already right.
    public static func reconcile(
        _ budget: JSONValue, pods: [JSONValue], replicasByOwnerUID: [String: Int], now: Date
    ) throws(ObjectDecodingError) -> [ControllerAction] {
        let meta = try ObjectMeta(budget)
        let r = JSONReader(budget, object: meta.key.description)
        let selector = try LabelSelector.decode(r, at: ["spec", "selector"])
        let hasSelector = budget.value(at: ["spec", "selector"]) != nil && !selector.isEmpty
        var selected: [Pod] = []
        if hasSelector {
            for object in pods {
                let pod = try Pod(object)
                guard selector.matches(pod.meta.labels), pod.phase != .succeeded, pod.phase != .failed else { continue }
                selected.append(pod)
            }
        }
        var expected = 0
        var owners: Set<String> = []
        for pod in selected {
            if let owner = pod.meta.ownerReferences.first(where: { $0.controller }),
               let replicas = replicasByOwnerUID[owner.uid]
            {
                if owners.insert(owner.uid).inserted { expected += replicas }
            } else {
                expected += 1
            }
        }
        // Disrupted pods: still counted as disrupted until seen deleted or timed out.
        var disrupted: [String: JSONValue] = [:]
        let names = Dictionary(selected.map { ($0.meta.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (name, value) in budget.value(at: ["status", "disruptedPods"])?.objectValue ?? [:] {
            guard let pod = names[name], !pod.meta.isBeingDeleted,
                  let at = value.stringValue.flatMap(RFC3339.parse), now.timeIntervalSince(at) < disruptedPodTimeout
            else { continue }
            disrupted[name] = value
        }
        let healthy = selected.filter { $0.isReady && !$0.meta.isBeingDeleted && disrupted[$0.meta.name] == nil }.count
        var desired = 0
        do {
            if let min = try IntOrString.decode(r, at: ["spec", "minAvailable"]) {
                desired = try min.scaled(against: expected, roundUp: true)
            } else if let max = try IntOrString.decode(r, at: ["spec", "maxUnavailable"]) {
                desired = Swift.max(0, expected - (try max.scaled(against: expected, roundUp: true)))
            }
        } catch let error as ObjectDecodingError {
            throw error
        } catch {
            throw r.fail(["spec"], "\(error)")
        }
        let allowed = Swift.max(0, healthy - desired)
        let oldStatus = budget["status"] ?? [:]
        let oldCondition = (oldStatus["conditions"]?.arrayValue ?? []).first { $0["type"] == "DisruptionAllowed" }
        let conditionStatus = allowed > 0 ? "True" : "False"
        var condition: JSONValue = [
            "type": "DisruptionAllowed", "status": .string(conditionStatus),
            "reason": allowed > 0 ? "SufficientPods" : "InsufficientPods", "message": "",
            "observedGeneration": .int(Int64(meta.generation)),
            "lastTransitionTime": .string(RFC3339.format(now)),
        ]
        if let oldCondition, oldCondition["status"] == .string(conditionStatus),
           let since = oldCondition["lastTransitionTime"]
        {
            condition["lastTransitionTime"] = since
        }
        let status: JSONValue = [
            "observedGeneration": .int(Int64(meta.generation)),
            "expectedPods": .int(Int64(expected)), "currentHealthy": .int(Int64(healthy)),
            "desiredHealthy": .int(Int64(desired)), "disruptionsAllowed": .int(Int64(allowed)),
            "disruptedPods": .object(disrupted), "conditions": [condition],
        ]
        var actions: [ControllerAction] = []
        let comparable: JSONValue = [
            "observedGeneration": oldStatus["observedGeneration"] ?? .null,
            "expectedPods": oldStatus["expectedPods"] ?? .null, "currentHealthy": oldStatus["currentHealthy"] ?? .null,
            "desiredHealthy": oldStatus["desiredHealthy"] ?? .null,
            "disruptionsAllowed": oldStatus["disruptionsAllowed"] ?? .null,
            "disruptedPods": oldStatus["disruptedPods"] ?? [:], "conditions": oldStatus["conditions"] ?? .null,
        ]
        if comparable != status {
            // disruptedPods is a map: null removes the entries that ended.
            var patchStatus = status
            var pods = disrupted
            for name in (oldStatus["disruptedPods"]?.objectValue ?? [:]).keys where disrupted[name] == nil {
                pods[name] = .null
            }
            patchStatus["disruptedPods"] = .object(pods)
            var patch: JSONValue = ["status": patchStatus]
            if let rv = meta.resourceVersion { patch["metadata"] = ["resourceVersion": .string(rv)] }
            actions.append(.patch(meta.key, patch, status: true))
        }
        if !disrupted.isEmpty { actions.append(.requeue(after: .seconds(Int(disruptedPodTimeout) / 4))) }
        return actions
    }
}
