import KgitAPIMachinery

/// Upstream's pruning of custom resources: fields a CRD's structural schema does not declare are
/// removed before the object is stored, unless `x-kubernetes-preserve-unknown-fields: true` keeps
/// them at that level. `apiVersion`, `kind` and `metadata` are always kept at the root and in
/// `x-kubernetes-embedded-resource` objects.
///
/// The removed paths (`spec.replcas`, `spec.items[0].colour`) are what `fieldValidation=Strict`
/// rejects and `Warn` reports. A pure function of the object and the schema.
enum StructuralPruning {
    /// The pruned object and the paths of the fields removed, sorted.
    static func prune(_ object: JSONValue, schema: JSONValue?) -> (object: JSONValue, removed: [String]) {
        guard let schema else { return (object, []) }
        var removed: [String] = []
        let pruned = prune(object, schema: schema, path: "", keepObjectMeta: true, removed: &removed)
        return (pruned, removed.sorted())
    }

    private static func prune(_ value: JSONValue, schema: JSONValue, path: String, keepObjectMeta: Bool,
                              removed: inout [String]) -> JSONValue
    {
        switch value {
        case .object(let members):
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"].flatMap { $0.objectValue != nil ? $0 : nil }
            let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
            let embedded = keepObjectMeta || schema["x-kubernetes-embedded-resource"]?.boolValue == true
            var kept: [String: JSONValue] = [:]
            for (key, child) in members {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if let childSchema = properties?[key] {
                    kept[key] = prune(child, schema: childSchema, path: childPath, keepObjectMeta: false,
                                      removed: &removed)
                } else if embedded && (key == "apiVersion" || key == "kind" || key == "metadata") {
                    kept[key] = child
                } else if let additional {
                    kept[key] = prune(child, schema: additional, path: childPath, keepObjectMeta: false,
                                      removed: &removed)
                } else if preserve || (properties == nil && schema["type"] == nil && schema["additionalProperties"] == nil) {
                    // Preserved, or a schema that says nothing about this level (no type at all).
                    kept[key] = child
                } else {
                    removed.append(childPath)
                }
            }
            return .object(kept)
        case .array(let items):
            guard let itemSchema = schema["items"], itemSchema.objectValue != nil else { return value }
            return .array(items.enumerated().map { index, item in
                prune(item, schema: itemSchema, path: "\(path)[\(index)]", keepObjectMeta: false, removed: &removed)
            })
        default:
            return value
        }
    }
}
