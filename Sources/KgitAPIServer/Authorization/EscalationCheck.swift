import KgitAPIMachinery

/// RBAC's privilege-escalation prevention: a user may only create or update a Role/ClusterRole
/// whose rules they already hold (or with the `escalate` verb on it), and may only bind a role
/// whose rules they already hold (or with the `bind` verb on it), as upstream.
///
/// Coverage is checked rule by rule, expanding each rule into (verb, group, resource, name)
/// requests and asking the authorizer; a `*` in a rule must be held as `*`.
struct EscalationCheck: Sendable {
    let authorizer: any Authorizer

    /// Whether `user` holds every permission in `rules` within `namespace` ("" for cluster scope).
    func covers(_ rules: [RBACRule], user: UserInfo, namespace: String) async -> Bool {
        for rule in rules {
            if !rule.nonResourceURLs.isEmpty {
                for verb in rule.verbs {
                    for url in rule.nonResourceURLs {
                        let attributes = AuthorizationAttributes(user: user, verb: verb, path: url, isResourceRequest: false)
                        guard await authorizer.authorize(attributes).isAllowed else { return false }
                    }
                }
                continue
            }
            let names = rule.resourceNames.isEmpty ? [""] : rule.resourceNames
            for verb in rule.verbs {
                for group in rule.apiGroups {
                    for resource in rule.resources {
                        let parts = resource.split(separator: "/", maxSplits: 1).map(String.init)
                        for name in names {
                            let attributes = AuthorizationAttributes(
                                user: user, verb: verb, namespace: namespace, group: group,
                                resource: parts.first ?? resource, subresource: parts.count > 1 ? parts[1] : "",
                                name: name, isResourceRequest: true)
                            guard await authorizer.authorize(attributes).isAllowed else { return false }
                        }
                    }
                }
            }
        }
        return true
    }

    /// Throws 403 when writing `object` (a role or binding) would grant `user` more than they hold.
    func check(_ object: JSONValue, info: ResourceInfo, user: UserInfo, namespace: String,
               roleRules: (String, String) async -> [RBACRule]?) async throws(APIError) {
        guard info.group == "rbac.authorization.k8s.io" else { return }
        let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
        switch info.resource {
        case "roles", "clusterroles":
            let rules = (object["rules"]?.arrayValue ?? []).map(RBACRule.init(json:))
            if await holds(verb: "escalate", info: info, name: name, user: user, namespace: namespace) { return }
            if await covers(rules, user: user, namespace: namespace) { return }
            throw APIError.forbidden(
                message: "\(info.resource).rbac.authorization.k8s.io \"\(name)\" is forbidden: user \"\(user.name)\" is attempting to grant RBAC permissions not currently held",
                resource: info.resource, group: info.group, name: name)
        case "rolebindings", "clusterrolebindings":
            let kind = object.value(at: ["roleRef", "kind"])?.stringValue ?? ""
            let roleName = object.value(at: ["roleRef", "name"])?.stringValue ?? ""
            let roleResource = kind == "ClusterRole" ? "clusterroles" : "roles"
            let bind = AuthorizationAttributes(
                user: user, verb: "bind", namespace: kind == "ClusterRole" ? "" : namespace,
                group: "rbac.authorization.k8s.io", resource: roleResource, name: roleName, isResourceRequest: true)
            if await authorizer.authorize(bind).isAllowed { return }
            if let rules = await roleRules(kind, roleName), await covers(rules, user: user, namespace: namespace) {
                return
            }
            throw APIError.forbidden(
                message: "\(info.resource).rbac.authorization.k8s.io \"\(name)\" is forbidden: user \"\(user.name)\" is attempting to grant RBAC permissions not currently held",
                resource: info.resource, group: info.group, name: name)
        default:
            return
        }
    }

    private func holds(verb: String, info: ResourceInfo, name: String, user: UserInfo, namespace: String) async -> Bool {
        await authorizer.authorize(AuthorizationAttributes(
            user: user, verb: verb, namespace: namespace, group: info.group, resource: info.resource, name: name,
            isResourceRequest: true)).isAllowed
    }
}
