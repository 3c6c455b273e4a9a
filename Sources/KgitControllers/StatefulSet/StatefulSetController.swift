import Foundation
import KgitAPIMachinery

/// What the StatefulSet controller reads of an `apps/v1` StatefulSet.
public struct StatefulSet: Sendable, Equatable {
    /// The StatefulSet's metadata.
    public var meta: ObjectMeta
    /// `spec.replicas`, 1 when absent.
    public var replicas: Int
    /// `spec.selector`.
    public var selector: LabelSelector
    /// `spec.template`.
    public var template: JSONValue
    /// `spec.serviceName`: the headless Service giving pods their DNS names.
    public var serviceName: String
    /// Whether `spec.podManagementPolicy` is `Parallel` (otherwise `OrderedReady`).
    public var parallel: Bool
    /// Whether `spec.updateStrategy.type` is `OnDelete` (otherwise `RollingUpdate`).
    public var onDelete: Bool
    /// `spec.updateStrategy.rollingUpdate.partition`: ordinals below it keep the current revision.
    public var partition: Int
    /// `spec.minReadySeconds`.
    public var minReadySeconds: Int
    /// `status.currentRevision`.
    public var currentRevision: String?
    /// `spec.volumeClaimTemplates`: each pod gets a claim `<template>-<set>-<ordinal>` from each.
    public var volumeClaimTemplates: [JSONValue]

    /// Decodes a StatefulSet.
    public init(_ object: JSONValue) throws(ObjectDecodingError) {
        meta = try ObjectMeta(object)
        let r = JSONReader(object, object: meta.key.description)
        replicas = try r.int(["spec", "replicas"]) ?? 1
        guard r.value(["spec", "selector"]) != nil else { throw r.fail(["spec", "selector"], "a StatefulSet needs a selector") }
        selector = try LabelSelector.decode(r, at: ["spec", "selector"])
        template = r.value(["spec", "template"]) ?? .object([:])
        serviceName = try r.string(["spec", "serviceName"]) ?? ""
        parallel = try r.string(["spec", "podManagementPolicy"]) == "Parallel"
        onDelete = try r.string(["spec", "updateStrategy", "type"]) == "OnDelete"
        partition = try r.int(["spec", "updateStrategy", "rollingUpdate", "partition"]) ?? 0
        minReadySeconds = try r.int(["spec", "minReadySeconds"]) ?? 0
        currentRevision = try r.string(["status", "currentRevision"])
        volumeClaimTemplates = try r.array(["spec", "volumeClaimTemplates"])
        for (i, claim) in volumeClaimTemplates.enumerated() where (claim["metadata"]?["name"]?.stringValue ?? "").isEmpty {
            throw r.fail(["spec", "volumeClaimTemplates", "[\(i)]", "metadata", "name"], "a volume claim template needs a name")
        }
    }
}

/// The StatefulSet controller: pods with stable names `<name>-0` … `<name>-(n-1)`, created in
/// order and each only once the one before is running and ready (`OrderedReady`), or all at once
/// (`Parallel`); removed from the highest ordinal down; updated from the highest ordinal down to
/// the partition, one at a time, by deleting a pod of an old revision so that it is recreated
/// from the new template.
///
/// A revision is named `<name>-<hash of the template>` and pods carry it in the
/// `controller-revision-hash` label. Each pod mounts a PersistentVolumeClaim
/// `<template>-<set>-<ordinal>` per `volumeClaimTemplates` entry, created before the pod when missing
/// and kept when the pod or the set goes (upstream's default `Retain`). ControllerRevision history
/// objects are not managed yet, so a pod below the partition that has to
/// be recreated gets the current template rather than its old revision's.
public enum StatefulSetController {
    /// The `source.component` of this controller's events.
    public static let component = "statefulset-controller"
    /// The label naming a pod's revision.
    public static let revisionLabel = "controller-revision-hash"
    /// The label carrying the pod's own name.
    public static let podNameLabel = "statefulset.kubernetes.io/pod-name"
    /// The label carrying the pod's ordinal.
    public static let podIndexLabel = "apps.kubernetes.io/pod-index"

    /// The ordinal of a pod named `<set>-<n>`, if it has that form.
    static func ordinal(of pod: String, in set: String) -> Int? {
        guard pod.hasPrefix(set + "-") else { return nil }
        let rest = pod.dropFirst(set.count + 1)
        guard let n = Int(rest), String(n) == rest, n >= 0 else { return nil }
        return n
    }

    /// Decides what to do for `statefulSet` given the pods of its namespace, at `now`.
    ///
    /// `claims` are the namespace's PersistentVolumeClaims, so that only missing claims are created.
    public static func reconcile(_ statefulSet: JSONValue, pods: [JSONValue], claims: [JSONValue] = [], now: Date)
        throws(ObjectDecodingError) -> [ControllerAction]
    {
        let set = try StatefulSet(statefulSet)
        var decoded: [Pod] = []
        for p in pods { decoded.append(try Pod(p)) }
        let candidates = decoded.filter { $0.meta.namespace == set.meta.namespace && ordinal(of: $0.meta.name, in: set.meta.name) != nil }
        let ownership = Ownership(owner: set.meta, selector: set.selector, candidates: candidates.map(\.meta))
        var actions = ownership.actions
        let owned = ownership.owned.map { candidates[$0] }
        var byOrdinal: [Int: Pod] = [:]
        for pod in owned { if let n = ordinal(of: pod.meta.name, in: set.meta.name) { byOrdinal[n] = pod } }

        let updateRevision = "\(set.meta.name)-\(PodTemplateHash.of(set.template))"
        let currentRevision = set.currentRevision ?? updateRevision
        func healthy(_ p: Pod) -> Bool { p.phase == .running && p.isReady && !p.meta.isBeingDeleted }

        var podActions: [ControllerAction] = []
        if !set.meta.isBeingDeleted {
            podActions = decide(set, byOrdinal: byOrdinal, updateRevision: updateRevision, currentRevision: currentRevision,
                                healthy: healthy)
        }
        actions += withClaims(podActions, for: set, existing: claims)

        let live = owned.filter { !$0.meta.isBeingDeleted }
        let updated = live.filter { $0.meta.labels[revisionLabel] == updateRevision }.count
        let current = live.filter { $0.meta.labels[revisionLabel] == currentRevision }.count
        let ready = live.filter(\.isReady).count
        let available = live.filter { $0.isAvailable(minReadySeconds: set.minReadySeconds, now: now) }.count
        let rolledOut = updated == set.replicas && ready == set.replicas && live.count == set.replicas
        var status: [String: JSONValue] = [
            "observedGeneration": .int(Int64(set.meta.generation)), "replicas": .int(Int64(live.count)),
            "readyReplicas": .int(Int64(ready)), "availableReplicas": .int(Int64(available)),
            "currentReplicas": .int(Int64(rolledOut ? updated : current)), "updatedReplicas": .int(Int64(updated)),
            "currentRevision": .string(rolledOut ? updateRevision : currentRevision), "updateRevision": .string(updateRevision),
        ]
        let old = statefulSet["status"]?.objectValue ?? [:]
        if let c = old["collisionCount"] { status["collisionCount"] = c }
        if let c = old["conditions"] { status["conditions"] = c }
        if JSONValue.object(status) != JSONValue.object(old) {
            actions.append(.patch(set.meta.key, ["status": .object(status)], status: true))
        }
        return actions
    }

    /// The pod creations and deletions of one pass, in upstream's order.
    static func decide(_ set: StatefulSet, byOrdinal: [Int: Pod], updateRevision: String, currentRevision: String,
                       healthy: (Pod) -> Bool) -> [ControllerAction]
    {
        var actions: [ControllerAction] = []
        func delete(_ pod: Pod, _ why: String) {
            actions.append(.delete(pod.meta.key, propagation: .background))
            actions.append(.event(ControllerEvent(involved: set.meta.key, type: .normal, reason: "SuccessfulDelete",
                                                  message: "delete Pod \(pod.meta.name) in StatefulSet \(set.meta.name) \(why)")))
        }
        // 1. Replicas in ascending order.
        for n in 0..<max(0, set.replicas) {
            guard let pod = byOrdinal[n] else {
                let name = "\(set.meta.name)-\(n)"
                actions.append(.create(makePod(for: set, ordinal: n, revision: updateRevision),
                                       event: ControllerEvent(involved: set.meta.key, type: .normal, reason: "SuccessfulCreate",
                                                              message: "create Pod \(name) in StatefulSet \(set.meta.name) successful")))
                if set.parallel { continue } else { return actions }
            }
            if pod.phase == .failed || pod.phase == .succeeded {
                delete(pod, "successful")
                if set.parallel { continue } else { return actions }
            }
            if !healthy(pod) && !set.parallel { return actions }
        }
        // 2. Condemned pods, highest ordinal first, after the replicas are healthy.
        let condemned = byOrdinal.keys.filter { $0 >= set.replicas }.sorted(by: >)
        for n in condemned {
            guard let pod = byOrdinal[n] else { continue }
            if pod.meta.isBeingDeleted {
                if set.parallel { continue } else { return actions }
            }
            delete(pod, "successful")
            if !set.parallel { return actions }
        }
        if !condemned.isEmpty { return actions }
        // 3. Rolling update from the highest ordinal down to the partition.
        guard !set.onDelete else { return actions }
        for n in stride(from: set.replicas - 1, through: max(0, set.partition), by: -1) {
            guard let pod = byOrdinal[n] else { return actions }
            if pod.meta.labels[revisionLabel] != updateRevision {
                if !pod.meta.isBeingDeleted { delete(pod, "successful") }
                return actions
            }
            if !healthy(pod) { return actions }
        }
        return actions
    }

    /// The pod for ordinal `n`: the template, stable name and identity labels, DNS hostname and
    /// subdomain, controlled by the StatefulSet.
    /// The name of the claim `template` gives the pod of `ordinal`: `<template>-<set>-<ordinal>`.
    public static func claimName(_ template: JSONValue, set: String, ordinal: Int) -> String {
        "\(template["metadata"]?["name"]?.stringValue ?? "")-\(set)-\(ordinal)"
    }

    /// `actions` with a create of each missing claim put before the create of the pod that mounts it.
    static func withClaims(_ actions: [ControllerAction], for set: StatefulSet, existing: [JSONValue]) -> [ControllerAction] {
        guard !set.volumeClaimTemplates.isEmpty else { return actions }
        let have = Set(existing.compactMap { claim -> String? in
            guard claim["metadata"]?["namespace"]?.stringValue == set.meta.namespace else { return nil }
            return claim["metadata"]?["name"]?.stringValue
        })
        var result: [ControllerAction] = []
        for action in actions {
            if case .create(let pod, _) = action, pod["kind"] == "Pod", let name = pod["metadata"]?["name"]?.stringValue,
               let n = ordinal(of: name, in: set.meta.name) {
                for template in set.volumeClaimTemplates where !have.contains(claimName(template, set: set.meta.name, ordinal: n)) {
                    result.append(.create(makeClaim(template, for: set, ordinal: n)))
                }
            }
            result.append(action)
        }
        return result
    }

    /// The PersistentVolumeClaim `template` gives the pod of `ordinal`, labelled with the set's selector labels.
    static func makeClaim(_ template: JSONValue, for set: StatefulSet, ordinal n: Int) -> JSONValue {
        var labels = template["metadata"]?["labels"]?.objectValue ?? [:]
        for case .equals(let key, let value) in set.selector.requirements { labels[key] = .string(value) }
        var metadata: [String: JSONValue] = [
            "name": .string(claimName(template, set: set.meta.name, ordinal: n)),
            "namespace": .string(set.meta.namespace),
        ]
        if !labels.isEmpty { metadata["labels"] = .object(labels) }
        if let annotations = template["metadata"]?["annotations"] { metadata["annotations"] = annotations }
        return ["apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": .object(metadata),
                "spec": template["spec"] ?? .object([:])]
    }

    static func makePod(for set: StatefulSet, ordinal n: Int, revision: String) -> JSONValue {
        var pod = ReplicaSetController.podFromTemplate(set.template, owner: set.meta)
        let name = "\(set.meta.name)-\(n)"
        pod.setValue(nil, at: ["metadata", "generateName"])
        pod.setValue(.string(name), at: ["metadata", "name"])
        var labels = pod.value(at: ["metadata", "labels"])?.objectValue ?? [:]
        labels[podNameLabel] = .string(name)
        labels[podIndexLabel] = .string(String(n))
        labels[revisionLabel] = .string(revision)
        pod.setValue(.object(labels), at: ["metadata", "labels"])
        pod.setValue(.string(name), at: ["spec", "hostname"])
        if !set.serviceName.isEmpty { pod.setValue(.string(set.serviceName), at: ["spec", "subdomain"]) }
        if !set.volumeClaimTemplates.isEmpty {
            // One volume per claim template, named as the template, replacing a pod volume of that name.
            let claimNames = Set(set.volumeClaimTemplates.compactMap { $0["metadata"]?["name"]?.stringValue })
            var volumes = (pod.value(at: ["spec", "volumes"])?.arrayValue ?? []).filter {
                !claimNames.contains($0["name"]?.stringValue ?? "")
            }
            for template in set.volumeClaimTemplates {
                volumes.append(["name": template["metadata"]?["name"] ?? "",
                                "persistentVolumeClaim": ["claimName": .string(claimName(template, set: set.meta.name, ordinal: n))]])
            }
            pod.setValue(.array(volumes), at: ["spec", "volumes"])
        }
        return pod
    }
}
