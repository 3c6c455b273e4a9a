import KgitYAML

/// The custom resource kinds a set of CustomResourceDefinitions defines, compiled into `Schema`s.
struct CustomResourceDefinition {
    /// One served version of the CRD.
    struct Version {
        var kind: GroupVersionKind
        var schema: Schema
    }

    /// The CRD's `metadata.name`.
    var name: String
    var versions: [Version]

    /// Reads a CRD document; problems (a name that is not `<plural>.<group>`, a schema that does not
    /// compile) are appended to `problems` with the node they are at and their path.
    /// `file`, when given, names the file in the `origin` of enumerations and patterns.
    static func compile(
        _ root: Node, catalog: KubernetesCatalog, problems: inout [(node: Node, path: [PathComponent], message: String)],
        file: String? = nil
    ) -> CustomResourceDefinition? {
        guard let spec = root.member("spec"), let group = spec.member("group")?.string, let names = spec.member("names"),
            let kind = names.member("kind")?.string, !kind.isEmpty
        else {
            // The built-in CustomResourceDefinition schema reports the missing fields.
            return nil
        }
        let name = root.member("metadata")?.member("name")?.string ?? ""
        if let plural = names.member("plural")?.string, let nameNode = root.member("metadata")?.member("name"), name != "\(plural).\(group)" {
            problems.append(
                (nameNode, [.field("metadata"), .field("name")],
                    "the name of a CustomResourceDefinition must be `<plural>.<group>`, here `\(plural).\(group)`, found \(name.debugDescription)"))
        }
        let objectMeta = catalog.definition(named: "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
        var versions: [Version] = []
        for (index, version) in (spec.member("versions")?.sequence ?? []).enumerated() {
            guard let versionName = version.member("name")?.string else { continue }
            if version.member("served")?.scalar?.value == .bool(false) { continue }
            let gvk = GroupVersionKind(group: group, version: versionName, kind: kind)
            let basePath: [PathComponent] = [
                .field("spec"), .field("versions"), .element(index, item: version, keys: ["name"]), .field("schema"),
                .field("openAPIV3Schema"),
            ]
            guard let schemaNode = version.member("schema")?["openAPIV3Schema"] else {
                versions.append(Version(kind: gvk, schema: Self.root(Schema(.any, nullable: true), objectMeta: objectMeta)))
                continue
            }
            var compiler = SchemaCompiler(dialect: .structural)
            if let file {
                var reader = SchemaDocument.Reader(kind: .jsonSchema, rootFile: file)
                reader.check(schemaNode, pointer: "", path: "")
                let marks = reader.marks
                compiler.origin = { path in marks[path] }
            }
            let compiled = compiler.compile(JSONValue(schemaNode), path: "")
            for problem in compiler.problems {
                problems.append((schemaNode, basePath, "\(problem.message) (at \(problem.path.isEmpty ? "the root" : problem.path))"))
            }
            versions.append(Version(kind: gvk, schema: Self.root(compiled, objectMeta: objectMeta)))
        }
        if versions.isEmpty, let versionsNode = spec.member("versions") {
            problems.append((versionsNode, [.field("spec"), .field("versions")], "the CustomResourceDefinition serves no version"))
        }
        return CustomResourceDefinition(name: name, versions: versions)
    }

    /// Adds what the API server implicitly allows at the root of every custom resource: `apiVersion`,
    /// `kind` and `metadata` (checked as ObjectMeta).
    static func root(_ schema: Schema, objectMeta: Schema?) -> Schema {
        var object: ObjectSchema
        switch schema.shape {
        case .object(let declared): object = declared
        case .any: object = ObjectSchema(additionalProperties: .preserveUnknown)
        default: return schema
        }
        let string = Schema(.string(StringSchema()))
        if object.properties["apiVersion"] == nil { object.properties["apiVersion"] = string }
        if object.properties["kind"] == nil { object.properties["kind"] = string }
        if let objectMeta {
            // Custom resources get ObjectMeta checks (name syntax, labels) whatever their schema says.
            object.properties["metadata"] = objectMeta
        }
        for name in ["apiVersion", "kind", "metadata"] where !object.propertyNames.contains(name) {
            object.propertyNames.append(name)
        }
        return Schema(
            .object(object), nullable: false, description: schema.description, enumValues: schema.enumValues,
            allOf: schema.allOf, anyOf: schema.anyOf, oneOf: schema.oneOf, not: schema.not,
            validations: schema.validations, checks: schema.checks)
    }
}

extension JSONValue {
    /// Converts a YAML node (a CRD's `openAPIV3Schema`) into the JSON value the compiler reads.
    init(_ node: Node) {
        switch node.content {
        case .scalar(let scalar):
            switch scalar.value {
            case .null: self = .null
            case .bool(let b): self = .bool(b)
            case .int(let i): self = .number(Double(i))
            case .float(let f): self = .number(f)
            case .string(let s): self = .string(s)
            }
        case .sequence(let items):
            self = .array(items.map(JSONValue.init))
        case .mapping(let pairs):
            self = .object(pairs.map { ($0.key.scalar?.text ?? "", JSONValue($0.value)) })
        }
    }
}
