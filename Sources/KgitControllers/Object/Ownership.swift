import KgitAPIMachinery

/// Which candidate objects a controller owns, adopts and releases: upstream's
/// `ControllerRefManager.ClaimObject` as a pure decision.
///
/// - A candidate whose controller reference names the owner is owned while the selector matches it,
///   and released (its reference removed) when it no longer does.
/// - A candidate with no controller reference whose labels match is adopted, unless either side is
///   being deleted.
/// - A candidate controlled by someone else is left alone.
struct Ownership {
    /// Indices of candidates the owner controls after this reconcile (adopted ones included).
    var owned: [Int] = []
    /// Patches that adopt or release candidates.
    var actions: [ControllerAction] = []

    init(owner: ObjectMeta, selector: LabelSelector, candidates: [ObjectMeta]) {
        for (i, c) in candidates.enumerated() {
            let matches = selector.matches(c.labels)
            if let ref = c.controllerRef {
                guard ref.uid == owner.uid else { continue }
                if matches {
                    owned.append(i)
                } else if !c.isBeingDeleted {
                    actions.append(Self.setOwnerReferences(of: c, to: c.ownerReferences.filter { $0.uid != owner.uid }))
                }
            } else if matches && !c.isBeingDeleted && !owner.isBeingDeleted {
                owned.append(i)
                actions.append(Self.setOwnerReferences(of: c, to: c.ownerReferences + [.controllerRef(to: owner.key, uid: owner.uid)]))
            }
        }
    }

    /// A merge patch replacing the candidate's owner references, guarded by its resource version.
    static func setOwnerReferences(of object: ObjectMeta, to refs: [OwnerReference]) -> ControllerAction {
        var metadata: [String: JSONValue] = ["ownerReferences": refs.isEmpty ? .null : .array(refs.map(\.json))]
        if let rv = object.resourceVersion { metadata["resourceVersion"] = .string(rv) }
        return .patch(object.key, .object(["metadata": .object(metadata)]), status: false)
    }
}
