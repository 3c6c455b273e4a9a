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
        /// The file it is in: the imported file, or a file one of its `$ref`s names.
        public var file: String = ""
    }

    /// Why a file a `$ref` names could not be read (missing, unpinned, changed since it was pinned).
    public struct ReadError: Error, Sendable {
        /// What went wrong, for the problem reported at the `$ref`.
        public var message: String

        /// A failure described by `message`.
        public init(_ message: String) { self.message = message }
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
        "patternProperties", "if", "then", "else",
    ]

    /// The most files one import may read through `$ref`s.
    static let maxFiles = 64

    /// The types `bytes` (JSON or YAML) defines, by name, and what could not be imported. When
    /// there is any problem no type is returned, so that nothing is checked against a partial
    /// reading of the document. `file` names the file in `Schema.origin`s and is what relative
    /// `$ref`s to other files (`common.json#/$defs/Name`) start from; `read` reads those (paths
    /// relative to the same root as `file`), and without it such references are refused.
    public static func load(
        _ bytes: [UInt8], kind: Kind, file: String, read: ((String) -> Result<[UInt8], ReadError>)? = nil
    ) -> (types: [String: Schema], problems: [Problem]) {
        let root: Node
        switch parse(bytes) {
        case .success(let node): root = node
        case .failure(let problem): return ([:], [Problem(pointer: "", mark: problem.mark, message: problem.message, file: file)])
        }
        var reader = Reader(kind: kind, rootFile: file)
        var definitions: [(name: String, node: Node, pointer: String)] = []
        switch kind {
        case .openAPI:
            guard let version = root.member("openapi")?.string, version.hasPrefix("3.") else {
                let found = root.member("swagger").map { "swagger \($0.string ?? "")" } ?? root.member("openapi")?.string ?? "no `openapi` field"
                return ([:], [Problem(pointer: "/openapi", mark: root.start, message: "expected an OpenAPI 3.x document, found \(found)", file: file)])
            }
            for pair in root.member("components")?.member("schemas")?.mapping ?? [] {
                let name = pair.key.string ?? ""
                definitions.append((name, pair.value, "/components/schemas/" + Reader.escape(name)))
            }
            if definitions.isEmpty {
                return ([:], [Problem(pointer: "/components/schemas", mark: root.start, message: "the document defines no schemas under components.schemas", file: file)])
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

        // Schemas of other files that `$ref`s name, each read once (and what they name in turn).
        var files: [String: Node] = [file: root]
        var external: [(key: String, file: String, node: Node, pointer: String)] = []
        var seen: Set<String> = []
        while !reader.pending.isEmpty {
            let next = reader.pending.removeFirst()
            let key = next.file + "#" + next.pointer
            guard seen.insert(key).inserted else { continue }
            reader.file = next.from
            if files[next.file] == nil {
                guard let read else {
                    reader.refuse(next.node, next.at, "keyword `$ref` to another file (\(next.file)) is read only in a repository, where the file is pinned")
                    continue
                }
                guard files.count < maxFiles else {
                    reader.refuse(next.node, next.at, "keyword `$ref`: the import reads more than \(maxFiles) files")
                    continue
                }
                switch read(next.file) {
                case .failure(let error):
                    reader.refuse(next.node, next.at, "keyword `$ref` to \(next.file): \(error.message)")
                    continue
                case .success(let bytes):
                    switch parse(bytes) {
                    case .success(let node): files[next.file] = node
                    case .failure(let problem):
                        reader.problems.append(Problem(pointer: "", mark: problem.mark, message: problem.message, file: next.file))
                        continue
                    }
                }
            }
            guard let document = files[next.file], let node = Reader.node(at: next.pointer, in: document) else {
                reader.refuse(next.node, next.at, "keyword `$ref` names \(next.pointer.isEmpty ? "the root" : next.pointer) of \(next.file), which that file does not define")
                continue
            }
            reader.file = next.file
            reader.check(node, pointer: next.pointer, path: key, isDocumentRoot: next.pointer.isEmpty)
            external.append((key, next.file, node, next.pointer))
        }
        guard reader.problems.isEmpty else { return ([:], reader.problems) }

        var compiler = SchemaCompiler(dialect: .jsonSchema)
        let marks = reader.marks
        compiler.origin = { path in marks[path] }
        func compile(_ node: Node, pointer: String, name: String, in current: String) -> Schema {
            var json = JSONValue(node)
            if pointer.isEmpty, case .object(let members) = json {
                json = .object(members.filter { $0.0 != "$defs" && $0.0 != "definitions" })
            }
            let canonical = Reader.canonicalReferences(json, in: current, rootFile: file)
            return compiler.compile(Reader.normalized(canonical), path: name, definition: name)
        }
        var types: [String: Schema] = [:]
        for definition in definitions {
            types[definition.name] = compile(definition.node, pointer: definition.pointer, name: definition.name, in: file)
        }
        var others: [String: Schema] = [:]
        for entry in external {
            others[entry.key] = compile(entry.node, pointer: entry.pointer, name: entry.key, in: entry.file)
        }
        // `$ref`s may be recursive: the graph owns the definitions, the types handed out keep it.
        let graph = SchemaGraph()
        for (name, reference) in compiler.references {
            let target = name == "#" ? types[rootName] : types[name] ?? others[name]
            if let target { graph.link(reference, to: target) }
        }
        return (Dictionary(uniqueKeysWithValues: types.map { ($0.key, graph.entry($0.value, name: $0.key)) }), [])
    }

    /// The one document of `bytes` (JSON or YAML), which must be an object.
    static func parse(_ bytes: [UInt8]) -> Result<Node, ReadProblem> {
        let start = Mark(line: 1, column: 1, offset: 0)
        do {
            let documents = try YAMLParser.parse(bytes)
            guard documents.count == 1, let first = documents[0].root else {
                return .failure(ReadProblem(mark: start, message: "expected one JSON or YAML document, found \(documents.count)"))
            }
            guard first.mapping != nil else {
                return .failure(ReadProblem(mark: first.start, message: "expected an object at the top of the document"))
            }
            return .success(first)
        } catch {
            return .failure(ReadProblem(mark: error.mark, message: error.message))
        }
    }

    /// Why a file could not be read as a schema document.
    struct ReadProblem: Error {
        var mark: Mark
        var message: String
    }

    /// Checks the keywords of a document's schemas and records where enumerations and patterns are.
    struct Reader {
        let kind: Kind
        /// The imported file; `$ref`s to it use the names of its definitions.
        let rootFile: String
        /// The file being checked.
        var file: String
        var names: Set<String> = []
        var problems: [Problem] = []
        /// Where each schema holding `enum`, `const` or `pattern` is (`file:line:col`), by compiler path.
        var marks: [String: String] = [:]
        /// Schemas of other files that `$ref`s name, still to read: the file and pointer, and the
        /// `$ref` (its node, pointer and file) to blame when that fails.
        var pending: [(file: String, pointer: String, node: Node, at: String, from: String)] = []

        init(kind: Kind, rootFile: String) {
            self.kind = kind
            self.rootFile = rootFile
            self.file = rootFile
        }

        /// `~` and `/` escaped for a JSON pointer.
        static func escape(_ name: String) -> String {
            name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }

        mutating func refuse(_ node: Node, _ pointer: String, _ message: String) {
            problems.append(Problem(pointer: pointer.isEmpty ? "/" : pointer, mark: node.start, message: message, file: file))
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
                case "not", "if", "then", "else":
                    check(value, pointer: at, path: "\(path).\(keyword)", depth: depth + 1)
                case "patternProperties":
                    guard let members = value.mapping else {
                        refuse(value, at, "keyword `patternProperties` must be an object")
                        continue
                    }
                    for member in members {
                        let source = member.key.string ?? ""
                        do {
                            _ = try SchemaPattern(source)
                        } catch {
                            refuse(member.key, at + "/" + Self.escape(source), "keyword `patternProperties`: \(error) (patterns are read as RE2 regular expressions)")
                            continue
                        }
                        check(member.value, pointer: at + "/" + Self.escape(source), path: "\(path).patternProperties[\(source)]", depth: depth + 1)
                    }
                case "enum", "const":
                    let values = keyword == "enum" ? (value.sequence ?? []) : [value]
                    if keyword == "enum", value.sequence == nil {
                        refuse(value, at, "keyword `enum` must be a list")
                    } else if let bad = values.first(where: { $0.scalar == nil }) {
                        refuse(bad, at, "keyword `\(keyword)` with \(bad.kindDescription) values is not supported: only scalars can be compared")
                    } else {
                        marks[path] = marks[path] ?? "\(file):\(pair.key.start)"
                    }
                case "pattern":
                    guard let source = value.string, case .string = value.scalar?.value else {
                        refuse(value, at, "keyword `pattern` must be a string")
                        continue
                    }
                    do {
                        _ = try SchemaPattern(source)
                        marks[path] = "\(file):\(pair.key.start)"
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

        /// A `$ref` names a schema of the imported document, or the root or a definition of another
        /// file (by a path relative to the file it is in), which is then read too.
        mutating func checkReference(_ node: Node, pointer: String) {
            guard let ref = node.string else {
                refuse(node, pointer, "keyword `$ref` must be a string")
                return
            }
            guard let (target, fragment) = Self.split(ref, in: file) else {
                refuse(node, pointer, "keyword `$ref` to \(ref.debugDescription) is not supported: a reference names a schema of this file (#/$defs/<name>) or, by a relative path inside the repository, of another (common.json#/$defs/<name>)")
                return
            }
            let prefixes = ["/components/schemas/", "/$defs/", "/definitions/"]
            let prefix = prefixes.first { fragment.hasPrefix($0) }
            let name = prefix.map { String(fragment.dropFirst($0.count)) }
            guard fragment.isEmpty || (name.map { !$0.isEmpty && !$0.contains("/") && !$0.contains("~") } ?? false) else {
                refuse(node, pointer, "keyword `$ref` to \(ref.debugDescription) is not supported: only the root, #/$defs/<name>, #/definitions/<name> and #/components/schemas/<name> are imported")
                return
            }
            guard target == rootFile else {
                pending.append((target, fragment, node, pointer, file))
                return
            }
            if fragment.isEmpty {
                if kind != .jsonSchema { refuse(node, pointer, "keyword `$ref` to the root of an OpenAPI document is not supported") }
                return
            }
            let local = kind == .openAPI ? ["/components/schemas/"] : ["/$defs/", "/definitions/"]
            guard let prefix, local.contains(prefix), let name else {
                refuse(node, pointer, "keyword `$ref` to \(ref.debugDescription) is not supported: this file's schemas are \(local.map { "#" + $0 + "<name>" }.joined(separator: " or "))")
                return
            }
            if !names.contains(name) {
                refuse(node, pointer, "keyword `$ref` names \(ref.debugDescription), which the document does not define")
            }
        }

        /// The file (relative to the root) and JSON pointer a `$ref` in `file` names; nil for absolute
        /// paths, URLs and paths that leave the root.
        static func split(_ ref: String, in file: String) -> (file: String, pointer: String)? {
            let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let path = String(parts[0])
            let pointer = parts.count > 1 ? String(parts[1]) : ""
            guard pointer.isEmpty || pointer.hasPrefix("/") else { return nil }
            if path.isEmpty { return (file, pointer) }
            guard !path.hasPrefix("/"), !path.contains(":"), !path.contains("\\") else { return nil }
            var components = file.split(separator: "/").map(String.init).dropLast()
            for component in path.split(separator: "/") {
                switch component {
                case ".": continue
                case "..":
                    guard !components.isEmpty else { return nil }
                    components.removeLast()
                default: components.append(String(component))
                }
            }
            guard !components.isEmpty else { return nil }
            return (components.joined(separator: "/"), pointer)
        }

        /// The node `pointer` (`""`, `/$defs/Name`...) names in `document`.
        static func node(at pointer: String, in document: Node) -> Node? {
            var node = document
            for step in pointer.split(separator: "/", omittingEmptySubsequences: true) {
                let name = step.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                guard let next = node.member(name) else { return nil }
                node = next
            }
            return node
        }

        /// `json` (a schema of `file`) with every `$ref` in the compiler's names: `#/$defs/N` and `#`
        /// for the imported file's own schemas, `<file>#<pointer>` for another file's.
        static func canonicalReferences(_ json: JSONValue, in file: String, rootFile: String) -> JSONValue {
            switch json {
            case .array(let items):
                return .array(items.map { canonicalReferences($0, in: file, rootFile: rootFile) })
            case .object(let members):
                return .object(members.map { key, value in
                    if key == "$ref", case .string(let ref) = value, let (target, pointer) = split(ref, in: file) {
                        return (key, .string(target == rootFile ? "#" + pointer : target + "#" + pointer))
                    }
                    // `properties` and `patternProperties` hold names, not keywords: only their values are schemas.
                    return (key, canonicalReferences(value, in: file, rootFile: rootFile))
                })
            default:
                return json
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
