import KgitSchema
import KgitYAML

/// Which Kubernetes object a manifest or a live object is: group, version, kind, namespace and name.
///
/// Two identities are equal (and hash alike) when they name the same object on a cluster: group,
/// kind, namespace and name. The version is how the object is served, not which object it is, so a
/// Deployment written as `apps/v1` matches the one the server returns at any other version.
public struct ObjectIdentity: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The API group; empty for the core group (`v1`).
    public var group: String
    /// The API version within the group (`v1`, `v1beta1`).
    public var version: String
    /// The kind (`Deployment`).
    public var kind: String
    /// The namespace; empty for a cluster-scoped object.
    public var namespace: String
    /// The object's name.
    public var name: String

    public init(group: String, version: String, kind: String, namespace: String = "", name: String) {
        self.group = group
        self.version = version
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// An identity from an `apiVersion` such as `apps/v1` or `v1`.
    public init(apiVersion: String, kind: String, namespace: String = "", name: String) {
        let gvk = GroupVersionKind(apiVersion: apiVersion, kind: kind)
        self.init(group: gvk.group, version: gvk.version, kind: kind, namespace: namespace, name: name)
    }

    /// `apps/v1`, or `v1` for the core group.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The group and kind, `Deployment.apps` or `ConfigMap`, the form gitops-engine and kubectl print.
    public var groupKind: String { group.isEmpty ? kind : "\(kind).\(group)" }

    /// `Deployment/default/web`, or `Namespace/web` for a cluster-scoped object: the path used in
    /// diff headers.
    public var path: String { namespace.isEmpty ? "\(kind)/\(name)" : "\(kind)/\(namespace)/\(name)" }

    /// `apps/v1 Deployment default/web`, the form KgitSchema's diagnostics use for `object`.
    public var description: String {
        namespace.isEmpty ? "\(apiVersion) \(kind) \(name)" : "\(apiVersion) \(kind) \(namespace)/\(name)"
    }

    public static func == (lhs: ObjectIdentity, rhs: ObjectIdentity) -> Bool {
        lhs.group == rhs.group && lhs.kind == rhs.kind && lhs.namespace == rhs.namespace && lhs.name == rhs.name
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(group)
        hasher.combine(kind)
        hasher.combine(namespace)
        hasher.combine(name)
    }

    /// Group, kind, namespace, name: a deterministic order for output.
    public static func < (lhs: ObjectIdentity, rhs: ObjectIdentity) -> Bool {
        (lhs.group, lhs.kind, lhs.namespace, lhs.name) < (rhs.group, rhs.kind, rhs.namespace, rhs.name)
    }
}

extension ObjectIdentity {
    /// The identity an object declares in its `apiVersion`, `kind` and `metadata`; nil when one of
    /// `apiVersion`, `kind` or `metadata.name` is missing. Used for live objects returned by the server.
    public init?(object: YAMLValue) {
        guard case .string(let apiVersion)? = object["apiVersion"], case .string(let kind)? = object["kind"],
            case .string(let name)? = object["metadata"]?["name"], !apiVersion.isEmpty, !kind.isEmpty, !name.isEmpty
        else { return nil }
        var namespace = ""
        if case .string(let value)? = object["metadata"]?["namespace"] { namespace = value }
        self.init(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
    }
}
