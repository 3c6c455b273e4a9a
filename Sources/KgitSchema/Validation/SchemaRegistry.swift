/// Where the validator finds the schema of a kind: custom resources defined by CRDs in the run, then
/// the built-in kinds of the target Kubernetes version.
struct SchemaRegistry: Sendable {
    let catalog: KubernetesCatalog
    var customResources: [GroupVersionKind: Schema] = [:]

    func schema(for kind: GroupVersionKind) -> Schema? {
        // (Without CRDs in the run, the kind is not hashed for the empty table.)
        (customResources.isEmpty ? nil : customResources[kind]) ?? catalog.schema(for: kind)
    }

    /// The group/versions that serve `kind` (built-in or custom), for notes on an unknown apiVersion.
    func groupVersions(servingKind kind: String) -> [GroupVersionKind] {
        (catalog.groupVersions(servingKind: kind) + customResources.keys.filter { $0.kind == kind }).sorted()
    }

    /// Every known kind name.
    var kindNames: Set<String> { catalog.kindNames.union(customResources.keys.map(\.kind)) }
}
