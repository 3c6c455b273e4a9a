import KgitYAML

/// Where a sync's inventory lives on the cluster: one ConfigMap per sync name.
///
/// ```
/// Namespace kgit-system
///   ConfigMap kgit-inventory-<name>      labels: app.kubernetes.io/managed-by=kgit, kgit.dev/sync-name=<name>
///     data.inventory.json: {"objects":[{"group":"apps","kind":"Deployment",...}],"revision":"<commit>"}
/// ```
///
/// A ConfigMap rather than a Secret: the inventory names objects and holds no secret, and operators can read it
/// with `kubectl get configmap -n kgit-system`. Keeping it in the cluster (not on the machine that ran
/// `kgit sync`) means any machine, and later the Application controller, prunes from the same record.
public struct InventoryStore: Sendable {
    /// The namespace holding every inventory.
    public static let namespace = "kgit-system"
    /// The data key of the serialized inventory.
    public static let dataKey = "inventory.json"

    /// The client the inventory is read and written through.
    public let client: any ClusterClient
    /// The sync's name.
    public let name: String
    /// The field manager the inventory is applied as.
    public let fieldManager: String

    /// A store for sync `name`.
    public init(client: any ClusterClient, name: String, fieldManager: String = "kgit") {
        self.client = client
        self.name = name
        self.fieldManager = fieldManager
    }

    /// `kgit-inventory-<name>`.
    public var configMapName: String { "kgit-inventory-\(name)" }

    /// The ConfigMap's identity.
    public var identity: ObjectIdentity {
        ObjectIdentity(group: "", version: "v1", kind: "ConfigMap", namespace: Self.namespace, name: configMapName)
    }

    /// The stored inventory; empty when this sync never stored one.
    /// - Throws: `InventoryError` when the stored one cannot be read (it is not silently treated as empty:
    ///   that would make a later prune forget objects).
    public func read() async throws -> Inventory {
        guard let configMap = try await client.get(identity) else { return .empty }
        guard case .string(let text)? = configMap["data"]?[Self.dataKey] else {
            throw InventoryError(
                message: "ConfigMap \(Self.namespace)/\(configMapName) has no data.\(Self.dataKey); delete it to start over")
        }
        do {
            return try Inventory(serialized: text)
        } catch {
            throw InventoryError(message: "ConfigMap \(Self.namespace)/\(configMapName): \(error.message)")
        }
    }

    /// Stores `inventory`, creating the namespace when needed.
    public func write(_ inventory: Inventory) async throws {
        let namespace = YAMLValue.mapping([
            .init(key: "apiVersion", value: .string("v1")), .init(key: "kind", value: .string("Namespace")),
            .init(key: "metadata", value: .mapping([.init(key: "name", value: .string(Self.namespace))])),
        ])
        if try await client.get(ObjectIdentity(group: "", version: "v1", kind: "Namespace", name: Self.namespace)) == nil {
            _ = try await client.apply(namespace, fieldManager: fieldManager, force: true, dryRun: false)
        }
        let labels = YAMLValue.mapping([
            .init(key: "app.kubernetes.io/managed-by", value: .string("kgit")), .init(key: "kgit.dev/sync-name", value: .string(name)),
        ])
        let configMap = YAMLValue.mapping([
            .init(key: "apiVersion", value: .string("v1")), .init(key: "kind", value: .string("ConfigMap")),
            .init(
                key: "metadata",
                value: .mapping([
                    .init(key: "name", value: .string(configMapName)),
                    .init(key: "namespace", value: .string(Self.namespace)), .init(key: "labels", value: labels),
                ])),
            .init(key: "data", value: .mapping([.init(key: Self.dataKey, value: .string(inventory.serialized()))])),
        ])
        _ = try await client.apply(configMap, fieldManager: fieldManager, force: true, dryRun: false)
    }
}
