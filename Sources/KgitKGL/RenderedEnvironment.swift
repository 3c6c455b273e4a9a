import KgitSchema
import KgitYAML

/// One environment applied to the base manifests: the core of `kgit render`.
///
/// The KGL file is checked first (`CheckedEnvironments`); nothing is rendered when it has errors.
/// Then the environment's layers apply in order, from the first above `base` to the environment
/// itself: each `add` appends the documents of a manifest file, each `patch` changes one object of a
/// built-in kind (`=` sets, creating missing mappings and keyed-list elements; `+=` appends; `delete`
/// removes and is a no-op when the node is absent). Nodes a patch creates carry the patch value's
/// position in the KGL file.
///
/// Finally every `require` block of the chain checks the objects it names: each is validated
/// against its kind refined by the block. A violation is reported where the offending value came
/// from: the manifest file, or the KGL file for a value a patch set (recognized by its position),
/// with a note naming the requiring environment. Defaults are not applied yet.
public struct RenderedEnvironment: Sendable {
    /// The resulting documents: the base manifests in order, then added ones, all patched.
    public let documents: [Document]
    /// Why rendering failed or was partial, in source order.
    public let diagnostics: [Diagnostic]
    /// The manifest file each document came from, parallel to `documents`.
    public let origins: [String]
    /// Where the values patches set came from (see `ProvenanceTable`).
    public let provenance: ProvenanceTable

    /// The documents as a YAML stream.
    public var yaml: String { YAMLEmitter().yaml(documents) }

    /// The documents grouped by the manifest file they came from, for `Validator.validate(parsed:)`.
    public var sources: [ParsedSource] {
        var order: [String] = []
        var byFile: [String: [Document]] = [:]
        for (document, origin) in zip(documents, origins) {
            if byFile[origin] == nil { order.append(origin) }
            byFile[origin, default: []].append(document)
        }
        return order.map { ParsedSource(path: $0, documents: byFile[$0] ?? []) }
    }

    /// Renders `environment` of the KGL source `kgl` over `manifests` (the base, plus any file an
    /// `add` names).
    ///
    /// Documents a `bind` rule selects (by their path relative to `root`, and their kind) get the
    /// defaults of the bound type for fields that are absent after every layer.
    public init(
        kgl: String, kglFile: String = "-", environment: String, base: [SourceFile], files: [SourceFile] = [],
        root: String? = nil
    ) {
        var renderer = Renderer(kgl: kgl, file: kglFile, files: base + files)
        renderer.root = root
        self.documents = renderer.render(environment, base: base)
        self.diagnostics = renderer.diagnostics.sorted(by: Diagnostic.sortedOrder)
        self.origins = renderer.origins
        self.provenance = renderer.provenance
    }

    /// `diagnostic` about a rendered document, moved to where its value came from (see
    /// `ProvenanceTable.resolve`).
    public func resolve(_ diagnostic: Diagnostic) -> Diagnostic { provenance.resolve(diagnostic) }
}

/// Applies environment layers to YAML documents (see `RenderedEnvironment`).
struct Renderer {
    /// Why a patch statement could not be applied.
    struct Failure: Error {
        var message: String
    }

    let kgl: String
    let file: String
    let files: [SourceFile]
    var diagnostics: [Diagnostic] = []
    /// The file each rendered document came from, parallel to the documents.
    private(set) var origins: [String] = []
    /// Where patched values came from; patched nodes carry marks that point into it.
    var provenance = ProvenanceTable()
    /// The environment whose layer is being applied.
    private var layer = EnvironmentChecker.base
    /// The repository root bind globs are relative to.
    var root: String?

    init(kgl: String, file: String, files: [SourceFile]) {
        self.kgl = kgl
        self.file = file
        self.files = files
    }

    mutating func render(_ environment: String, base: [SourceFile]) -> [Document] {
        let checked = CheckedEnvironments(source: kgl, file: file)
        guard checked.diagnostics.isEmpty else {
            diagnostics = checked.diagnostics
            return []
        }
        let start = Mark(line: 1, column: 1, offset: 0)
        guard let chain = checked.chains[environment] else {
            diagnostics.append(
                Diagnostic(.unknownEnvironment, "environment \(environment) is not declared", file: file, range: .at(start)))
            return []
        }
        let module = ParsedFile(source: kgl, file: file).module
        var compiler = TypeCompiler(file: file, source: Array(kgl.utf8))
        _ = compiler.compile(module)
        var environments: [String: EnvDecl] = [:]
        for case .env(let env) in module.decls where environments[env.name.name] == nil { environments[env.name.name] = env }

        var documents = base.flatMap { load($0) }
        var requirements: [(EnvDecl.Require, String)] = []
        provenance.layers = [EnvironmentChecker.base] + chain
        provenance.kglFile = file
        for name in chain {
            guard let env = environments[name] else { continue }
            layer = name
            for item in env.items {
                switch item {
                case .add(let path, _):
                    guard let source = files.first(where: { $0.path == path.value || $0.path.hasSuffix("/" + path.value) }) else {
                        diagnostics.append(
                            Diagnostic(.missingFile, "no manifest file \(path.value) was given", file: file, range: path.range))
                        continue
                    }
                    documents += load(source)
                case .patch(let patch):
                    guard let kind = compiler.kind(of: patch.type) else {
                        diagnostics.append(
                            Diagnostic(
                                .notSupportedYet, "patches can be applied to built-in kinds only yet, not to \(patch.type.dotted)",
                                file: file, range: patch.type.range))
                        continue
                    }
                    apply(patch, kind: kind, to: &documents)
                case .require(let require):
                    requirements.append((require, name))
                }
            }
        }
        let bindings = compiler.bindings(module)
        if !bindings.isEmpty {
            let locator = ConstraintLocator(module: module, file: file, source: Array(kgl.utf8))
            for index in documents.indices {
                guard var root = documents[index].root, let apiVersion = root.text(at: ["apiVersion"]),
                    let kindName = root.text(at: ["kind"])
                else { continue }
                let kind = GroupVersionKind(apiVersion: apiVersion, kind: kindName)
                let path = KGLRepository.relative(origins[index], to: self.root ?? ".")
                guard let binding = bindings.first(where: { $0.kind == kind && $0.matches(path: path) }) else { continue }
                applyDefaults(locator.defaults(inType: binding.typeName), to: &root)
                documents[index].root = root
            }
        }
        for (require, environment) in requirements {
            check(require, of: environment, on: documents, compiler: &compiler)
        }
        return documents
    }

    /// Validates the objects `require` names against its kind refined by its block.
    private mutating func check(
        _ require: EnvDecl.Require, of environment: String, on documents: [Document], compiler: inout TypeCompiler
    ) {
        guard let kind = compiler.kind(of: require.type), let base = compiler.resolve(require.type),
            let schema = compiler.refine(base, named: require.type, with: require.block)
        else { return }
        let note = "required by env \(environment) at \(file):\(require.range.start)"
        let locator = ConstraintLocator(module: ParsedFile(source: kgl, file: file).module, file: file, source: Array(kgl.utf8))
        for (index, document) in documents.enumerated() {
            guard let root = document.root, root.text(at: ["apiVersion"]) == kind.apiVersion,
                root.text(at: ["kind"]) == kind.kind
            else { continue }
            if let object = require.object?.value, object != Renderer.objectName(root) { continue }
            for found in Validator.validate(root, against: schema, file: origins[index]) {
                var diagnostic = found
                diagnostic.object = "\(kind.apiVersion) \(kind.kind) \(Renderer.objectName(root))"
                if let constraint = locator.locate(path: diagnostic.path, inBlock: require.block) {
                    diagnostic.provenance = Provenance(constraint: constraint)
                }
                diagnostic = provenance.resolve(diagnostic)
                diagnostic.notes.append(note)
                let duplicate = diagnostics.contains {
                    $0.file == diagnostic.file && $0.start == diagnostic.start && $0.code == diagnostic.code
                        && $0.message == diagnostic.message
                }
                if !duplicate { diagnostics.append(diagnostic) }
            }
        }
    }

    /// `namespace/name`, or `name` for an object without a namespace.
    static func objectName(_ root: Node) -> String {
        let name = root.text(at: ["metadata", "name"]) ?? ""
        return root.text(at: ["metadata", "namespace"]).map { "\($0)/\(name)" } ?? name
    }

    /// The documents of a manifest file; YAML errors are reported.
    private mutating func load(_ source: SourceFile) -> [Document] {
        do {
            let documents = try YAMLParser.parse(source.bytes).filter { $0.root != nil }
            origins += Array(repeating: source.path, count: documents.count)
            return documents
        } catch {
            diagnostics.append(Diagnostic(code: error.code.rawValue, message: error.message, file: source.path, start: error.mark))
            return []
        }
    }

    private mutating func apply(_ patch: EnvDecl.Patch, kind: GroupVersionKind, to documents: inout [Document]) {
        let parts = patch.object.value.split(separator: "/", maxSplits: 1).map(String.init)
        let namespace = parts.count == 2 ? parts[0] : nil
        let name = parts.last ?? ""
        guard
            let index = documents.firstIndex(where: { document in
                guard let root = document.root else { return false }
                return root.text(at: ["apiVersion"]) == kind.apiVersion && root.text(at: ["kind"]) == kind.kind
                    && root.text(at: ["metadata", "name"]) == name && root.text(at: ["metadata", "namespace"]) == namespace
            }), var root = documents[index].root
        else {
            diagnostics.append(
                Diagnostic(
                    .missingObject, "no \(kind.apiVersion) \(kind.kind) \(patch.object.value) in the layers below",
                    file: file, range: patch.object.range))
            return
        }
        for statement in patch.statements {
            do throws(Failure) {
                switch statement {
                case .set(let path, let value, let append, _, let range):
                    let overridden = append ? [] : Renderer.lookup(root, path.steps[...]).map { provenance.chain(of: $0, in: origins[index]) } ?? []
                    let node = provenance.record(
                        Renderer.node(value), layer: layer, statement: range, overriding: overridden)
                    try Renderer.set(&root, path.steps[...], to: node, append: append)
                case .delete(let path, _):
                    try Renderer.delete(&root, path.steps[...])
                }
            } catch {
                diagnostics.append(Diagnostic(.patchNotApplicable, error.message, file: file, range: statement.range))
            }
        }
        documents[index].root = root
    }
}


extension Node {
    /// The text of the scalar at a path of mapping keys, if there is one.
    func text(at keys: [String]) -> String? {
        var node = self
        for key in keys {
            guard let pair = node.mapping?.first(where: { $0.key.string == key }) else { return nil }
            node = pair.value
        }
        return node.string
    }
}
