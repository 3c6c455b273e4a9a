import KgitYAML

/// The objects kgit applied from one revision: what a later sync may prune, and nothing else.
///
/// Its serialized form is stable (sorted, compact JSON) so it can be stored in a ConfigMap and compared
/// byte for byte.
public struct Inventory: Sendable, Hashable {
    /// The revision (commit id) the objects were applied from.
    public var revision: String
    /// The objects, in identity order.
    public private(set) var objects: [ObjectIdentity]

    public init(revision: String, objects: some Sequence<ObjectIdentity>) {
        self.revision = revision
        var unique: [ObjectIdentity: ObjectIdentity] = [:]
        for object in objects { unique[object] = object }
        self.objects = unique.values.sorted()
    }

    /// An empty inventory: nothing has been applied yet.
    public static let empty = Inventory(revision: "", objects: [])

    /// Whether `identity` was applied.
    public func contains(_ identity: ObjectIdentity) -> Bool { objects.contains(identity) }

    /// `{"objects":[{"group":"apps","kind":"Deployment","name":"web","namespace":"shop","version":"v1"}],"revision":"..."}`.
    public func serialized() -> String {
        let entries: [YAMLValue] = objects.map { object in
            .mapping([
                YAMLValue.Entry(key: "group", value: .string(object.group)),
                YAMLValue.Entry(key: "kind", value: .string(object.kind)),
                YAMLValue.Entry(key: "name", value: .string(object.name)),
                YAMLValue.Entry(key: "namespace", value: .string(object.namespace)),
                YAMLValue.Entry(key: "version", value: .string(object.version)),
            ])
        }
        let value = YAMLValue.mapping([
            YAMLValue.Entry(key: "objects", value: .sequence(entries)),
            YAMLValue.Entry(key: "revision", value: .string(revision)),
        ])
        return YAMLEmitter(sortKeys: true).json(value)
    }

    /// Reads the form `serialized()` writes.
    public init(serialized text: String) throws(InventoryError) {
        let documents: [Document]
        do {
            documents = try YAMLParser.parse(text)
        } catch {
            throw InventoryError(message: "the inventory is not valid JSON: \(error)")
        }
        guard let root = documents.first?.root else { throw InventoryError(message: "the inventory is empty") }
        let value = YAMLValue(root)
        guard case .string(let revision)? = value["revision"] else {
            throw InventoryError(message: "the inventory has no revision")
        }
        guard case .sequence(let items)? = value["objects"] else {
            throw InventoryError(message: "the inventory has no objects list")
        }
        var objects: [ObjectIdentity] = []
        for (index, item) in items.enumerated() {
            guard case .string(let group)? = item["group"], case .string(let version)? = item["version"],
                case .string(let kind)? = item["kind"], case .string(let namespace)? = item["namespace"],
                case .string(let name)? = item["name"], !kind.isEmpty, !name.isEmpty
            else {
                throw InventoryError(
                    message: "inventory object \(index) needs string group, version, kind, namespace and name")
            }
            objects.append(ObjectIdentity(group: group, version: version, kind: kind, namespace: namespace, name: name))
        }
        self.init(revision: revision, objects: objects)
    }
}

/// A stored inventory that cannot be read.
public struct InventoryError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
