import KgitAPIMachinery

/// The garbage collector: deletes objects whose owners are gone, and carries out foreground and
/// orphan deletion, from `metadata.ownerReferences` alone.
///
/// `reconcile` is a pure decision over the whole object graph (every object of every kind the
/// collector watches). Owners are matched by UID, so an owner recreated under the same name does
/// not keep the old one's dependents alive. Per object, as upstream's `attemptToDeleteItem`,
/// `processDeletingDependentsItem` and `orphanDependents`:
///
/// - **An owner being deleted in the foreground** (`foregroundDeletion` finalizer) keeps that
///   finalizer until no dependent with `blockOwnerDeletion: true` remains; its dependents are
///   deleted like any object whose owners are all going.
/// - **An owner being deleted as an orphaner** (`orphan` finalizer) has its references removed from
///   every dependent, and then loses the finalizer.
/// - **A dependent** is left alone while one owner still stands (references to owners that are
///   gone or being deleted in the foreground are removed from it); when none does, it is deleted:
///   in the foreground when an owner waits in the foreground and the dependent has dependents of its
///   own, otherwise with the policy its own finalizers ask for (background by default).
public enum GarbageCollector {
    /// The `source.component` of this controller's events.
    public static let component = "garbage-collector"
    /// The finalizer that holds an object until its blocking dependents are gone.
    public static let foregroundFinalizer = "foregroundDeletion"
    /// The finalizer that holds an object until its dependents no longer reference it.
    public static let orphanFinalizer = "orphan"

    /// Decides what to do for every object of the graph.
    public static func reconcile(objects: [JSONValue]) throws(ObjectDecodingError) -> [ControllerAction] {
        var metas: [ObjectMeta] = []
        for o in objects { metas.append(try ObjectMeta(o)) }
        var byUID: [String: ObjectMeta] = [:]
        var dependents: [String: [ObjectMeta]] = [:]
        for m in metas where !m.uid.isEmpty {
            byUID[m.uid] = m
            for ref in m.ownerReferences { dependents[ref.uid, default: []].append(m) }
        }
        var actions: [ControllerAction] = []
        for m in metas.sorted(by: { ($0.namespace, $0.kind, $0.name) < ($1.namespace, $1.kind, $1.name) }) {
            if m.isBeingDeleted {
                if m.finalizers.contains(orphanFinalizer) {
                    actions += orphan(m, dependents: dependents[m.uid] ?? [])
                } else if m.finalizers.contains(foregroundFinalizer) {
                    let blocking = (dependents[m.uid] ?? []).filter { d in
                        d.ownerReferences.contains { $0.uid == m.uid && $0.blockOwnerDeletion }
                    }
                    if blocking.isEmpty { actions.append(removeFinalizer(foregroundFinalizer, from: m)) }
                    actions += attemptToDelete(m, byUID: byUID, hasDependents: !(dependents[m.uid] ?? []).isEmpty,
                                               deleting: true)
                }
                continue
            }
            actions += attemptToDelete(m, byUID: byUID, hasDependents: !(dependents[m.uid] ?? []).isEmpty, deleting: false)
        }
        return actions
    }

    /// The owner found for `ref` of `dependent`: same UID, and a namespace the dependent may point at.
    static func owner(of dependent: ObjectMeta, _ ref: OwnerReference, in byUID: [String: ObjectMeta]) -> ObjectMeta? {
        guard let o = byUID[ref.uid], o.kind == ref.kind, o.name == ref.name else { return nil }
        if !o.namespace.isEmpty && o.namespace != dependent.namespace { return nil }
        return o
    }

    static func isWaitingForDependents(_ o: ObjectMeta) -> Bool {
        o.isBeingDeleted && o.finalizers.contains(foregroundFinalizer)
    }

    /// Upstream `attemptToDeleteItem` for one dependent.
    static func attemptToDelete(_ m: ObjectMeta, byUID: [String: ObjectMeta], hasDependents: Bool, deleting: Bool)
        -> [ControllerAction]
    {
        guard !m.ownerReferences.isEmpty else { return [] }
        var solid: [OwnerReference] = []
        var dangling: [OwnerReference] = []
        var waiting: [OwnerReference] = []
        for ref in m.ownerReferences {
            guard let o = owner(of: m, ref, in: byUID) else {
                dangling.append(ref)
                continue
            }
            if isWaitingForDependents(o) { waiting.append(ref) } else { solid.append(ref) }
        }
        if !solid.isEmpty {
            guard !dangling.isEmpty || !waiting.isEmpty else { return [] }
            return [Ownership.setOwnerReferences(of: m, to: solid)]
        }
        if deleting { return [] }
        let policy: PropagationPolicy
        if !waiting.isEmpty && hasDependents {
            policy = .foreground
        } else if m.finalizers.contains(orphanFinalizer) {
            policy = .orphan
        } else if m.finalizers.contains(foregroundFinalizer) {
            policy = .foreground
        } else {
            policy = .background
        }
        return [.delete(m.key, propagation: policy)]
    }

    /// Removes references to `owner` from its dependents; once none remain, its `orphan` finalizer.
    static func orphan(_ owner: ObjectMeta, dependents: [ObjectMeta]) -> [ControllerAction] {
        let referencing = dependents.filter { d in d.ownerReferences.contains { $0.uid == owner.uid } }
        if referencing.isEmpty { return [removeFinalizer(orphanFinalizer, from: owner)] }
        return referencing.map { d in Ownership.setOwnerReferences(of: d, to: d.ownerReferences.filter { $0.uid != owner.uid }) }
    }

    static func removeFinalizer(_ finalizer: String, from m: ObjectMeta) -> ControllerAction {
        let remaining = m.finalizers.filter { $0 != finalizer }
        var metadata: [String: JSONValue] = ["finalizers": remaining.isEmpty ? .null : .array(remaining.map { .string($0) })]
        if let rv = m.resourceVersion { metadata["resourceVersion"] = .string(rv) }
        return .patch(m.key, ["metadata": .object(metadata)], status: false)
    }
}
