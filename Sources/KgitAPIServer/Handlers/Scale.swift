import KgitAPIMachinery

/// The `autoscaling/v1 Scale` view of a replicated object (`deployments/scale`, `replicasets/scale`,
/// and custom resources whose CRD declares a scale subresource with its own paths).
enum Scale {
    /// Built-in kinds keep replicas at `.spec.replicas` and `.status.replicas`, and select pods by
    /// `.spec.selector`.
    static let builtInPaths = CustomResource.ScalePaths(specReplicasPath: ".spec.replicas",
                                                        statusReplicasPath: ".status.replicas", labelSelectorPath: nil)

    /// `.spec.replicas` as a key path.
    static func keyPath(_ path: String) -> [String] {
        path.split(separator: ".").map(String.init)
    }

    /// The Scale for `object`; `paths` are a custom resource's (nil: the built-in layout).
    static func from(_ object: JSONValue, info: ResourceInfo, paths: CustomResource.ScalePaths? = nil) -> JSONValue {
        let meta = object["metadata"] ?? [:]
        var scaleMeta: JSONValue = [:]
        for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            if let v = meta[key] { scaleMeta[key] = v }
        }
        let selector: String
        if let paths {
            selector = paths.labelSelectorPath.flatMap { object.value(at: keyPath($0))?.stringValue } ?? ""
        } else {
            let labels = object.value(at: ["spec", "selector", "matchLabels"])?.objectValue ?? [:]
            selector = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }
                .joined(separator: ",")
        }
        let layout = paths ?? builtInPaths
        let specReplicas = object.value(at: keyPath(layout.specReplicasPath))?.intValue ?? (paths == nil ? 1 : 0)
        return [
            "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": scaleMeta,
            "spec": ["replicas": .int(specReplicas)],
            "status": ["replicas": .int(object.value(at: keyPath(layout.statusReplicasPath))?.intValue ?? 0),
                       "selector": .string(selector)],
        ]
    }
}

extension APIHandler {
    /// Applies a change to the Scale view and writes the replicas back to the object.
    func updateScale(_ info: ResourceInfo, namespace: String?, name: String, dryRun: Bool,
                     change: (JSONValue) throws(APIError) -> JSONValue) async throws(APIError) -> APIResponse
    {
        let paths = scalePaths(info)
        var before: Int64?
        let updated = try await update(info, namespace: namespace, name: name, subresource: nil, dryRun: dryRun) {
            current throws(APIError) in
            let view = Scale.from(current, info: info, paths: paths)
            before = view.value(at: ["spec", "replicas"])?.intValue
            let scale = try change(view)
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
            object.setValue(.int(replicas), at: Scale.keyPath((paths ?? Scale.builtInPaths).specReplicasPath))
            return object
        }
        let result = Scale.from(updated, info: info, paths: paths)
        if !dryRun, let before, let after = result.value(at: ["spec", "replicas"])?.intValue, before != after {
            await events.record(.normal, reason: "Scaled", message: "Scaled \(info.kind.lowercased()) \(name) from \(before) to \(after) replicas",
                                about: updated, info: info)
        }
        return .json(result)
    }
}
