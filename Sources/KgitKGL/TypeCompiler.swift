import KgitSchema
import KgitYAML

/// The `type` declarations of one KGL file, compiled into the schema model the validator checks
/// YAML against.
public struct CompiledTypes: Sendable {
    /// Each declared type by name. Types that failed to compile are absent.
    public let types: [String: Schema]
    /// The `bind` rules whose both sides resolved, in source order.
    public let bindings: [Binding]
    /// The files imported with `openapi:` or `jsonschema:` (relative to the repository root), which
    /// `kgit validate` does not read as manifests.
    public let schemaDocuments: Set<String>
    /// Syntax errors, then checking errors, in source order.
    public let diagnostics: [Diagnostic]

    /// Parses and compiles `source`; `file` names it in diagnostics.
    ///
    /// Covered so far: built-in scalars, literals and enums, `|` (literal enums, `T | null`, or
    /// `anyOf`), `&` with bounds, ranges, patterns, `len`, `multipleOf`, lists with `keyed`/`set`/
    /// `atomic`, struct blocks with dotted paths, optional fields, `[K]: V`, `...`, rules (kept as CEL
    /// data) and refinements of struct types declared in the same file. Imports and element paths
    /// are reported as `kgl-not-supported-yet`.
    public init(source: String, file: String = "-", loader: ImportLoader? = nil) {
        let parsed = ParsedFile(source: source, file: file)
        guard parsed.isValid else {
            self.types = [:]
            self.bindings = []
            self.schemaDocuments = []
            self.diagnostics = parsed.diagnostics
            return
        }
        var compiler = TypeCompiler(file: file, source: Array(source.utf8))
        compiler.loader = loader
        // Handed out as entry points of the compiler's graph, which they keep alive (see SchemaGraph).
        let graph = compiler.graph
        self.types = Dictionary(uniqueKeysWithValues: compiler.compile(parsed.module).map { ($0.key, graph.entry($0.value, name: $0.key)) })
        self.bindings = compiler.bindings(parsed.module).map {
            Binding(glob: $0.glob, kind: $0.kind, typeName: $0.typeName, type: graph.entry($0.type, name: $0.typeName))
        }
        self.schemaDocuments = Set(compiler.schemaDocuments)
        self.diagnostics = compiler.diagnostics.sorted(by: Diagnostic.sortedOrder)
    }
}

/// Compiles KGL type expressions into `Schema`s (see `CompiledTypes` for what is covered).
///
/// Declarations are compiled on demand, so order does not matter; each named type becomes a
/// `SchemaReference` linked once compiled, which also makes recursive references possible. A type
/// that refers to itself through a refinement (which needs the base's fields at compile time) is
/// reported instead of looping.
struct TypeCompiler {
    static let builtins: [String: @Sendable () -> Schema] = [
        "any": { Schema(.any) },
        "bool": { Schema(.boolean) },
        "int": { Schema(.integer(NumericSchema())) },
        "float": { Schema(.number(NumericSchema())) },
        "number": { Schema(.number(NumericSchema())) },
        "string": { Schema(.string(StringSchema())) },
        "bytes": { Schema(.string(StringSchema(format: "byte"))) },
        "Quantity": { Schema(.quantity) },
        "IntOrString": { Schema(.intOrString) },
        "Port": { Schema(.integer(NumericSchema(minimum: 1, maximum: 65535))) },
        "DnsLabel": { pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength: 63) },
        "DnsSubdomain": {
            pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", maxLength: 253)
        },
        "LabelValue": { pattern("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$", maxLength: 63) },
        "LabelKey": {
            pattern(
                "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$",
                maxLength: 317)
        },
    ]

    private static func pattern(_ source: String, maxLength: Int) -> Schema {
        Schema(.string(StringSchema(pattern: try? SchemaPattern(source), maxLength: maxLength)))
    }

    let file: String
    let source: [UInt8]
    var diagnostics: [Diagnostic] = []
    private var declarations: [String: TypeDecl] = [:]
    /// Every import alias; those of built-in API packs map to their catalog and group/version.
    private var imports: Set<String> = []
    private var packs: [String: (catalog: KubernetesCatalog, group: String, version: String)] = [:]
    /// Reads imported files and holds their pins; nil when the file is compiled on its own.
    var loader: ImportLoader?
    /// The files being imported, outermost first, to refuse import cycles.
    var importStack: [String] = []
    /// The types of imported KGL files, OpenAPI documents and JSON Schemas, by alias.
    var modules: [String: [String: Schema]] = [:]
    /// Aliases of schema documents that were refused (reported at the import, not at each use).
    var refusedModules: Set<String> = []
    /// The custom resource kinds of imported CRD files, by alias and kind name.
    var customKinds: [String: [String: CustomResourceSchemas.Kind]] = [:]
    /// When true, file imports are read without checking pins (`kgit lock` computes them).
    var acceptUnpinned = false
    /// Every file import read (path and bytes), for `kgit lock`.
    var importedFiles: [(path: String, bytes: [UInt8])] = []
    /// The OpenAPI documents and JSON Schemas imported (paths relative to the root): schema
    /// inputs, not manifests.
    var schemaDocuments: [String] = []
    /// Owns the compiled declarations, which may refer to each other in cycles (recursive types),
    /// and keeps the graphs of imported files alive.
    let graph = SchemaGraph()
    private var references: [String: SchemaReference] = [:]
    /// Where the bounds of compiled schemas were declared (by schema identity; the schema is kept so
    /// the identity stays its own), for refinements that must not widen them.
    var declaredBounds: [ObjectIdentifier: (schema: Schema, bounds: DeclaredBounds)] = [:]
    private var compiled: [String: Schema] = [:]
    private var inProgress: Set<String> = []
    /// Declarations that failed to compile (reported once, not retried).
    private var failed: Set<String> = []
    /// Defaults to check once every type is compiled (and every reference linked).
    var pendingDefaults: [(Value, Schema)] = []

    init(file: String, source: [UInt8]) {
        self.file = file
        self.source = source
    }

    mutating func compile(_ module: Module) -> [String: Schema] {
        imports = Set(module.imports.map(\.name.name))
        for i in module.imports { importPack(i) }
        for case .type(let decl) in module.decls {
            if declarations[decl.name.name] != nil {
                report(.duplicateType, "type \(decl.name.name) is declared twice", at: decl.name.range)
                continue
            }
            declarations[decl.name.name] = decl
            references[decl.name.name] = SchemaReference(name: decl.name.name)
        }
        for name in declarations.keys.sorted() { _ = declared(name) }
        for (value, schema) in pendingDefaults { checkDefault(value, against: schema) }
        return compiled
    }

    /// The compiled schema of the declared type `name`, compiling it first if needed.
    private mutating func declared(_ name: String) -> Schema? {
        if let schema = compiled[name] { return schema }
        guard let decl = declarations[name], !inProgress.contains(name), !failed.contains(name) else { return nil }
        // Each level of types naming types costs stack: bound it like the parser bounds nesting.
        guard inProgress.count < Parser.maxNesting else {
            report(
                .nestingTooDeep, "type \(name) is reached through more than \(Parser.maxNesting) types that name each other",
                at: decl.name.range)
            return nil
        }
        inProgress.insert(name)
        defer { inProgress.remove(name) }
        guard let schema = compileType(decl.type) else {
            failed.insert(name)
            return nil
        }
        compiled[name] = schema
        if let reference = references[name] { graph.link(reference, to: schema) }
        if schema.resolved == nil {
            report(.invalidConstraint, "type \(name) is only an alias of itself, through other aliases", at: decl.name.range)
            compiled[name] = nil
            failed.insert(name)
            return nil
        }
        return schema
    }

    /// The group/version/kind a built-in pack type (`apps.Deployment`) stands for, if it is one.
    func kind(of name: QualIdent) -> GroupVersionKind? {
        if name.parts.count == 2, let kind = customKinds[name.parts[0].name]?[name.parts[1].name] { return kind.kind }
        guard name.parts.count == 2, let pack = packs[name.parts[0].name] else { return nil }
        return GroupVersionKind(group: pack.group, version: pack.version, kind: name.parts[1].name)
    }

    /// Loads an import: `kgit:k8s@1.33/apps/v1` (the built-in Kubernetes API pack), `crd:<file>`
    /// (the kinds of the CustomResourceDefinitions in a file) or a KGL file (`./types.kgl`).
    private mutating func importPack(_ decl: Module.ImportDecl) {
        let path = decl.path.value
        let prefix = "kgit:k8s@"
        guard path.hasPrefix(prefix) else {
            importFile(decl)
            return
        }
        let parts = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[2].isEmpty else {
            report(.invalidImport, "an API pack import is kgit:k8s@<version>/<group>/<version>, such as kgit:k8s@1.33/apps/v1", at: decl.path.range)
            return
        }
        let catalog: KubernetesCatalog
        do {
            catalog = try KubernetesCatalog.load(version: parts[0])
        } catch {
            report(.notSupportedYet, error.message, at: decl.path.range)
            return
        }
        let group = parts[1] == "core" ? "" : parts[1]
        packs[decl.name.name] = (catalog, group, parts[2])
    }

    mutating func report(_ code: KGLDiagnosticCode, _ message: String, at range: SourceRange, notes: [String] = []) {
        diagnostics.append(Diagnostic(code, message, file: file, range: range, notes: notes))
    }

    func text(_ range: SourceRange) -> String {
        let from = max(0, min(range.start.offset, source.count))
        let to = max(from, min(range.end.offset, source.count))
        return String(decoding: source[from..<to], as: UTF8.self)
    }

    // MARK: - Type expressions

    mutating func compileType(_ type: TypeExpr) -> Schema? {
        switch type.kind {
        case .named(let name, let refinement):
            guard let base = resolve(name) else { return nil }
            guard let refinement else { return base }
            return refine(base, named: name, with: refinement)
        case .string(let s): return Schema(.string(StringSchema()), enumValues: [.string(s.value)])
        case .bool(let b): return Schema(.boolean, enumValues: [.bool(b)])
        case .null: return Schema(.any, nullable: true, enumValues: [.null])
        case .number(let n): return literal(n)
        case .block(let block): return compileBlock(block)
        case .paren(let inner): return compileType(inner)
        case .message(let inner, let message):
            guard let schema = compileType(inner) else { return nil }
            return carryBounds(from: schema, to: schema.with(errorMessage: message.value))
        case .list(let element, let modifiers): return compileList(element, modifiers)
        case .union(let terms):
            guard let union = compileUnion(terms) else { return nil }
            // An enumeration names where it was declared, for refinements and diagnostics.
            return union.enumValues == nil || union.origin != nil ? union : union.with(origin: "\(file):\(type.range.start)")
        case .intersection(let terms): return compileIntersection(terms)
        case .call(let name, _) where !TypeCompiler.isConstraint(type):
            // A dotted name with arguments is neither a type nor a constraint (constraints are single names
            // such as len or format); compiling it as an intersection would recurse forever.
            report(.unknownType, "unknown constraint \(name.dotted)", at: name.range)
            return nil
        case .call, .range, .bound, .match:
            // A constraint alone constrains whatever value it meets.
            return compileIntersection([type])
        }
    }

    mutating func resolve(_ name: QualIdent) -> Schema? {
        if name.parts.count == 2, let pack = packs[name.parts[0].name] {
            let kind = name.parts[1].name
            if let schema = pack.catalog.schema(for: GroupVersionKind(group: pack.group, version: pack.version, kind: kind)) {
                return schema
            }
            let kinds = pack.catalog.kinds.filter { $0.group == pack.group && $0.version == pack.version }.map(\.kind)
            let notes = NameSuggestion.closest(to: kind, among: kinds).map { ["did you mean \($0)?"] } ?? []
            let apiVersion = pack.group.isEmpty ? pack.version : "\(pack.group)/\(pack.version)"
            report(.unknownType, "\(apiVersion) has no kind \(kind)", at: name.parts[1].range, notes: notes)
            return nil
        }
        if name.parts.count == 2, let types = modules[name.parts[0].name] {
            if let schema = types[name.parts[1].name] { return schema }
            if refusedModules.contains(name.parts[0].name) { return nil }
            let notes = NameSuggestion.closest(to: name.parts[1].name, among: Array(types.keys)).map { ["did you mean \($0)?"] } ?? []
            report(.unknownType, "package \(name.parts[0].name) has no type \(name.parts[1].name)", at: name.parts[1].range, notes: notes)
            return nil
        }
        if name.parts.count == 2, let kinds = customKinds[name.parts[0].name] {
            if let kind = kinds[name.parts[1].name] { return kind.schema }
            let notes = NameSuggestion.closest(to: name.parts[1].name, among: Array(kinds.keys)).map { ["did you mean \($0)?"] } ?? []
            report(.unknownType, "the imported CRDs define no kind \(name.parts[1].name)", at: name.parts[1].range, notes: notes)
            return nil
        }
        if name.parts.count > 1 {
            // An import that could not be loaded was reported at the import.
            if !imports.contains(name.parts[0].name) {
                report(.unknownType, "unknown package \(name.parts[0].name) in \(name.dotted)", at: name.range)
            }
            return nil
        }
        let simple = name.parts[0].name
        if let reference = references[simple] {
            // A type still being compiled is a legitimate recursive reference; a failed one was reported.
            guard declared(simple) != nil || inProgress.contains(simple) else { return nil }
            return Schema(.reference(reference))
        }
        if let builtin = TypeCompiler.builtins[simple] { return builtin() }
        let known = Array(TypeCompiler.builtins.keys) + Array(declarations.keys)
        let notes = NameSuggestion.closest(to: simple, among: known).map { ["did you mean \($0)?"] } ?? []
        report(.unknownType, "unknown type \(simple)", at: name.range, notes: notes)
        return nil
    }

    func literal(_ n: NumberLiteral) -> Schema {
        switch n.kind {
        case .int:
            if let value = Int(n.text) { return Schema(.integer(NumericSchema()), enumValues: [.int(value)]) }
            return Schema(.integer(NumericSchema()))
        case .float:
            if let value = Double(n.text) { return Schema(.number(NumericSchema()), enumValues: [.float(value)]) }
            return Schema(.number(NumericSchema()))
        case .quantity:
            return Schema(.quantity)
        }
    }

    mutating func compileList(_ element: TypeExpr, _ modifiers: [TypeExpr.ListModifier]) -> Schema? {
        guard let items = compileType(element) else { return nil }
        var listType: ArraySchema.ListType?
        for modifier in modifiers {
            switch modifier {
            case .keyed(let keys, _): listType = .map(keys: keys.map(\.name))
            case .set: listType = .set
            case .atomic: if listType == nil { listType = .atomic }
            }
        }
        return Schema(.array(ArraySchema(items: items, listType: listType, uniqueItems: listType == .set)))
    }

    mutating func compileUnion(_ terms: [TypeExpr], range: SourceRange? = nil) -> Schema? {
        let compiled = terms.compactMap { compileType($0) }
        guard compiled.count == terms.count else { return nil }
        let nonNull = compiled.filter { $0.enumValues != [.null] }
        // `T | null`: T, nullable.
        if nonNull.count == 1, compiled.count > 1 {
            return carryBounds(from: nonNull[0], to: nonNull[0].with(nullable: true))
        }
        // A union of literals is an enumeration.
        if compiled.allSatisfy({ $0.enumValues != nil }) {
            let values = compiled.flatMap { $0.enumValues ?? [] }.filter { $0 != .null }
            let shapes = Set(nonNull.map(\.typeDescription))
            let shape = shapes.count == 1 ? nonNull[0].shape : .any
            return Schema(shape, nullable: nonNull.count < compiled.count, enumValues: values)
        }
        // A union of structs must be discriminable by a literal field.
        if nonNull.count > 1, nonNull.allSatisfy({ $0.objectSchema != nil }) {
            return discriminated(nonNull, nullable: nonNull.count < compiled.count, terms: terms)
        }
        return Schema(.any, nullable: nonNull.count < compiled.count, anyOf: nonNull)
    }
}
