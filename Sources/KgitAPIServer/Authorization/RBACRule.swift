import KgitAPIMachinery

/// One RBAC `PolicyRule` and how it matches a request (upstream `rbac/v1` semantics).
struct RBACRule: Sendable, Equatable {
    var verbs: [String]
    var apiGroups: [String]
    var resources: [String]
    var resourceNames: [String]
    var nonResourceURLs: [String]

    init(verbs: [String], apiGroups: [String] = [], resources: [String] = [], resourceNames: [String] = [],
         nonResourceURLs: [String] = []) {
        self.verbs = verbs
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
        self.nonResourceURLs = nonResourceURLs
    }

    /// Parses a rule from a Role or ClusterRole's `rules[]` entry.
    init(json: JSONValue) {
        func strings(_ key: String) -> [String] { (json[key]?.arrayValue ?? []).compactMap(\.stringValue) }
        self.init(verbs: strings("verbs"), apiGroups: strings("apiGroups"), resources: strings("resources"),
                  resourceNames: strings("resourceNames"), nonResourceURLs: strings("nonResourceURLs"))
    }

    var json: JSONValue {
        var out: JSONValue = ["verbs": .array(verbs.map(JSONValue.string))]
        if !apiGroups.isEmpty || nonResourceURLs.isEmpty { out["apiGroups"] = .array(apiGroups.map(JSONValue.string)) }
        if !resources.isEmpty { out["resources"] = .array(resources.map(JSONValue.string)) }
        if !resourceNames.isEmpty { out["resourceNames"] = .array(resourceNames.map(JSONValue.string)) }
        if !nonResourceURLs.isEmpty { out["nonResourceURLs"] = .array(nonResourceURLs.map(JSONValue.string)) }
        return out
    }

    /// Whether this rule allows the request.
    func allows(_ a: AuthorizationAttributes) -> Bool {
        guard verbs.contains("*") || verbs.contains(a.verb) else { return false }
        if !a.isResourceRequest {
            return nonResourceURLs.contains { pattern in
                pattern == "*" || pattern == a.path
                    || (pattern.hasSuffix("*") && a.path.hasPrefix(String(pattern.dropLast())))
            }
        }
        guard apiGroups.contains("*") || apiGroups.contains(a.group) else { return false }
        let combined = a.subresource.isEmpty ? a.resource : "\(a.resource)/\(a.subresource)"
        let resourceMatches = resources.contains { r in
            r == "*" || r == combined || (!a.subresource.isEmpty && r == "*/\(a.subresource)")
                || (a.subresource.isEmpty && r == a.resource)
        }
        guard resourceMatches else { return false }
        return resourceNames.isEmpty || resourceNames.contains(a.name)
    }
}
