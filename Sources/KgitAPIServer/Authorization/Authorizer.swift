/// What a request wants to do, as authorizers see it (upstream `authorizer.Attributes`).
public struct AuthorizationAttributes: Sendable, Equatable {
    public var user: UserInfo
    public var verb: String
    /// For resource requests.
    public var namespace: String
    public var group: String
    public var version: String
    public var resource: String
    public var subresource: String
    public var name: String
    /// For non-resource requests (`/healthz`, `/api`, ...).
    public var path: String
    public var isResourceRequest: Bool

    public init(user: UserInfo, verb: String, namespace: String = "", group: String = "", version: String = "",
                resource: String = "", subresource: String = "", name: String = "", path: String = "",
                isResourceRequest: Bool) {
        self.user = user
        self.verb = verb
        self.namespace = namespace
        self.group = group
        self.version = version
        self.resource = resource
        self.subresource = subresource
        self.name = name
        self.path = path
        self.isResourceRequest = isResourceRequest
    }

    /// Upstream's denial message: `User "bob" cannot list resource "pods" in API group "" in the namespace "default"`.
    public var forbiddenMessage: String {
        guard isResourceRequest else {
            return "forbidden: User \"\(user.name)\" cannot \(verb) path \"\(path)\""
        }
        let resourceText = subresource.isEmpty ? resource : "\(resource)/\(subresource)"
        var message = "User \"\(user.name)\" cannot \(verb) resource \"\(resourceText)\" in API group \"\(group)\""
        message += namespace.isEmpty ? " at the cluster scope" : " in the namespace \"\(namespace)\""
        let qualified = group.isEmpty ? resourceText : "\(resource).\(group)\(subresource.isEmpty ? "" : "/\(subresource)")"
        let subject = name.isEmpty ? qualified : "\(qualified) \"\(name)\""
        return "\(subject) is forbidden: \(message)"
    }
}

/// An authorization decision with its reason.
public enum AuthorizationDecision: Sendable, Equatable {
    case allow(reason: String)
    case deny(reason: String)
    /// This authorizer has no opinion; the next one decides (deny when none does).
    case noOpinion

    public var isAllowed: Bool {
        if case .allow = self { return true }
        return false
    }
}

/// Decides whether a request may proceed. Called once per request, concurrently.
public protocol Authorizer: Sendable {
    func authorize(_ attributes: AuthorizationAttributes) async -> AuthorizationDecision
}

/// Allows everything for members of `system:masters` (the admin certificate's group), as upstream's
/// privileged-group authorizer does; no opinion otherwise.
public struct PrivilegedGroupAuthorizer: Authorizer {
    public init() {}

    public func authorize(_ attributes: AuthorizationAttributes) async -> AuthorizationDecision {
        attributes.user.groups.contains("system:masters") ? .allow(reason: "system:masters") : .noOpinion
    }
}

/// Asks each authorizer in turn; the first allow or deny wins; denies when none has an opinion.
public struct AuthorizerChain: Authorizer {
    public var authorizers: [any Authorizer]

    public init(_ authorizers: [any Authorizer]) { self.authorizers = authorizers }

    public func authorize(_ attributes: AuthorizationAttributes) async -> AuthorizationDecision {
        for authorizer in authorizers {
            let decision = await authorizer.authorize(attributes)
            if decision != .noOpinion { return decision }
        }
        return .deny(reason: "no authorizer allowed the request")
    }
}
