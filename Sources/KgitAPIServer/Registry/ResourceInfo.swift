/// Everything the server knows about one served resource type: how it is addressed, discovered,
/// stored and which verbs it allows.
public struct ResourceInfo: Sendable, Hashable {
    public var group: String
    public var version: String
    /// The plural, lower-case path segment, e.g. `deployments`.
    public var resource: String
    public var singular: String
    public var kind: String
    public var namespaced: Bool
    public var verbs: [String]
    public var shortNames: [String]
    public var categories: [String]
    /// Subresources served under `<resource>/<name>/<subresource>`, e.g. `status`.
    public var subresources: [Subresource]
    /// Whether objects are stored (false for virtual, create-only review types).
    public var stored: Bool

    /// A subresource and the kind it speaks.
    public struct Subresource: Sendable, Hashable {
        public var name: String
        public var group: String
        public var version: String
        public var kind: String
        public var verbs: [String]
    }

    /// `apps/v1` or `v1` for the core group.
    public var groupVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `deployments.apps` or `pods`.
    public var qualifiedResource: String { group.isEmpty ? resource : "\(resource).\(group)" }

    /// The storage prefix for this resource, ending in `/`: `/registry/apps/deployments/`.
    public var storagePrefix: String { "/registry/\(group.isEmpty ? "core" : group)/\(resource)/" }

    /// The storage key for one object.
    public func storageKey(namespace: String?, name: String) -> String {
        if namespaced, let namespace { return storagePrefix + namespace + "/" + name }
        return storagePrefix + name
    }

    /// The key prefix for a list in `namespace` (nil: all namespaces).
    public func listPrefix(namespace: String?) -> String {
        if namespaced, let namespace { return storagePrefix + namespace + "/" }
        return storagePrefix
    }
}
