import KgitAPIMachinery
import Synchronization

/// The resource types served right now: the built-in catalog plus the custom resources of every
/// established CustomResourceDefinition. Discovery, OpenAPI and routing read it on every request,
/// so a CRD's resources appear (and disappear) as soon as ``install(_:)`` runs.
///
/// Safe to read and replace from any task.
final class ServedResources: Sendable {
    private struct State: Sendable {
        var catalog: ResourceCatalog
        var custom: [String: CustomResource] = [:]
        var revision: Int64 = -1
    }

    /// The types that are always served.
    let builtIn: ResourceCatalog
    private let state: Mutex<State>

    init(builtIn: ResourceCatalog) {
        self.builtIn = builtIn
        self.state = Mutex(State(catalog: builtIn))
    }

    /// Everything served now.
    var catalog: ResourceCatalog { state.withLock { $0.catalog } }

    /// The custom resource served at `info`'s group/version/resource, or nil for a built-in type.
    func custom(_ info: ResourceInfo) -> CustomResource? {
        custom(group: info.group, version: info.version, resource: info.resource)
    }

    /// The custom resource served at `group/version/resource`, or nil.
    func custom(group: String, version: String, resource: String) -> CustomResource? {
        state.withLock { $0.custom[Self.key(group, version, resource)] }
    }

    /// Every custom resource version served, in catalog order.
    var customResources: [CustomResource] {
        state.withLock { state in
            state.catalog.resources.compactMap { state.custom[Self.key($0.group, $0.version, $0.resource)] }
        }
    }

    /// Serves exactly `resources` as the custom part of the catalog (replacing what was there),
    /// unless what is served was read at a later store revision than `revision`.
    func install(_ resources: [CustomResource], revision: Int64) {
        var all = builtIn.resources
        var custom: [String: CustomResource] = [:]
        for resource in resources {
            let key = Self.key(resource.info.group, resource.info.version, resource.info.resource)
            guard custom[key] == nil,
                  builtIn.lookup(group: resource.info.group, version: resource.info.version,
                                 resource: resource.info.resource) == nil
            else { continue }
            custom[key] = resource
            all.append(resource.info)
        }
        let catalog = ResourceCatalog(resources: all)
        state.withLock { state in
            guard revision >= state.revision else { return }
            state.catalog = catalog
            state.custom = custom
            state.revision = revision
        }
    }

    /// A stamp of what is served in one group/version: changes when any CRD serving it changes.
    func stamp(group: String, version: String) -> String {
        state.withLock { state in
            state.custom.values.filter { $0.info.group == group && $0.info.version == version }
                .map { "\($0.info.resource)=\($0.stamp)" }.sorted().joined(separator: ",")
        }
    }

    private static func key(_ group: String, _ version: String, _ resource: String) -> String {
        "\(group)/\(version)/\(resource)"
    }
}
