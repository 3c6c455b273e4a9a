import KgitAPIMachinery

/// Role-based access control over the Role, ClusterRole, RoleBinding and ClusterRoleBinding objects
/// in the registry, as upstream's RBAC authorizer: a request is allowed when some binding that
/// names the user (directly, by group, or as a service account) grants a rule that matches.
/// Deny by default: no matching rule means no opinion, and the chain then denies.
struct RBACAuthorizer: Authorizer, RuleResolving {
    let registry: Registry

    func authorize(_ attributes: AuthorizationAttributes) async -> AuthorizationDecision {
        for (binding, rules) in await grants(for: attributes.user, namespace: attributes.namespace) {
            if rules.contains(where: { $0.allows(attributes) }) {
                return .allow(reason: "RBAC: allowed by \(binding)")
            }
        }
        return .noOpinion
    }

    /// Every binding that names `user` and applies in `namespace`, with the rules it grants.
    func grants(for user: UserInfo, namespace: String) async -> [(String, [RBACRule])] {
        var result: [(String, [RBACRule])] = []
        let catalog = registry.catalog
        guard let clusterBindings = catalog.lookup(group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterrolebindings"),
              let bindings = catalog.lookup(group: "rbac.authorization.k8s.io", version: "v1", resource: "rolebindings"),
              let clusterRoles = catalog.lookup(group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles"),
              let roles = catalog.lookup(group: "rbac.authorization.k8s.io", version: "v1", resource: "roles")
        else { return [] }
        let everything = ListOptions()
        for binding in (try? await registry.list(clusterBindings, namespace: nil, options: everything).items) ?? []
        where subjects(of: binding, include: user, bindingNamespace: nil)
        {
            guard binding.value(at: ["roleRef", "kind"])?.stringValue == "ClusterRole",
                  let roleName = binding.value(at: ["roleRef", "name"])?.stringValue,
                  let role = try? await registry.read(clusterRoles, namespace: nil, name: roleName)
            else { continue }
            let name = binding.value(at: ["metadata", "name"])?.stringValue ?? ""
            result.append(("ClusterRoleBinding \"\(name)\" of ClusterRole \"\(roleName)\"", rules(of: role.object)))
        }
        guard !namespace.isEmpty else { return result }
        for binding in (try? await registry.list(bindings, namespace: namespace, options: everything).items) ?? []
        where subjects(of: binding, include: user, bindingNamespace: namespace)
        {
            guard let roleName = binding.value(at: ["roleRef", "name"])?.stringValue else { continue }
            let kind = binding.value(at: ["roleRef", "kind"])?.stringValue
            let role: (object: JSONValue, revision: Int64)?? = kind == "ClusterRole"
                ? try? await registry.read(clusterRoles, namespace: nil, name: roleName)
                : try? await registry.read(roles, namespace: namespace, name: roleName)
            guard let found = role ?? nil else { continue }
            let name = binding.value(at: ["metadata", "name"])?.stringValue ?? ""
            result.append(("RoleBinding \"\(name)/\(namespace)\" of \(kind ?? "Role") \"\(roleName)\"", rules(of: found.object)))
        }
        return result
    }

    func rules(of role: JSONValue) -> [RBACRule] {
        (role["rules"]?.arrayValue ?? []).map(RBACRule.init(json:))
    }

    /// Whether a binding's subjects include the user.
    func subjects(of binding: JSONValue, include user: UserInfo, bindingNamespace: String?) -> Bool {
        (binding["subjects"]?.arrayValue ?? []).contains { subject in
            let name = subject["name"]?.stringValue ?? ""
            switch subject["kind"]?.stringValue {
            case "User": return name == user.name
            case "Group": return user.groups.contains(name)
            case "ServiceAccount":
                let namespace = subject["namespace"]?.stringValue ?? bindingNamespace ?? ""
                return user.name == "system:serviceaccount:\(namespace):\(name)"
            default: return false
            }
        }
    }

    func rulesReview(for user: UserInfo, namespace: String) async -> JSONValue {
        if user.groups.contains("system:masters") {
            return ["resourceRules": [["verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]]],
                    "nonResourceRules": [["verbs": ["*"], "nonResourceURLs": ["*"]]], "incomplete": false]
        }
        let all = await grants(for: user, namespace: namespace).flatMap(\.1)
        let resourceRules = all.filter { $0.nonResourceURLs.isEmpty }.map(\.json)
        let nonResourceRules = all.filter { !$0.nonResourceURLs.isEmpty }.map { rule -> JSONValue in
            ["verbs": .array(rule.verbs.map(JSONValue.string)),
             "nonResourceURLs": .array(rule.nonResourceURLs.map(JSONValue.string))]
        }
        return ["resourceRules": .array(resourceRules), "nonResourceRules": .array(nonResourceRules),
                "incomplete": false]
    }
}

extension AuthorizerChain: RuleResolving {
    /// The rules from the first authorizer in the chain that can list them.
    func rulesReview(for user: UserInfo, namespace: String) async -> JSONValue {
        for authorizer in authorizers {
            if let resolver = authorizer as? RuleResolving {
                return await resolver.rulesReview(for: user, namespace: namespace)
            }
        }
        return ["resourceRules": [], "nonResourceRules": [], "incomplete": true]
    }
}
