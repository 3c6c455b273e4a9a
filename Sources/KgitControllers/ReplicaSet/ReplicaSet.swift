import Foundation
import KgitAPIMachinery

/// What the ReplicaSet and Deployment controllers read of an `apps/v1` ReplicaSet.
public struct ReplicaSet: Sendable, Equatable {
    /// The ReplicaSet's metadata.
    public var meta: ObjectMeta
    /// `spec.replicas`, 1 when absent.
    public var replicas: Int
    /// `spec.minReadySeconds`.
    public var minReadySeconds: Int
    /// `spec.selector`.
    public var selector: LabelSelector
    /// `spec.template`.
    public var template: JSONValue
    /// `spec.template.metadata.labels`.
    public var templateLabels: [String: String]
    /// `status.replicas`.
    public var statusReplicas: Int
    /// `status.readyReplicas`.
    public var readyReplicas: Int
    /// `status.availableReplicas`.
    public var availableReplicas: Int
    /// `status.observedGeneration`.
    public var observedGeneration: Int
    /// The full object.
    public var object: JSONValue

    /// Decodes a ReplicaSet; a missing selector is an error (the API server requires one).
    public init(_ object: JSONValue) throws(ObjectDecodingError) {
        meta = try ObjectMeta(object)
        self.object = object
        let r = JSONReader(object, object: meta.key.description)
        replicas = try r.int(["spec", "replicas"]) ?? 1
        minReadySeconds = try r.int(["spec", "minReadySeconds"]) ?? 0
        guard r.value(["spec", "selector"]) != nil else { throw r.fail(["spec", "selector"], "a ReplicaSet needs a selector") }
        selector = try LabelSelector.decode(r, at: ["spec", "selector"])
        template = r.value(["spec", "template"]) ?? .object([:])
        templateLabels = try r.stringMap(["spec", "template", "metadata", "labels"])
        statusReplicas = try r.int(["status", "replicas"]) ?? 0
        readyReplicas = try r.int(["status", "readyReplicas"]) ?? 0
        availableReplicas = try r.int(["status", "availableReplicas"]) ?? 0
        observedGeneration = try r.int(["status", "observedGeneration"]) ?? 0
    }
}

/// The ReplicaSet controller: keeps `spec.replicas` pods matching the selector running, and reports
/// how many exist, are ready and are available.
///
/// `reconcile` is a pure decision over one ReplicaSet and the pods of its namespace. It is
/// idempotent: given the state its own actions produce, it returns only the status patch (if the
/// counts changed) and nothing else. Like upstream, it trusts the pods it is shown; the caller must
/// not show it a view older than its previous writes (upstream's "expectations").
public enum ReplicaSetController {
    /// The most pods created or deleted in one reconcile (upstream `BurstReplicas`).
    public static let burstReplicas = 500

    /// The `source.component` of this controller's events.
    public static let component = "replicaset-controller"

    /// Decides what to do for `replicaSet` given every pod of its namespace, at `now`.
    ///
    /// Steps, in order: claim pods (adopt matching orphans, release owned pods that stopped
    /// matching), create or delete pods to reach `spec.replicas` (not while the ReplicaSet is being
    /// deleted), patch the status computed from the pods as observed, and requeue when a ready pod
    /// becomes available later because of `minReadySeconds`.
    public static func reconcile(_ replicaSet: JSONValue, pods: [JSONValue], now: Date) throws(ObjectDecodingError)
        -> [ControllerAction]
    {
        let rs = try ReplicaSet(replicaSet)
        var decoded: [Pod] = []
        for p in pods { decoded.append(try Pod(p)) }
        let candidates = decoded.filter { $0.meta.namespace == rs.meta.namespace }
        let ownership = Ownership(owner: rs.meta, selector: rs.selector, candidates: candidates.map(\.meta))
        var actions = ownership.actions
        let active = ownership.owned.map { candidates[$0] }.filter(\.isActive)

        if !rs.meta.isBeingDeleted {
            actions += manageReplicas(rs, active: active)
        }
        if let status = statusPatch(rs, active: active, now: now) {
            actions.append(.patch(rs.meta.key, ["status": status], status: true))
        }
        if let wait = timeUntilNextAvailable(active, minReadySeconds: rs.minReadySeconds, now: now) {
            actions.append(.requeue(after: wait))
        }
        return actions
    }

    /// Creates or deletes pods so that `active` reaches `spec.replicas`, at most ``burstReplicas`` at a time.
    static func manageReplicas(_ rs: ReplicaSet, active: [Pod]) -> [ControllerAction] {
        let diff = active.count - rs.replicas
        if diff < 0 {
            let count = min(-diff, burstReplicas)
            return (0..<count).map { _ in
                .create(podFromTemplate(rs.template, owner: rs.meta),
                        event: ControllerEvent(involved: rs.meta.key, type: .normal, reason: "SuccessfulCreate",
                                               message: "Created pod: \(ControllerEvent.createdName)"))
            }
        }
        if diff > 0 {
            let victims = PodDeletionOrder.sorted(active, related: active).prefix(min(diff, burstReplicas))
            return victims.flatMap { pod -> [ControllerAction] in
                [.delete(pod.meta.key, propagation: .background),
                 .event(ControllerEvent(involved: rs.meta.key, type: .normal, reason: "SuccessfulDelete",
                                        message: "Deleted pod: \(pod.meta.name)"))]
            }
        }
        return []
    }

    /// The pod a controller creates from its template (upstream `GetPodFromTemplate`): the template's
    /// labels, annotations, finalizers and spec, named `<owner>-<random>`, controlled by the owner.
    public static func podFromTemplate(_ template: JSONValue, owner: ObjectMeta) -> JSONValue {
        var metadata: [String: JSONValue] = [
            "generateName": .string(owner.name + "-"),
            "namespace": .string(owner.namespace),
            "ownerReferences": [OwnerReference.controllerRef(to: owner.key, uid: owner.uid).json],
        ]
        for field in ["labels", "annotations", "finalizers"] {
            if let v = template.value(at: ["metadata", field]), !v.isNull { metadata[field] = v }
        }
        return [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": .object(metadata),
            "spec": template["spec"] ?? .object([:]),
        ]
    }

    /// The status computed from the active owned pods (upstream `calculateStatus`), or nil when it
    /// equals the current status.
    static func statusPatch(_ rs: ReplicaSet, active: [Pod], now: Date) -> JSONValue? {
        let fullyLabeled = active.filter { pod in rs.templateLabels.allSatisfy { pod.meta.labels[$0.key] == $0.value } }
        let ready = active.filter(\.isReady)
        let available = active.filter { $0.isAvailable(minReadySeconds: rs.minReadySeconds, now: now) }
        let want: [String: JSONValue] = [
            "replicas": .int(Int64(active.count)),
            "fullyLabeledReplicas": .int(Int64(fullyLabeled.count)),
            "readyReplicas": .int(Int64(ready.count)),
            "availableReplicas": .int(Int64(available.count)),
            "observedGeneration": .int(Int64(rs.meta.generation)),
        ]
        let current = rs.object["status"]?.objectValue ?? [:]
        let changed = want.contains { key, value in (current[key]?.intValue ?? 0) != value.intValue }
        return changed ? .object(want) : nil
    }

    /// How long until the first ready-but-not-yet-available pod becomes available, rounded up to a
    /// whole second; nil when no pod is waiting.
    static func timeUntilNextAvailable(_ pods: [Pod], minReadySeconds: Int, now: Date) -> Duration? {
        guard minReadySeconds > 0 else { return nil }
        let waits = pods.compactMap { pod -> TimeInterval? in
            guard pod.isReady, !pod.isAvailable(minReadySeconds: minReadySeconds, now: now) else { return nil }
            guard let since = pod.readySince else { return TimeInterval(minReadySeconds) }
            return since.addingTimeInterval(TimeInterval(minReadySeconds)).timeIntervalSince(now)
        }
        guard let soonest = waits.min() else { return nil }
        return .seconds(max(1, Int(soonest.rounded(.up))))
    }
}
