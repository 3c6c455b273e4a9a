import KgitAPIMachinery

/// Server-side field validation (`fieldValidation=Strict|Warn|Ignore`): finds fields the kind's
/// schema does not declare, as upstream's strict decoder does.
///
/// Objects whose schema has no `properties` (maps, `FieldsV1`, `RawExtension`, …) are not
/// descended into. Full schema validation (types, required fields) belongs to KgitSchema's
/// validator.
enum FieldValidation: String {
    case strict = "Strict", warn = "Warn", ignore = "Ignore"

    /// The mode a request asks for; upstream's default is Warn.
    static func mode(_ query: QueryParameters) throws(APIError) -> FieldValidation {
        guard let text = query["fieldValidation"], !text.isEmpty else { return .warn }
        guard let mode = FieldValidation(rawValue: text) else {
            throw APIError.badRequest("fieldValidation parameter unsupported: \(text)")
        }
        return mode
    }

    /// Paths of undeclared fields, e.g. `spec.replica`, `spec.template.spec.containers[0].imagee`.
    static func unknownFields(in object: JSONValue, group: String, version: String, kind: String) -> [String] {
        guard let name = KubernetesDefinitions.definitionName(group: group, version: version, kind: kind),
              let node = FieldTree.shared.definitions[name]
        else { return [] }
        var found: [String]? = []
        _ = prunedValue(object, node: node, path: "", removed: &found)
        return (found ?? []).sorted()
    }

    /// `object` without the fields its kind's schema does not declare: what upstream's typed decoder
    /// drops under `fieldValidation=Warn` or `Ignore` (Strict refuses them before this). Kinds without a
    /// definition are returned as they are.
    static func pruned(_ object: JSONValue, info: ResourceInfo) -> JSONValue {
        guard let name = KubernetesDefinitions.definitionName(group: info.group, version: info.version, kind: info.kind),
              let node = FieldTree.shared.definitions[name]
        else { return object }
        var noPaths: [String]? = nil
        return prunedValue(object, node: node, path: "", removed: &noPaths) ?? object
    }

    /// The declared fields of every built-in definition, compiled once from the schemas: what the walk
    /// below needs of a schema (its properties, additionalProperties schema, items schema, and whether it
    /// preserves unknown fields) with every `$ref` already followed, so a walk does no reference
    /// resolution or string splitting. Nodes are indices into `nodes`; recursive definitions refer to
    /// themselves by index.
    struct FieldTree: Sendable {
        struct Node: Sendable {
            var preservesUnknown = false
            /// `properties`, when the schema has them (each to its property's node).
            var properties: [String: Int]?
            /// An object-valued `additionalProperties` (only used when there are no `properties`).
            var additional: Int?
            /// `items`.
            var items: Int?
        }

        private(set) var nodes: [Node] = []
        /// The node of each definition, by name.
        private(set) var definitions: [String: Int] = [:]

        static let shared = FieldTree(KubernetesDefinitions.all)

        init(_ all: [String: JSONValue]) {
            for name in all.keys.sorted() { _ = definition(name, all) }
        }

        private mutating func definition(_ name: String, _ all: [String: JSONValue]) -> Int? {
            if let index = definitions[name] { return index }
            guard let schema = all[name] else { return nil }
            let index = nodes.count
            nodes.append(Node())
            definitions[name] = index  // before filling: a recursive definition finds itself
            fill(index, resolved: schema, all)
            return index
        }

        /// The node of a schema as it appears in a parent (possibly a reference, followed as
        /// ``KubernetesDefinitions/resolve(_:)`` follows it).
        private mutating func node(_ schema: JSONValue, _ all: [String: JSONValue]) -> Int {
            if let name = KubernetesDefinitions.referencedName(schema), let index = definition(name, all) { return index }
            let index = nodes.count
            nodes.append(Node())
            fill(index, resolved: schema, all)
            return index
        }

        private mutating func fill(_ index: Int, resolved: JSONValue, _ all: [String: JSONValue]) {
            var filled = Node()
            filled.preservesUnknown = resolved["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
            if let properties = resolved["properties"]?.objectValue {
                var children: [String: Int] = [:]
                for (key, child) in properties { children[key] = node(child, all) }
                filled.properties = children
            } else if let additional = resolved["additionalProperties"], case .object = additional {
                filled.additional = node(additional, all)
            }
            if let items = resolved["items"] { filled.items = node(items, all) }
            nodes[index] = filled
        }
    }

    /// The value with undeclared fields removed at every depth, or nil when it has none (so a clean
    /// object is walked, not copied). When `removed` is not nil, the removed fields' paths are appended
    /// to it (paths are only built then). Objects whose schema has no `properties` or
    /// `additionalProperties` schema, and those preserving unknown fields, are kept as they are.
    private static func prunedValue(_ value: JSONValue, node index: Int, path: String, removed: inout [String]?) -> JSONValue? {
        let node = FieldTree.shared.nodes[index]
        let buildPaths = removed != nil
        func child(_ key: String) -> String { buildPaths ? (path.isEmpty ? key : "\(path).\(key)") : "" }
        switch value {
        case .object(let members):
            guard !node.preservesUnknown else { return nil }
            var replaced: [String: JSONValue]?
            if let properties = node.properties {
                for (key, member) in members {
                    guard let childNode = properties[key] else {
                        if replaced == nil { replaced = members }
                        replaced?[key] = nil
                        removed?.append(child(key))
                        continue
                    }
                    let childPath = child(key)
                    if let cleaned = prunedValue(member, node: childNode, path: childPath, removed: &removed) {
                        if replaced == nil { replaced = members }
                        replaced?[key] = cleaned
                    }
                }
            } else if let additional = node.additional {
                for (key, member) in members {
                    let childPath = child(key)
                    if let cleaned = prunedValue(member, node: additional, path: childPath, removed: &removed) {
                        if replaced == nil { replaced = members }
                        replaced?[key] = cleaned
                    }
                }
            }
            return replaced.map { .object($0) }
        case .array(let items):
            guard let itemNode = node.items else { return nil }
            var replaced: [JSONValue]?
            for (index, item) in items.enumerated() {
                let itemPath = buildPaths ? "\(path)[\(index)]" : ""
                if let cleaned = prunedValue(item, node: itemNode, path: itemPath, removed: &removed) {
                    if replaced == nil { replaced = items }
                    replaced?[index] = cleaned
                }
            }
            return replaced.map { .array($0) }
        default:
            return nil
        }
    }

    /// Applies the mode to an object: throws 400 under Strict, returns warnings under Warn. A custom
    /// resource's unknown fields are those its CRD's structural schema would prune.
    func check(_ object: JSONValue, info: ResourceInfo, custom: CustomResource? = nil) throws(APIError) -> [String] {
        guard self != .ignore else { return [] }
        let unknown = custom.map { StructuralPruning.prune(object, schema: $0.schema).removed }
            ?? FieldValidation.unknownFields(in: object, group: info.group, version: info.version, kind: info.kind)
        guard !unknown.isEmpty else { return [] }
        let list = unknown.map { "unknown field \"\($0)\"" }
        if self == .strict {
            throw APIError.badRequest("\(info.kind) in version \"\(info.version)\" cannot be handled as a \(info.kind): strict decoding error: \(list.joined(separator: ", "))")
        }
        return list
    }
}
