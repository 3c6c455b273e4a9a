import KgitAPIMachinery
import KgitClient
import KgitYAML

/// `ClusterClient` over KgitClient's `DynamicClient`: the engine's view of a real API server.
public struct KubernetesClusterClient: ClusterClient {
    /// The client requests go through.
    public let client: DynamicClient

    /// An engine client over `client`.
    public init(client: DynamicClient) {
        self.client = client
    }

    /// The live object, or nil when it does not exist or its kind is not served (yet: a CRD in the same sync).
    public func get(_ identity: ObjectIdentity) async throws -> YAMLValue? {
        do {
            return try await client.getIfPresent(Self.reference(identity)).map(YAMLValue.init(json:))
        } catch ClientError.unknownKind {
            return nil
        }
    }

    /// Every live object of the kind (all pages).
    public func list(group: String, version: String, kind: String, namespace: String?, labelSelector: String?)
        async throws -> [YAMLValue]
    {
        let apiVersion = group.isEmpty ? version : "\(group)/\(version)"
        let list = try await client.listAll(
            apiVersion: apiVersion, kind: kind, namespace: namespace, options: ListOptions(labelSelector: labelSelector))
        return list.items.map(YAMLValue.init(json:))
    }

    /// Server-side apply.
    public func apply(_ object: YAMLValue, fieldManager: String, force: Bool, dryRun: Bool) async throws -> YAMLValue {
        YAMLValue(json: try await client.apply(object.json, fieldManager: fieldManager, force: force, dryRun: dryRun))
    }

    /// Deletes with background propagation; false when the object was already gone.
    public func delete(_ identity: ObjectIdentity, dryRun: Bool) async throws -> Bool {
        do {
            try await client.delete(Self.reference(identity), propagationPolicy: .background, dryRun: dryRun)
            return true
        } catch let error as ClientError where error.isNotFound {
            return false
        } catch ClientError.unknownKind {
            return false
        }
    }

    static func reference(_ identity: ObjectIdentity) -> ObjectReference {
        ObjectReference(
            apiVersion: identity.apiVersion, kind: identity.kind,
            namespace: identity.namespace.isEmpty ? nil : identity.namespace, name: identity.name)
    }
}
