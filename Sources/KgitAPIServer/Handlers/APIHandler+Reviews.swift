import KgitAPIMachinery

extension APIHandler {
    /// The create-only review resources: SelfSubjectAccessReview, SelfSubjectRulesReview and
    /// SelfSubjectReview. They are answered from the authenticator and authorizer and never stored.
    func review(_ request: APIRequest, info: ResourceInfo, user: UserInfo) async throws(APIError) -> APIResponse {
        var object = try decodeBody(request)
        try Strategy.checkIdentity(&object, info: info, namespace: nil)
        switch info.kind {
        case "SelfSubjectAccessReview":
            let attributes: AuthorizationAttributes
            if let resource = object.value(at: ["spec", "resourceAttributes"]) {
                attributes = AuthorizationAttributes(
                    user: user, verb: resource["verb"]?.stringValue ?? "", namespace: resource["namespace"]?.stringValue ?? "",
                    group: resource["group"]?.stringValue ?? "", version: resource["version"]?.stringValue ?? "",
                    resource: resource["resource"]?.stringValue ?? "", subresource: resource["subresource"]?.stringValue ?? "",
                    name: resource["name"]?.stringValue ?? "", isResourceRequest: true)
            } else if let nonResource = object.value(at: ["spec", "nonResourceAttributes"]) {
                attributes = AuthorizationAttributes(
                    user: user, verb: nonResource["verb"]?.stringValue ?? "", path: nonResource["path"]?.stringValue ?? "",
                    isResourceRequest: false)
            } else {
                throw APIError.invalid(kind: info.kind, group: info.group, name: "", causes: [
                    .init(type: "FieldValueRequired",
                          message: "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified",
                          field: "spec.resourceAttributes"),
                ])
            }
            let decision = await authorizer.authorize(attributes)
            var status: JSONValue = ["allowed": .bool(decision.isAllowed)]
            switch decision {
            case .allow(let reason): status["reason"] = .string(reason)
            case .deny, .noOpinion: break  // kubectl prints a denial reason after "no - "
            }
            object["status"] = status
        case "SelfSubjectRulesReview":
            let namespace = object.value(at: ["spec", "namespace"])?.stringValue ?? ""
            object["status"] = await rules(for: user, namespace: namespace)
        case "SelfSubjectReview":
            var userInfo: JSONValue = ["username": .string(user.name),
                                       "groups": .array(user.groups.map(JSONValue.string))]
            if !user.uid.isEmpty { userInfo["uid"] = .string(user.uid) }
            object["status"] = ["userInfo": userInfo]
        default:
            throw APIError.methodNotAllowed()
        }
        if object.value(at: ["metadata", "creationTimestamp"]) == nil {
            object.setValue(.null, at: ["metadata", "creationTimestamp"])
        }
        return .json(object, status: 201)
    }

    /// The rules a user holds in a namespace, for `kubectl auth can-i --list`.
    func rules(for user: UserInfo, namespace: String) async -> JSONValue {
        if let rbac = authorizer as? RuleResolving {
            return await rbac.rulesReview(for: user, namespace: namespace)
        }
        let everything = await authorizer.authorize(AuthorizationAttributes(
            user: user, verb: "*", namespace: namespace, group: "*", resource: "*", isResourceRequest: true))
        if everything.isAllowed {
            return ["resourceRules": [["verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]]],
                    "nonResourceRules": [["verbs": ["*"], "nonResourceURLs": ["*"]]], "incomplete": false]
        }
        return ["resourceRules": [], "nonResourceRules": [], "incomplete": true]
    }
}

/// An authorizer that can list the rules a user holds (RBAC).
protocol RuleResolving: Sendable {
    func rulesReview(for user: UserInfo, namespace: String) async -> JSONValue
}
