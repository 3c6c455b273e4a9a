/// What a request path addresses, decided purely from method, path and query (like upstream's
/// `RequestInfoFactory`).
enum Route: Equatable {
    case version
    case health(String)
    case apiVersions  // /api
    case apiGroupList  // /apis
    case apiGroup(String)  // /apis/<g>
    case resourceList(group: String, version: String)  // /api/v1, /apis/<g>/<v>
    case openAPIV3Root
    case openAPIV3(String)  // "api/v1", "apis/apps/v1"
    case openAPIV2
    case resource(ResourceRequest)
    case notFound

    /// Parses a request.
    static func parse(method: String, path: String, query: QueryParameters) -> Route {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let first = parts.first else { return .notFound }
        switch first {
        case "version": return parts.count == 1 ? .version : .notFound
        case "healthz", "livez", "readyz": return .health(first)
        case "openapi":
            if parts.count == 2 && parts[1] == "v2" { return .openAPIV2 }
            if parts.count >= 2 && parts[1] == "v3" {
                return parts.count == 2 ? .openAPIV3Root : .openAPIV3(parts.dropFirst(2).joined(separator: "/"))
            }
            return .notFound
        case "api":
            if parts.count == 1 { return .apiVersions }
            if parts.count == 2 { return .resourceList(group: "", version: parts[1]) }
            let version = parts[1]
            parts.removeFirst(2)
            return resourceRoute(method: method, group: "", version: version, parts: parts, query: query)
        case "apis":
            if parts.count == 1 { return .apiGroupList }
            if parts.count == 2 { return .apiGroup(parts[1]) }
            if parts.count == 3 { return .resourceList(group: parts[1], version: parts[2]) }
            let group = parts[1], version = parts[2]
            parts.removeFirst(3)
            return resourceRoute(method: method, group: group, version: version, parts: parts, query: query)
        default:
            return .notFound
        }
    }

    private static let namespaceSubresources: Set<String> = ["status", "finalize"]

    private static func resourceRoute(method: String, group: String, version: String, parts: [String],
                                      query: QueryParameters) -> Route {
        var parts = parts
        var namespace: String?
        if parts.first == "namespaces", parts.count > 1 {
            if parts.count == 2 || namespaceSubresources.contains(parts[2]) {
                // /namespaces/<name>[/status]: the namespace object itself.
                namespace = nil
            } else {
                namespace = parts[1]
                parts.removeFirst(2)
            }
        }
        guard !parts.isEmpty, parts.count <= 3 else { return .notFound }
        let resource = parts[0]
        let name = parts.count > 1 ? parts[1] : nil
        let subresource = parts.count > 2 ? parts[2] : nil
        let watch = query.flag("watch")
        let verb: String
        switch method {
        case "GET", "HEAD":
            verb = name == nil ? (watch ? "watch" : "list") : "get"
        case "POST": verb = "create"
        case "PUT": verb = "update"
        case "PATCH": verb = "patch"
        case "DELETE": verb = name == nil ? "deletecollection" : "delete"
        default: verb = method.lowercased()
        }
        return .resource(ResourceRequest(group: group, version: version, namespace: namespace, resource: resource,
                                         name: name, subresource: subresource, verb: verb))
    }
}

/// A request for a resource: its coordinates and the verb.
struct ResourceRequest: Equatable {
    var group: String
    var version: String
    var namespace: String?
    var resource: String
    var name: String?
    var subresource: String?
    var verb: String
}
