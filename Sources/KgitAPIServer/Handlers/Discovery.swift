import KgitAPIMachinery

/// The discovery documents, built from the ``ResourceCatalog``: legacy (`APIVersions`,
/// `APIGroupList`, `APIGroup`, `APIResourceList`) and aggregated (`APIGroupDiscoveryList` v2),
/// including the custom resources of established CRDs.
struct Discovery: Sendable {
    let served: ServedResources
    let serverAddress: String

    /// What is served now (CRDs come and go).
    var catalog: ResourceCatalog { served.catalog }

    /// The exact Content-Type kubectl requires for aggregated discovery.
    static let aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

    /// Whether an Accept header asks for aggregated discovery v2.
    static func wantsAggregated(_ accept: String?) -> Bool {
        guard let accept else { return false }
        return accept.split(separator: ",").contains { part in
            let params = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            return params.contains("g=apidiscovery.k8s.io") && params.contains("v=v2")
                && params.contains("as=APIGroupDiscoveryList")
        }
    }

    var apiVersions: JSONValue {
        ["kind": "APIVersions", "versions": ["v1"],
         "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]]]
    }

    func apiGroup(_ name: String) -> JSONValue? {
        guard let group = catalog.groups.first(where: { $0.name == name }) else { return nil }
        return groupJSON(group.name, group.versions).merging(["kind": "APIGroup", "apiVersion": "v1"])
    }

    var apiGroupList: JSONValue {
        ["kind": "APIGroupList", "apiVersion": "v1",
         "groups": .array(catalog.groups.map { groupJSON($0.name, $0.versions) })]
    }

    private func groupJSON(_ name: String, _ versions: [String]) -> JSONValue {
        let list: [JSONValue] = versions.map { ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)] }
        return ["name": .string(name), "versions": .array(list), "preferredVersion": list.first ?? .null]
    }

    /// `APIResourceList` for a group/version, or nil when it is not served.
    func resourceList(group: String, version: String) -> JSONValue? {
        let resources = catalog.resources(group: group, version: version)
        guard !resources.isEmpty else { return nil }
        var entries: [JSONValue] = []
        for r in resources {
            var entry: JSONValue = [
                "name": .string(r.resource), "singularName": .string(r.singular), "namespaced": .bool(r.namespaced),
                "kind": .string(r.kind), "verbs": .array(r.verbs.map(JSONValue.string)),
            ]
            if !r.shortNames.isEmpty { entry["shortNames"] = .array(r.shortNames.map(JSONValue.string)) }
            if !r.categories.isEmpty { entry["categories"] = .array(r.categories.map(JSONValue.string)) }
            entries.append(entry)
            for sub in r.subresources {
                var subEntry: JSONValue = [
                    "name": .string("\(r.resource)/\(sub.name)"), "singularName": "", "namespaced": .bool(r.namespaced),
                    "kind": .string(sub.kind), "verbs": .array(sub.verbs.map(JSONValue.string)),
                ]
                if sub.group != r.group || sub.version != r.version {
                    subEntry["group"] = .string(sub.group)
                    subEntry["version"] = .string(sub.version)
                }
                entries.append(subEntry)
            }
        }
        let gv = group.isEmpty ? version : "\(group)/\(version)"
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(gv), "resources": .array(entries)]
    }

    /// The aggregated document for `/api` (core) or `/apis` (named groups).
    func aggregated(core: Bool) -> JSONValue {
        var items: [JSONValue] = []
        let catalog = self.catalog
        let groups: [(name: String, versions: [String])] = core ? [("", ["v1"])] : catalog.groups
        for group in groups {
            var versions: [JSONValue] = []
            for version in group.versions {
                let resources: [JSONValue] = catalog.resources(group: group.name, version: version).map { r in
                    var entry: JSONValue = [
                        "resource": .string(r.resource),
                        "responseKind": ["group": .string(r.group), "version": .string(r.version), "kind": .string(r.kind)],
                        "scope": .string(r.namespaced ? "Namespaced" : "Cluster"),
                        "singularResource": .string(r.singular),
                        "verbs": .array(r.verbs.map(JSONValue.string)),
                    ]
                    if !r.shortNames.isEmpty { entry["shortNames"] = .array(r.shortNames.map(JSONValue.string)) }
                    if !r.categories.isEmpty { entry["categories"] = .array(r.categories.map(JSONValue.string)) }
                    if !r.subresources.isEmpty {
                        entry["subresources"] = .array(r.subresources.map { sub in
                            ["subresource": .string(sub.name),
                             "responseKind": ["group": .string(sub.group), "version": .string(sub.version),
                                              "kind": .string(sub.kind)],
                             "verbs": .array(sub.verbs.map(JSONValue.string))]
                        })
                    }
                    return entry
                }
                versions.append(["version": .string(version), "freshness": "Current", "resources": .array(resources)])
            }
            items.append(["metadata": ["name": .string(group.name)], "versions": .array(versions)])
        }
        return ["kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": [:],
                "items": .array(items)]
    }
}

extension JSONValue {
    /// This object with `other`'s members added (other wins).
    func merging(_ other: JSONValue) -> JSONValue {
        guard case .object(var a) = self, case .object(let b) = other else { return self }
        for (k, v) in b { a[k] = v }
        return .object(a)
    }
}
