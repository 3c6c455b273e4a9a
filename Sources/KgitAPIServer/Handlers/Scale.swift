import KgitAPIMachinery

/// The `autoscaling/v1 Scale` view of a replicated object (`deployments/scale`, `replicasets/scale`).
enum Scale {
    /// The Scale for `object`.
    static func from(_ object: JSONValue, info: ResourceInfo) -> JSONValue {
        let meta = object["metadata"] ?? [:]
        var scaleMeta: JSONValue = [:]
        for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            if let v = meta[key] { scaleMeta[key] = v }
        }
        let labels = object.value(at: ["spec", "selector", "matchLabels"])?.objectValue ?? [:]
        let selector = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }
            .joined(separator: ",")
        return [
            "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": scaleMeta,
            "spec": ["replicas": .int(object.value(at: ["spec", "replicas"])?.intValue ?? 1)],
            "status": ["replicas": .int(object.value(at: ["status", "replicas"])?.intValue ?? 0),
                       "selector": .string(selector)],
        ]
    }
}

extension APIHandler {
    /// Applies a change to the Scale view and writes `spec.replicas` back to the object.
    func updateScale(_ info: ResourceInfo, namespace: String?, name: String, dryRun: Bool,
                     change: (JSONValue) throws(APIError) -> JSONValue) async throws(APIError) -> APIResponse
    {
        let updated = try await update(info, namespace: namespace, name: name, subresource: nil, dryRun: dryRun) {
            current throws(APIError) in
            let scale = try change(Scale.from(current, info: info))
            guard let replicas = scale.value(at: ["spec", "replicas"])?.intValue, replicas >= 0 else {
                throw APIError.invalid(kind: "Scale", group: "autoscaling", name: name, causes: [
                    .init(type: "FieldValueInvalid", message: "Invalid value: must be greater than or equal to 0",
                          field: "spec.replicas"),
                ])
            }
            var object = current
            if let rv = scale.value(at: ["metadata", "resourceVersion"]) {
                object.setValue(rv, at: ["metadata", "resourceVersion"])
            }
            object.setValue(.int(replicas), at: ["spec", "replicas"])
            return object
        }
        return .json(Scale.from(updated, info: info))
    }
}
