import Foundation
import KgitAPIMachinery

/// The node lifecycle controller: marks nodes whose kubelet stopped heartbeating, taints nodes by
/// their Ready condition, and evicts pods that do not tolerate `NoExecute` taints.
///
/// For each node, the last heartbeat is the later of its Lease's `spec.renewTime` (in
/// `kube-node-lease`) and its Ready condition's `lastHeartbeatTime`. Past the grace period (50 s,
/// upstream's `--node-monitor-grace-period`; 60 s after creation for a node that never reported)
/// the node's Ready, MemoryPressure, DiskPressure and PIDPressure conditions become `Unknown` with
/// reason `NodeStatusUnknown`, and its pods are marked not ready. A node whose Ready condition is
/// `False` gets the `node.kubernetes.io/not-ready` taint, `Unknown` gets
/// `node.kubernetes.io/unreachable`, each with both `NoSchedule` and `NoExecute`; `True` removes
/// them. A pod bound to a node with a `NoExecute` taint it does not tolerate is deleted at once; one
/// tolerating it for `tolerationSeconds` is deleted that long after the taint's `timeAdded`, and the
/// controller requeues for it.
public enum NodeLifecycleController {
    /// The `source.component` of this controller's events.
    public static let component = "node-controller"
    /// The taint of nodes whose Ready condition is False.
    public static let notReadyTaint = "node.kubernetes.io/not-ready"
    /// The taint of nodes whose Ready condition is Unknown.
    public static let unreachableTaint = "node.kubernetes.io/unreachable"
    /// The namespace of node Leases.
    public static let leaseNamespace = "kube-node-lease"

    /// Tunables, with upstream's defaults.
    public struct Configuration: Sendable {
        /// How long a running node may go without a heartbeat.
        public var monitorGracePeriod: TimeInterval = 50
        /// How long a new node may go before its first heartbeat.
        public var startupGracePeriod: TimeInterval = 60
        /// Upstream's defaults.
        public init() {}
    }

    /// Decides what to do for `node` given its Lease (nil if none), every pod, at `now`.
    public static func reconcile(node nodeObject: JSONValue, lease: JSONValue?, pods: [JSONValue], now: Date,
                                 configuration: Configuration = Configuration()) throws(ObjectDecodingError)
        -> [ControllerAction]
    {
        let meta = try ObjectMeta(nodeObject)
        let r = JSONReader(nodeObject, object: meta.key.description)
        var conditions = try r.array(["status", "conditions"])
        let readyIndex = conditions.firstIndex { $0["type"] == "Ready" }
        let readyStatus = readyIndex.flatMap { conditions[$0]["status"]?.stringValue }
        var heartbeat: Date?
        if let i = readyIndex {
            heartbeat = try r.child(conditions[i], at: ["status", "conditions", "[\(i)]"]).time(["lastHeartbeatTime"])
        }
        if let lease {
            let leaseMeta = try ObjectMeta(lease)
            if let renew = try JSONReader(lease, object: leaseMeta.key.description).time(["spec", "renewTime"]) {
                heartbeat = max(heartbeat ?? renew, renew)
            }
        }
        var actions: [ControllerAction] = []
        var effectiveReady = readyStatus ?? "Unknown"

        // 1. Stale heartbeat: conditions to Unknown.
        let stale: Bool
        if let heartbeat {
            stale = now.timeIntervalSince(heartbeat) > configuration.monitorGracePeriod
        } else {
            stale = now.timeIntervalSince(meta.creationTimestamp ?? now) > configuration.startupGracePeriod
        }
        if stale {
            var changed = false
            let time = JSONValue.string(RFC3339.format(now))
            for type in ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"] {
                let i = conditions.firstIndex { $0["type"] == .string(type) }
                guard i.map({ conditions[$0]["status"] != "Unknown" }) ?? true else { continue }
                var c: JSONValue = i.map { conditions[$0] } ?? ["type": .string(type)]
                c["status"] = "Unknown"
                c["reason"] = "NodeStatusUnknown"
                c["message"] = i == nil ? "Kubelet never posted node status." : "Kubelet stopped posting node status."
                c["lastTransitionTime"] = time
                if let i { conditions[i] = c } else { conditions.append(c) }
                changed = true
            }
            if changed {
                actions.append(.patch(meta.key, ["status": ["conditions": .array(conditions)]], status: true))
                if effectiveReady != "Unknown" {
                    actions.append(.event(ControllerEvent(involved: meta.key, type: .normal, reason: "NodeNotReady",
                                                          message: "Node \(meta.name) status is now: NodeNotReady")))
                }
            }
            effectiveReady = "Unknown"
        }

        // A new node that has not posted a Ready condition yet: nothing to decide until it does or its
        // startup grace period ends.
        if readyStatus == nil && !stale {
            let created = meta.creationTimestamp ?? now
            let wait = created.addingTimeInterval(configuration.startupGracePeriod).timeIntervalSince(now)
            return actions + [.requeue(after: .seconds(max(1, Int(wait.rounded(.up)) + 1)))]
        }

        // 2. Taints by the Ready condition.
        var taints: [Taint] = []
        for t in try r.elements(["spec", "taints"]) { taints.append(try Taint(t)) }
        let wanted: String? = effectiveReady == "False" ? notReadyTaint : effectiveReady == "Unknown" ? unreachableTaint : nil
        var newTaints = taints.filter { ($0.key != notReadyTaint && $0.key != unreachableTaint) || $0.key == wanted }
        if let wanted {
            for effect in ["NoSchedule", "NoExecute"] where !newTaints.contains(where: { $0.key == wanted && $0.effect == effect }) {
                newTaints.append(Taint(key: wanted, effect: effect, timeAdded: effect == "NoExecute" ? now : nil))
            }
        }
        if newTaints != taints {
            var metadata: [String: JSONValue] = [:]
            if let rv = meta.resourceVersion { metadata["resourceVersion"] = .string(rv) }
            actions.append(.patch(meta.key, ["metadata": .object(metadata), "spec": ["taints": .array(newTaints.map(\.json))]],
                                  status: false))
        }

        // 3. Pods on the node: not ready when it is not, evicted when they do not tolerate it.
        let noExecute = newTaints.filter { $0.effect == "NoExecute" }
        var nextEviction: TimeInterval?
        // A Ready node without NoExecute taints has nothing to do to its pods, so they are not even decoded: this
        // runs on every node status write, and decoding a full node's pods each time was most of its cost.
        let podsMatter = effectiveReady != "True" || !noExecute.isEmpty
        for object in pods where podsMatter {
            let pod = try Pod(object)
            guard pod.nodeName == meta.name, !pod.meta.isBeingDeleted else { continue }
            if effectiveReady != "True", pod.isReady {
                actions.append(markNotReady(pod, now: now))
            }
            guard !noExecute.isEmpty else { continue }
            var tolerations: [Toleration] = []
            let pr = JSONReader(object, object: pod.meta.key.description)
            for t in try pr.elements(["spec", "tolerations"]) { tolerations.append(try Toleration(t)) }
            var evictAt: Date?
            var tolerated = true
            for taint in noExecute {
                let matching = tolerations.filter { $0.tolerates(taint) }
                if matching.isEmpty { tolerated = false; break }
                let seconds = matching.compactMap(\.tolerationSeconds)
                guard !seconds.isEmpty, matching.allSatisfy({ $0.tolerationSeconds != nil }) else { continue }
                let at = (taint.timeAdded ?? now).addingTimeInterval(TimeInterval(max(0, seconds.min() ?? 0)))
                evictAt = min(evictAt ?? at, at)
            }
            if !tolerated || evictAt.map({ $0 <= now }) == true {
                actions.append(.delete(pod.meta.key, propagation: .background))
                actions.append(.event(ControllerEvent(involved: pod.meta.key, type: .normal, reason: "TaintManagerEviction",
                                                      message: "Marking for deletion Pod \(pod.meta.namespace)/\(pod.meta.name)")))
            } else if let at = evictAt {
                let wait = at.timeIntervalSince(now)
                nextEviction = min(nextEviction ?? wait, wait)
            }
        }
        if let wait = nextEviction { actions.append(.requeue(after: .seconds(max(1, Int(wait.rounded(.up)))))) }
        else if !stale, let heartbeat, effectiveReady == "True" {
            // Look again when the heartbeat would go stale.
            let wait = heartbeat.addingTimeInterval(configuration.monitorGracePeriod).timeIntervalSince(now)
            actions.append(.requeue(after: .seconds(max(1, Int(wait.rounded(.up)) + 1))))
        }
        return actions
    }

    /// Sets the pod's Ready condition to False (upstream `MarkPodsNotReady`).
    static func markNotReady(_ pod: Pod, now: Date) -> ControllerAction {
        var conditions = pod.object.value(at: ["status", "conditions"])?.arrayValue ?? []
        for i in conditions.indices where conditions[i]["type"] == "Ready" {
            conditions[i]["status"] = "False"
            conditions[i]["lastTransitionTime"] = .string(RFC3339.format(now))
        }
        var patch: JSONValue = ["status": ["conditions": .array(conditions)]]
        if let rv = pod.meta.resourceVersion { patch["metadata"] = ["resourceVersion": .string(rv)] }
        return .patch(pod.meta.key, patch, status: true)
    }
}
