import KgitAPIMachinery

/// The query parameters of a list or watch, parsed and validated.
struct ListOptions: Sendable {
    var labelSelector = LabelSelector()
    var fieldSelector = FieldSelector()
    var limit: Int?
    var continueToken: String?
    var resourceVersion: String?
    var resourceVersionMatch: String?
    var timeoutSeconds: Int?
    var allowWatchBookmarks = false
    var sendInitialEvents = false

    /// The fields every resource supports in field selectors, plus per-kind extras.
    static let commonFields: Set<String> = ["metadata.name", "metadata.namespace"]
    static let extraFields: [String: Set<String>] = [
        "events": ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                   "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                   "reason", "reportingComponent", "source", "type"],
        "pods": ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                 "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"],
        "secrets": ["type"],
        "namespaces": ["status.phase"],
        "nodes": ["spec.unschedulable"],
        "replicasets": ["status.replicas"],
        "jobs": ["status.successful"],
    ]

    init() {}

    /// Parses `labelSelector`, `fieldSelector`, `limit`, `continue`, `resourceVersion`, … for `resource`.
    init(query: QueryParameters, resource: String) throws(APIError) {
        if let text = query["labelSelector"] { labelSelector = try LabelSelector(parsing: text) }
        if let text = query["fieldSelector"] {
            fieldSelector = try FieldSelector(parsing: text)
            let allowed = ListOptions.commonFields.union(ListOptions.extraFields[resource] ?? [])
            for field in fieldSelector.fields where !allowed.contains(field) {
                throw APIError.badRequest("\"\(field)\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")
            }
        }
        if let text = query["limit"], !text.isEmpty {
            guard let value = Int(text), value >= 0 else { throw APIError.badRequest("invalid limit: \(text)") }
            limit = value
        }
        if let text = query["continue"], !text.isEmpty { continueToken = text }
        resourceVersion = query["resourceVersion"]
        resourceVersionMatch = query["resourceVersionMatch"]
        if let text = query["timeoutSeconds"], !text.isEmpty {
            guard let value = Int(text), value >= 0 else { throw APIError.badRequest("invalid timeoutSeconds: \(text)") }
            timeoutSeconds = value
        }
        allowWatchBookmarks = query.flag("allowWatchBookmarks")
        sendInitialEvents = query.flag("sendInitialEvents")
    }

    /// Whether a label or field selector is set (objects must be looked at to match them).
    var selects: Bool { !labelSelector.isEmpty || !fieldSelector.isEmpty }

    /// Whether an object passes the label and field selectors.
    func matches(_ object: JSONValue) -> Bool {
        if !labelSelector.isEmpty {
            var labels: [String: String] = [:]
            for (k, v) in object.value(at: ["metadata", "labels"])?.objectValue ?? [:] {
                if let s = v.stringValue { labels[k] = s }
            }
            if !labelSelector.matches(labels) { return false }
        }
        if !fieldSelector.isEmpty {
            return fieldSelector.matches { field in
                let value = object.value(at: field.split(separator: ".").map(String.init))
                switch value {
                case .string(let s): return s
                case .bool(let b): return b ? "true" : "false"
                case .int(let i): return String(i)
                default: return nil
                }
            }
        }
        return true
    }
}
