import KgitSchema
import KgitYAML

/// The objects a revision asks for, validated as a whole, each with the place it was written.
///
/// ```swift
/// switch DesiredState.load(snapshot, options: DesiredStateOptions(defaultNamespace: "apps")) {
/// case .success(let state): plan(state.objects)
/// case .failure(let error): report(error.diagnostics)  // and keep the last good state
/// }
/// ```
public struct DesiredState: Sendable {
    /// The revision the objects come from (a commit id), when known.
    public var revision: String?
    /// The objects in file order, then document order.
    public var objects: [DesiredObject]
    /// Warnings the validator reported; they do not stop the load.
    public var warnings: [Diagnostic]

    public init(revision: String? = nil, objects: [DesiredObject], warnings: [Diagnostic] = []) {
        self.revision = revision
        self.objects = objects
        self.warnings = warnings
    }

    /// The object with `identity`, if the revision declares it.
    public func object(_ identity: ObjectIdentity) -> DesiredObject? {
        objects.first { $0.identity == identity }
    }

    /// Re-attributes every field of the objects rendered from `documents` (a KGL environment: base manifests with
    /// patches applied) to where it was really written: `locate(identity, mark)` maps a node's position in the
    /// rendered document to the manifest file or the KGL file it came from. Objects with no rendered document keep
    /// their provenance.
    public mutating func attributeSources(
        to documents: [Document], defaultNamespace: String = "default",
        locate: (ObjectIdentity, Mark) -> ManifestLocation
    ) {
        let catalog = try? KubernetesCatalog.load(version: ValidationOptions().kubernetesVersion)
        var index: [ObjectIdentity: Int] = [:]
        for (position, object) in objects.enumerated() { index[object.identity] = position }
        for document in documents {
            guard let root = document.root, var identity = ObjectIdentity(object: YAMLValue(root)) else { continue }
            if identity.namespace.isEmpty, let position = index[identity] ?? index[
                ObjectIdentity(
                    group: identity.group, version: identity.version, kind: identity.kind,
                    namespace: defaultNamespace, name: identity.name)]
            {
                identity = objects[position].identity
            }
            guard let position = index[identity] else { continue }
            let schema = catalog?.schema(
                for: GroupVersionKind(group: identity.group, version: identity.version, kind: identity.kind))
            let root_ = root
            var table: [String: ManifestLocation] = ["": locate(identity, root_.start)]
            Loader.record(root, path: "", schema: schema, locate: { locate(identity, $0) }, into: &table)
            objects[position].provenance = table
            objects[position].location = table[""] ?? objects[position].location
        }
    }

    /// Loads the YAML files of a snapshot (`*.yaml`, `*.yml`; KGL files are evaluated elsewhere).
    public static func load(_ snapshot: ManifestSnapshot, options: DesiredStateOptions = DesiredStateOptions())
        -> Result<DesiredState, DesiredStateError>
    {
        let files = snapshot.sortedFiles.filter { file in
            let lower = file.path.lowercased()
            return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
        }
        return load(
            files.map { SourceFile(path: $0.path, bytes: $0.bytes) }, revision: snapshot.revision.commit.description,
            options: options)
    }

    /// Parses every file, validates the whole revision, and builds the objects. When any document is
    /// invalid, or two documents declare the same object, there are no objects: every problem is returned.
    public static func load(
        _ files: [SourceFile], revision: String? = nil, options: DesiredStateOptions = DesiredStateOptions()
    ) -> Result<DesiredState, DesiredStateError> {
        let validator: Validator
        do {
            validator = try Validator(options: options.validation)
        } catch {
            return .failure(
                DesiredStateError(diagnostics: [
                    Diagnostic(
                        code: "unsupported-kubernetes-version", message: error.message, file: "-",
                        start: Mark(line: 1, column: 1, offset: 0))
                ]))
        }
        let report = validator.validate(files)
        let warnings = report.diagnostics.filter { $0.severity == .warning }
        if !report.isValid { return .failure(DesiredStateError(diagnostics: report.diagnostics)) }

        var loader = Loader(
            options: options, catalog: try? KubernetesCatalog.load(version: options.validation.kubernetesVersion))
        for file in files {
            // The validator parsed these bytes without error, so a failure here is not expected; it is
            // still reported rather than trapped.
            do {
                let documents = try YAMLParser.parse(file.bytes)
                loader.collectScopes(documents)
                loader.pending.append((file.path, documents))
            } catch {
                loader.problems.append(
                    Diagnostic(code: error.code.rawValue, message: error.message, file: file.path, start: error.mark))
            }
        }
        for (path, documents) in loader.pending {
            for document in documents { loader.add(document, file: path) }
        }
        if !loader.problems.isEmpty {
            // The validator warns about a duplicate object; here it is an error, reported once, naming both places.
            let errorPlaces = Set(loader.problems.map { "\($0.code) \($0.file):\($0.start)" })
            let otherWarnings = warnings.filter { !errorPlaces.contains("\($0.code) \($0.file):\($0.start)") }
            return .failure(DesiredStateError(diagnostics: loader.problems + otherWarnings))
        }
        return .success(DesiredState(revision: revision, objects: loader.objects, warnings: warnings))
    }
}

/// The state of one load: objects so far, where each identity was first declared, problems.
struct Loader {
    let options: DesiredStateOptions
    let catalog: KubernetesCatalog?
    var pending: [(String, [Document])] = []
    var customScopes: [String: ResourceScope] = [:]
    var objects: [DesiredObject] = []
    var firstSeen: [ObjectIdentity: ManifestLocation] = [:]
    var problems: [Diagnostic] = []

    init(options: DesiredStateOptions, catalog: KubernetesCatalog?) {
        self.options = options
        self.catalog = catalog
    }

    /// Records the scope of every kind a CustomResourceDefinition in `documents` declares.
    mutating func collectScopes(_ documents: [Document]) {
        for document in documents {
            guard let root = document.root, root["kind"]?.string == "CustomResourceDefinition",
                let spec = root["spec"], let group = spec["group"]?.string,
                let kind = spec["names"]?["kind"]?.string
            else { continue }
            customScopes["\(kind).\(group)"] = spec["scope"]?.string == "Cluster" ? .cluster : .namespaced
        }
    }

    mutating func add(_ document: Document, file: String) {
        guard let root = document.root else { return }
        if root["apiVersion"]?.string == "v1", let kind = root["kind"]?.string, kind.hasSuffix("List"),
            let items = root["items"]?.sequence
        {
            for item in items { addObject(item, file: file, document: document.index) }
            return
        }
        addObject(root, file: file, document: document.index)
    }

    mutating func addObject(_ node: Node, file: String, document: Int) {
        let location = ManifestLocation(file: file, line: node.start.line, column: node.start.column)
        guard node.mapping != nil else {
            problem(
                "a manifest must be an object, found \(node.kindDescription)", file: file, node: node,
                document: document)
            return
        }
        guard let apiVersion = node["apiVersion"]?.string, !apiVersion.isEmpty else {
            problem(
                "the object has no apiVersion", file: file, node: node, path: ".apiVersion", document: document,
                object: node)
            return
        }
        guard let kind = node["kind"]?.string, !kind.isEmpty else {
            problem("the object has no kind", file: file, node: node, path: ".kind", document: document, object: node)
            return
        }
        let metadata = node["metadata"]
        guard let name = metadata?["name"]?.string, !name.isEmpty else {
            problem(
                "\(apiVersion) \(kind) has no metadata.name (generateName is not supported for synced objects)",
                file: file, node: metadata ?? node, path: ".metadata.name", document: document, object: node)
            return
        }
        let gvk = GroupVersionKind(apiVersion: apiVersion, kind: kind)
        let scope = ResourceScope.of(group: gvk.group, kind: kind, customScopes: customScopes)
        var namespace = ""
        if scope == .namespaced {
            namespace = metadata?["namespace"]?.string ?? ""
            if namespace.isEmpty { namespace = options.defaultNamespace }
        }
        let identity = ObjectIdentity(
            group: gvk.group, version: gvk.version, kind: kind, namespace: namespace, name: name)
        if let first = firstSeen[identity] {
            problems.append(
                Diagnostic(
                    code: "duplicate-object",
                    message: "\(identity) is declared twice: here and at \(first)", file: file, start: node.start,
                    end: node.end, path: "", document: document, object: identity.description,
                    notes: ["first declared at \(first)"]))
            return
        }
        firstSeen[identity] = location

        var body = YAMLValue(node)
        if scope == .namespaced { body = Self.settingNamespace(namespace, in: body) }
        var provenance: [String: ManifestLocation] = ["": location]
        let schema = catalog?.schema(for: gvk)
        Self.record(node, path: "", schema: schema, file: file, into: &provenance)
        objects.append(
            DesiredObject(identity: identity, scope: scope, body: body, location: location, provenance: provenance))
    }

    /// An object that cannot be synced, named as far as it names itself (`v1 ConfigMap`).
    mutating func problem(
        _ message: String, file: String, node: Node, path: String = "", document: Int, object: Node? = nil
    ) {
        let named = [object?["apiVersion"]?.string, object?["kind"]?.string].compactMap { $0 }.joined(separator: " ")
        problems.append(
            Diagnostic(
                code: "invalid-object", message: message, file: file, start: node.start, end: node.end, path: path,
                document: document, object: named.isEmpty ? nil : named))
    }

    /// Records where every field under `node` was written: a mapping entry at its key, a list element
    /// at its first character.
    static func record(
        _ node: Node, path: String, schema: Schema?, file: String, into table: inout [String: ManifestLocation]
    ) {
        record(node, path: path, schema: schema, locate: { ManifestLocation(file: file, line: $0.line, column: $0.column) }, into: &table)
    }

    /// `record` with each position turned into a location by `locate`.
    static func record(
        _ node: Node, path: String, schema: Schema?, locate: (Mark) -> ManifestLocation,
        into table: inout [String: ManifestLocation]
    ) {
        switch node.content {
        case .scalar:
            return
        case .mapping(let pairs):
            for pair in pairs {
                guard let key = pair.key.string else { continue }
                let childPath = FieldPath.appending(path, key: key)
                // An entry is where its key was written, unless its value came from elsewhere (a KGL patch
                // replacing a manifest's value): then the value's place is the one that explains it.
                let keyLocation = locate(pair.key.start)
                let valueLocation = locate(pair.value.start)
                table[childPath] = valueLocation.file == keyLocation.file ? keyLocation : valueLocation
                record(pair.value, path: childPath, schema: FieldPath.child(schema, key: key), locate: locate, into: &table)
            }
        case .sequence(let items):
            let (itemSchema, keys, _) = FieldPath.elements(schema)
            for (index, item) in items.enumerated() {
                var keyValues: [YAMLValue.Entry] = []
                for key in keys {
                    if let value = item[key] { keyValues.append(YAMLValue.Entry(key: key, value: YAMLValue(value))) }
                }
                let childPath = FieldPath.appending(path, index: index, element: .mapping(keyValues), keys: keys)
                table[childPath] = locate(item.start)
                record(item, path: childPath, schema: itemSchema, locate: locate, into: &table)
            }
        }
    }

    /// `body` with `metadata.namespace` set to `namespace`.
    static func settingNamespace(_ namespace: String, in body: YAMLValue) -> YAMLValue {
        guard case .mapping(var entries) = body else { return body }
        guard let index = entries.firstIndex(where: { $0.key == "metadata" }),
            case .mapping(var metadata) = entries[index].value
        else { return body }
        if let existing = metadata.firstIndex(where: { $0.key == "namespace" }) {
            metadata[existing].value = .string(namespace)
        } else {
            let after = metadata.firstIndex { $0.key == "name" }.map { $0 + 1 } ?? metadata.count
            metadata.insert(YAMLValue.Entry(key: "namespace", value: .string(namespace)), at: after)
        }
        entries[index].value = .mapping(metadata)
        return .mapping(entries)
    }
}
