import KgitAPIMachinery
import KgitSchema

/// Upstream's `LimitRanger`: the namespace's LimitRanges of type `Container` fill in missing
/// requests (`defaultRequest`) and limits (`default`) of a new pod's containers, then each
/// container's requests must be at least `min` and its limits at most `max` (403 otherwise).
struct LimitRanger: AdmissionPlugin {
    var name: String { "LimitRanger" }

    /// The `type: Container` limits of every LimitRange in the namespace.
    static func containerLimits(_ context: AdmissionContext, namespace: String) async throws(APIError) -> [JSONValue] {
        try await context.list("limitranges", namespace: namespace).flatMap { range in
            (range.value(at: ["spec", "limits"])?.arrayValue ?? []).filter { $0["type"]?.stringValue == "Container" }
        }
    }

    func admit(_ request: inout AdmissionRequest, _ context: AdmissionContext) async throws(APIError) {
        guard request.operation == .create, request.isCore("pods"), let namespace = request.namespace else { return }
        let limits = try await LimitRanger.containerLimits(context, namespace: namespace)
        guard !limits.isEmpty else { return }
        var notes: [String] = []
        for field in ["initContainers", "containers"] {
            guard var containers = request.object.value(at: ["spec", field])?.arrayValue else { continue }
            for index in containers.indices {
                let containerName = containers[index]["name"]?.stringValue ?? ""
                var setRequests: [String] = [], setLimits: [String] = []
                // Upstream's defaulting, which runs before admission, makes a request equal to the
                // limit the user gave; LimitRanger's own defaults do not.
                let ownLimits = containers[index].value(at: ["resources", "limits"])?.objectValue ?? [:]
                for (resource, value) in ownLimits where containers[index].value(at: ["resources", "requests", resource]) == nil {
                    containers[index].setValue(value, at: ["resources", "requests", resource])
                }
                for limit in limits {
                    for (resource, value) in limit["default"]?.objectValue ?? [:]
                    where containers[index].value(at: ["resources", "limits", resource]) == nil {
                        containers[index].setValue(value, at: ["resources", "limits", resource])
                        setLimits.append(resource)
                    }
                    for (resource, value) in limit["defaultRequest"]?.objectValue ?? [:]
                    where containers[index].value(at: ["resources", "requests", resource]) == nil {
                        containers[index].setValue(value, at: ["resources", "requests", resource])
                        setRequests.append(resource)
                    }
                }
                if !setRequests.isEmpty {
                    notes.append("\(setRequests.sorted().joined(separator: ", ")) request for \(field == "initContainers" ? "init container" : "container") \(containerName)")
                }
                if !setLimits.isEmpty {
                    notes.append("\(setLimits.sorted().joined(separator: ", ")) limit for \(field == "initContainers" ? "init container" : "container") \(containerName)")
                }
            }
            request.object.setValue(.array(containers), at: ["spec", field])
        }
        if !notes.isEmpty {
            request.object.setValue(.string("LimitRanger plugin set: " + notes.joined(separator: "; ")),
                                    at: ["metadata", "annotations", "kubernetes.io/limit-ranger"])
        }
    }

    func validate(_ request: AdmissionRequest, _ context: AdmissionContext) async throws(APIError) {
        guard request.operation == .create, request.isCore("pods"), let namespace = request.namespace else { return }
        let limits = try await LimitRanger.containerLimits(context, namespace: namespace)
        guard !limits.isEmpty else { return }
        var problems: [String] = []
        let containers = (request.object.value(at: ["spec", "initContainers"])?.arrayValue ?? [])
            + (request.object.value(at: ["spec", "containers"])?.arrayValue ?? [])
        for container in containers {
            for limit in limits {
                for (resource, bound) in (limit["min"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                    guard let minimum = LimitRanger.quantity(bound) else { continue }
                    if let request = LimitRanger.quantity(container.value(at: ["resources", "requests", resource])) {
                        if request < minimum {
                            problems.append("minimum \(resource) usage per Container is \(minimum.text), but request is \(request.text)")
                        }
                    } else {
                        problems.append("minimum \(resource) usage per Container is \(minimum.text).  No request is specified")
                    }
                }
                for (resource, bound) in (limit["max"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                    guard let maximum = LimitRanger.quantity(bound) else { continue }
                    if let limitValue = LimitRanger.quantity(container.value(at: ["resources", "limits", resource])) {
                        if maximum < limitValue {
                            problems.append("maximum \(resource) usage per Container is \(maximum.text), but limit is \(limitValue.text)")
                        }
                    } else {
                        problems.append("maximum \(resource) usage per Container is \(maximum.text).  No limit is specified")
                    }
                }
            }
        }
        guard !problems.isEmpty else { return }
        throw request.forbidden(problems.count == 1 ? problems[0] : "[\(problems.joined(separator: ", "))]")
    }

    /// A quantity from a JSON string or number.
    static func quantity(_ value: JSONValue?) -> Quantity? { Quantity(json: value) }
}
