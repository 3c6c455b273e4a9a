import KgitAPIMachinery

/// Names one object in the cluster: its API version, kind, namespace and name.
///
/// Actions and events address objects by key; the optional `uid` makes a write apply only to the
/// incarnation the reconciler observed (a precondition), so a recreated object of the same name is safe.
public struct ObjectKey: Sendable, Hashable, CustomStringConvertible {
    /// `group/version`, or `v1` for the core group.
    public var apiVersion: String
    /// The kind, e.g. `Pod`.
    public var kind: String
    /// The namespace; empty for cluster-scoped kinds.
    public var namespace: String
    /// The object's name.
    public var name: String
    /// The UID the reconciler observed, when known.
    public var uid: String?

    /// A key from its parts.
    public init(apiVersion: String, kind: String, namespace: String, name: String, uid: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
    }

    /// `apps/v1 Deployment shop/web`, the form errors and logs use.
    public var description: String {
        namespace.isEmpty ? "\(apiVersion) \(kind) \(name)" : "\(apiVersion) \(kind) \(namespace)/\(name)"
    }

    /// The key with the UID dropped, for comparing names only.
    public var withoutUID: ObjectKey {
        ObjectKey(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
    }

    /// The API group: the part of `apiVersion` before the slash, empty for the core group.
    public var group: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }
}

/// One entry of `metadata.ownerReferences`.
public struct OwnerReference: Sendable, Hashable {
    /// The owner's `group/version`.
    public var apiVersion: String
    /// The owner's kind.
    public var kind: String
    /// The owner's name (in the dependent's namespace, or cluster-scoped).
    public var name: String
    /// The owner's UID.
    public var uid: String
    /// Whether the owner is the managing controller of the dependent (at most one reference is).
    public var controller: Bool
    /// Whether foreground deletion of the owner waits for this dependent to be gone.
    public var blockOwnerDeletion: Bool

    /// A reference from its parts.
    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool = false,
                blockOwnerDeletion: Bool = false) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }

    /// The reference as it is stored.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name), "uid": .string(uid),
        ]
        if controller { members["controller"] = true }
        if blockOwnerDeletion { members["blockOwnerDeletion"] = true }
        return .object(members)
    }

    /// The controller reference a controller sets on what it creates: `controller` and
    /// `blockOwnerDeletion` both true, as upstream's `NewControllerRef`.
    public static func controllerRef(to owner: ObjectKey, uid: String) -> OwnerReference {
        OwnerReference(apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: uid,
                       controller: true, blockOwnerDeletion: true)
    }
}
