import KgitYAML

/// The named schemas of an OpenAPI v3 document (its `components.schemas`) or of a JSON Schema file
/// (the root schema and its `$defs`/`definitions`), compiled into `Schema`s: what KGL's
/// `import api "openapi:<file>"` and `import values "jsonschema:<file>"` bring in.
///
/// Only keywords that map onto the schema model are accepted: `type`, `properties`, `required`,
/// `additionalProperties`, `items`, `enum`, `const`, the numeric bounds (both the OpenAPI 3.0
/// boolean and the JSON Schema numeric `exclusiveMinimum`/`exclusiveMaximum`), `multipleOf`,
/// `minLength`/`maxLength`, `pattern` (read as RE2, as Kubernetes reads CRD patterns), `format`,
/// `minItems`/`maxItems`, `uniqueItems`, `minProperties`/`maxProperties`, `nullable`, local `$ref`s,
/// `allOf`/`anyOf`/`oneOf`/`not`, the `x-kubernetes-*` extensions, and annotations (`title`,
/// `description`, `default`, `examples`...). Any other keyword (`if`, `patternProperties`,
/// `prefixItems`, `dependentRequired`...) is refused with a problem naming it and its JSON pointer,
/// rather than silently checking less than the document says.
///
/// Objects follow JSON Schema: they admit fields they do not declare unless
/// `additionalProperties` says otherwise.
public enum SchemaDocument {
    /// Which kind of document the bytes are.
    public enum Kind: Sendable {
        /// An OpenAPI v3 document; its types are the entries of `components.schemas`.
        case openAPI
        /// A JSON Schema (draft-07 to 2020-12); its types are `Root` (the document itself) and the
        /// entries of `$defs` and `definitions`.
        case jsonSchema
    }

    /// Something in the document that cannot be imported.
    public struct Problem: Sendable, Hashable {
        /// The JSON pointer of the offending schema or keyword (`/components/schemas/Widget/if`).
        public var pointer: String
        /// Where it is in the file.
        public var mark: Mark
        /// What is wrong, naming the keyword.
        public var message: String
    }

    /// The name the root schema of a JSON Schema file is imported under.
    public static let rootName = "Root"

    /// Keywords that only annotate (ignored by checking).
    static let annotations: Set<String> = [
        "title", "description", "default", "examples", "example", "deprecated", "readOnly", "writeOnly", "$comment",
        "$schema", "$id", "externalDocs", "xml", "discriminator",
    ]

    /// Keywords the schema model expresses.
    static let supported: Set<String> = [
        "type", "properties", "required", "additionalProperties", "items", "enum", "const", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "format", "minItems",
        "maxItems", "uniqueItems", "minProperties", "maxProperties", "nullable", "$ref", "allOf", "anyOf", "oneOf", "not",
    ]

    /// The types `bytes` (JSON or YAML) defines, by name, and what could not be imported. When
    /// there is any problem no type is returned, so that nothing is checked against a partial
    /// reading of the document. `file` names the file in `Schema.origin`s.
    public static func load(_ bytes: [UInt8], kind: Kind, file: String) -> (types: [String: Schema], problems: [Problem]) {
        let start = Mark(line: 1, column: 1, offset: 0)
        let root: Node
        do {
            let documents = try YAMLParser.parse(bytes)
            guard documents.count == 1, let first = documents[0].root else {
                return ([:], [Problem(pointer: "", mark: start, message: "expected one JSON or YAML document, found \(documents.count)")])
            }
            root = first
        } catch {
            return ([:], [Problem(pointer: "", mark: error.mark, message: error.message)])
        }
        guard root.mapping != nil else {
            return ([:], [Problem(pointer: "", mark: root.start, message: "expected an object at the top of the document")])
        }
        var reader = Reader(kind: kind)
        var definitions: [(name: String, node: Node, pointer: String)] = []
        switch kind {
        case .openAPI:
            guard let version = root.member("openapi")?.string, version.hasPrefix("3.") else {
                let found = root.member("swagger").map { "swagger \($0.string ?? "")" } ?? root.member("openapi")?.string ?? "no `openapi` field"
                return ([:], [Problem(pointer: "/openapi", mark: root.start, message: "expected an OpenAPI 3.x document, found \(found)")])
            }
            for pair in root.member("components")?.member("schemas")?.mapping ?? [] {
                let name = pair.key.string ?? ""
                definitions.append((name, pair.value, "/components/schemas/" + Reader.escape(name)))
            }
            if definitions.isEmpty {
                return ([:], [Problem(pointer: "/components/schemas", mark: root.start, message: "the document defines no schemas under components.schemas")])
            }
        case .jsonSchema:
            definitions.append((rootName, root, ""))
            for keyword in ["$defs", "definitions"] {
                for pair in root.member(keyword)?.mapping ?? [] {
                    let name = pair.key.string ?? ""
                    if name != rootName { definitions.append((name, pair.value, "/\(keyword)/" + Reader.escape(name))) }
                }
            }
        }
        reader.names = Set(definitions.map(\.name))
        for definition in definitions {
            reader.check(definition.node, pointer: definition.pointer, path: definition.name, isDocumentRoot: definition.pointer.isEmpty)
        }
        guard reader.problems.isEmpty else { return ([:], reader.problems) }

        var compiler = SchemaCompiler(dialect: .jsonSchema)
        let marks = reader.marks
        compiler.origin = { path in marks[path].map { "\(file):\($0)" } }
        var types: [String: Schema] = [:]
        for definition in definitions {
            var json = JSONValue(definition.node)
            if definition.pointer.isEmpty, case .object(let members) = json {
                json = .object(members.filter { $0.0 != "$defs" && $0.0 != "definitions" })
            }
            types[definition.name] = compiler.compile(Reader.normalized(json), path: definition.name, definition: definition.name)
        }
        // `$ref`s may be recursive: the graph owns the definitions, the types handed out keep it.
        let graph = SchemaGraph()
        for (name, reference) in compiler.references {
            let target = name == "#" ? types[rootName] : types[name]
            if let target { graph.link(reference, to: target) }
        }
        return (Dictionary(uniqueKeysWithValues: types.map { ($0.key, graph.entry($0.value, name: $0.key)) }), [])
    }

    /// Checks the keywords of a document's schemas and records where enumerations and patterns are.
    struct Reader {
        let kind: Kind
        var names: Set<String> = []
        var problems: [Problem] = []
        /// The position of each schema holding `enum`, `const` or `pattern`, by compiler path.
        var marks: [String: Mark] = [:]

        init(kind: Kind) { self.kind = kind }

        /// `~` and `/` escaped for a JSON pointer.
        static func escape(_ name: String) -> String {
            name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }

        mutating func refuse(_ node: Node, _ pointer: String, _ message: String) {
            problems.append(Problem(pointer: pointer.isEmpty ? "/" : pointer, mark: node.start, message: message))
        }

        /// Checks one schema; `path` is the compiler's path for it (see `SchemaCompiler`).
        mutating func check(_ node: Node, pointer: String, path: String, isDocumentRoot: Bool = false, depth: Int = 0) {
            guard depth < 64 else {
                refuse(node, pointer, "schemas nested more than 64 deep are not imported")
                return
            }
            if case .scalar(let scalar) = node.content {
                if case .bool(true) = scalar.value { return }
                refuse(node, pointer, "the schema `\(scalar.text)` cannot be expressed: a schema is an object or `true`")
                return
            }
            guard let pairs = node.mapping else {
                refuse(node, pointer, "expected a schema object, found a \(node.kindDescription)")
                return
            }
            for pair in pairs {
                let keyword = pair.key.string ?? ""
                let at = pointer + "/" + Self.escape(keyword)
                let value = pair.value
                if Self.isExtension(keyword) || SchemaDocument.annotations.contains(keyword) { continue }
                if keyword == "$defs" || keyword == "definitions" {
                    if !(isDocumentRoot && kind == .jsonSchema) {
                        refuse(pair.key, at, "keyword `\(keyword)` is only imported at the top of a JSON Schema file")
                    }
                    continue
                }
                guard SchemaDocument.supported.contains(keyword) else {
                    refuse(pair.key, at, "keyword `\(keyword)` is not supported: the schema model cannot express it")
                    continue
                }
                switch keyword {
                case "type":
                    let names = value.sequence.map { $0.compactMap(\.string) } ?? value.string.map { [$0] } ?? []
                    let known: Set<String> = ["object", "array", "string", "integer", "number", "boolean", "null"]
                    if names.isEmpty || names.contains(where: { !known.contains($0) }) {
                        refuse(value, at, "keyword `type` must name JSON types (object, array, string, integer, number, boolean, null)")
                    } else if names.filter({ $0 != "null" }).count > 1 {
                        refuse(value, at, "keyword `type` with several types (\(names.joined(separator: ", "))) is not supported: use anyOf")
                    }
                case "properties":
                    guard let members = value.mapping else {
                        refuse(value, at, "keyword `properties` must be an object")
                        continue
                    }
                    for member in members {
                        let name = member.key.string ?? ""
                        check(member.value, pointer: at + "/" + Self.escape(name), path: "\(path).\(name)", depth: depth + 1)
                    }
                case "additionalProperties":
                    if case .scalar(let scalar) = value.content, case .bool = scalar.value { continue }
                    check(value, pointer: at, path: "\(path).additionalProperties", depth: depth + 1)
                case "items":
                    if value.sequence != nil {
                        refuse(value, at, "keyword `items` as a list (tuple validation) is not supported")
                        continue
                    }
                    check(value, pointer: at, path: "\(path)[]", depth: depth + 1)
                case "allOf", "anyOf", "oneOf":
                    guard let subs = value.sequence, !subs.isEmpty else {
                        refuse(value, at, "keyword `\(keyword)` must be a non-empty list of schemas")
                        continue
                    }
                    for (index, sub) in subs.enumerated() {
                        check(sub, pointer: "\(at)/\(index)", path: "\(path).\(keyword)[\(index)]", depth: depth + 1)
                    }
                case "not":
                    check(value, pointer: at, path: "\(path).not", depth: depth + 1)
                case "enum", "const":
                    let values = keyword == "enum" ? (value.sequence ?? []) : [value]
                    if keyword == "enum", value.sequence == nil {
                        refuse(value, at, "keyword `enum` must be a list")
                    } else if let bad = values.first(where: { $0.scalar == nil }) {
                        refuse(bad, at, "keyword `\(keyword)` with \(bad.kindDescription) values is not supported: only scalars can be compared")
                    } else {
                        marks[path] = marks[path] ?? pair.key.start
                    }
                case "pattern":
                    guard let source = value.string, case .string = value.scalar?.value else {
                        refuse(value, at, "keyword `pattern` must be a string")
                        continue
                    }
                    do {
                        _ = try SchemaPattern(source)
                        marks[path] = pair.key.start
                    } catch {
                        refuse(value, at, "keyword `pattern`: \(error) (patterns are read as RE2 regular expressions, as Kubernetes reads them)")
                    }
                case "$ref":
                    checkReference(value, pointer: at)
                case "required":
                    if value.sequence?.allSatisfy({ $0.string != nil }) != true {
                        refuse(value, at, "keyword `required` must be a list of field names")
                    }
                default:
                    break
                }
            }
        }

        /// A `$ref` must name a schema of the same document that is imported.
        mutating func checkReference(_ node: Node, pointer: String) {
            guard let ref = node.string else {
                refuse(node, pointer, "keyword `$ref` must be a string")
                return
            }
            if ref == "#", kind == .jsonSchema { return }
            let prefixes = kind == .openAPI ? ["#/components/schemas/"] : ["#/$defs/", "#/definitions/"]
            guard let prefix = prefixes.first(where: { ref.hasPrefix($0) }) else {
                refuse(
                    node, pointer,
                    "keyword `$ref` to \(ref.debugDescription) is not supported: only references to \(prefixes.map { $0 + "<name>" }.joined(separator: " or ")) of the same file are imported")
                return
            }
            let name = String(ref.dropFirst(prefix.count))
            if name.contains("/") || name.contains("~") || !names.contains(name) {
                refuse(node, pointer, "keyword `$ref` names \(ref.debugDescription), which the document does not define")
            }
        }

        static func isExtension(_ keyword: String) -> Bool { keyword.hasPrefix("x-") }

        /// The schema with a `$ref` that has constraints beside it rewritten as
        /// `allOf: [{$ref}, {the rest}]`: JSON Schema applies both, the compiler reads `$ref` alone.
        static func normalized(_ json: JSONValue) -> JSONValue {
            switch json {
            case .array(let items):
                return .array(items.map(normalized))
            case .object(let members):
                let rewritten = members.map { ($0.0, normalized($0.1)) }
                guard let ref = rewritten.first(where: { $0.0 == "$ref" }) else { return .object(rewritten) }
                let rest = rewritten.filter { $0.0 != "$ref" && !SchemaDocument.annotations.contains($0.0) }
                guard !rest.isEmpty else { return .object(rewritten) }
                let notes = rewritten.filter { SchemaDocument.annotations.contains($0.0) }
                return .object(notes + [("allOf", .array([.object([ref]), .object(rest)]))])
            default:
                return json
            }
        }
    }
}
