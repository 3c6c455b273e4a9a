import KgitYAML

/// What the sync engine needs from a Kubernetes API server. The engine is written against this
/// protocol; the implementation over the API server client lives with that client.
public protocol ClusterClient: Sendable {
    /// The live object, or nil when it does not exist.
    func get(_ identity: ObjectIdentity) async throws -> YAMLValue?

    /// Every live object of a group, version and kind, in `namespace` (nil: all namespaces, or a
    /// cluster-scoped kind), matching `labelSelector` when given.
    func list(group: String, version: String, kind: String, namespace: String?, labelSelector: String?)
        async throws -> [YAMLValue]

    /// Server-side applies `object` as `fieldManager` (taking over conflicting fields when `force`),
    /// and returns the object as stored. With `dryRun`, nothing is persisted.
    func apply(_ object: YAMLValue, fieldManager: String, force: Bool, dryRun: Bool) async throws -> YAMLValue

    /// Deletes the object with background propagation; false when it was already gone.
    func delete(_ identity: ObjectIdentity, dryRun: Bool) async throws -> Bool
}
