import Foundation
import KgitSchema
import KgitYAML

/// A repository typed by KGL: its `kgit.kgl` (types, bindings, environments) and what `kgit validate`
/// does with it.
///
/// - Without an environment, every input document is validated as usual, except that a document a
///   `bind` rule selects (by its path below the root and its kind) is checked against the bound type;
///   a diagnostic a bound type's field caused names that field's declaration.
/// - With an environment, the environment is rendered (`RenderedEnvironment`) and the rendered
///   documents are validated; each diagnostic is reported where its value came from (the manifest,
///   or the KGL statement that set it) with the values it overrode and the layer chain.
public struct KGLRepository: Sendable {
    /// The file name KGL looks for at a repository root.
    public static let fileName = "kgit.kgl"

    /// The repository root, as a display path (`.`, `manifests/examples/shop-kgl`).
    public let root: String
    /// The KGL file's display path (`<root>/kgit.kgl`).
    public let kglFile: String
    /// Its text.
    public let source: String
    /// Its types and bindings.
    public let types: CompiledTypes
    /// Its environments.
    public let environments: CheckedEnvironments
    let locator: ConstraintLocator

    /// Reads the files `kgit.kgl` imports, with the pins of kgit.lock.
    public let loader: ImportLoader?

    /// Compiles `source`, the text of `<root>/kgit.kgl`; imported files are read through `loader`.
    public init(root: String, source: String, loader: ImportLoader? = nil) {
        self.root = root
        self.kglFile = root == "." ? "./\(Self.fileName)" : (root.hasSuffix("/") ? root : root + "/") + Self.fileName
        self.source = source
        self.loader = loader
        self.types = CompiledTypes(source: source, file: kglFile, loader: loader)
        self.environments = CheckedEnvironments(source: source, file: kglFile, loader: loader)
        self.locator = ConstraintLocator(
            module: ParsedFile(source: source, file: kglFile).module, file: kglFile, source: Array(source.utf8))
    }

    /// The errors of the KGL file itself (syntax, types, environments), each once, in source order.
    public var diagnostics: [Diagnostic] {
        var seen = Set<Diagnostic>()
        return (lockDiagnostics + types.diagnostics + environments.diagnostics).filter { seen.insert($0).inserted }
            .sorted(by: Diagnostic.sortedOrder)
    }

    /// Lines of kgit.lock that are not pins.
    var lockDiagnostics: [Diagnostic] {
        let lockFile = (root.hasSuffix("/") ? root : root + "/") + ImportLoader.lockFileName
        return (loader?.lockProblems ?? []).map { problem in
            Diagnostic(
                .invalidImport, "kgit.lock line \(problem.line) is not `sha256 <64 hex digits> <path>`: \(problem.text)",
                file: lockFile, range: .at(Mark(line: problem.line, column: 1, offset: 0)),
                notes: ["regenerate it with `kgit lock`"])
        }
    }

    /// The text of kgit.lock pinning every file the KGL file imports (directly or through other
    /// imported KGL files) at its current SHA-256.
    public func lockText() -> String {
        guard let loader else { return ImportLoader.lockText([]) }
        // Compile with an accepting loader, so that files are read whatever their current pins say.
        let unpinned = ImportLoader(root: loader.root, lock: nil, read: loader.read)
        var compiler = TypeCompiler(file: kglFile, source: Array(source.utf8))
        compiler.loader = unpinned
        compiler.acceptUnpinned = true
        _ = compiler.compile(ParsedFile(source: source, file: kglFile).module)
        return ImportLoader.lockText(compiler.importedFiles)
    }

    /// The root of the repository holding `paths`: the nearest directory, from each path upwards
    /// (a directory path included), that holds `kgit.kgl`; nil when there is none.
    public static func root(for paths: [String]) -> String? {
        let manager = FileManager.default
        for path in paths where path != "-" {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            var directory = isDirectory.boolValue ? path : parent(of: path)
            for _ in 0..<64 {
                if manager.fileExists(atPath: (directory.hasSuffix("/") ? directory : directory + "/") + fileName) {
                    return directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
                }
                let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
                if absolute == "/" { break }
                directory = parent(of: directory)
            }
        }
        return nil
    }

    /// The parent directory of a display path, still relative when the path is.
    static func parent(of path: String) -> String {
        var trimmed = path
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed == "." { return ".." }
        if trimmed == ".." || trimmed.hasSuffix("/..") { return trimmed + "/.." }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// `path` relative to the root (`base/web.yaml`), as bind globs are written.
    public func relative(_ path: String) -> String { Self.relative(path, to: root) }

    /// `path` relative to `root`.
    static func relative(_ path: String, to root: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        var r = root
        while r.hasPrefix("./") { r.removeFirst(2) }
        if r == "." || r.isEmpty { return p }
        if p.hasPrefix(r + "/") { return String(p.dropFirst(r.count + 1)) }
        return p
    }

    /// The binding that selects a document of `kind` in `file`, if any.
    public func binding(file: String, kind: GroupVersionKind) -> Binding? {
        let path = relative(file)
        return types.bindings.first { $0.kind == kind && $0.matches(path: path) }
    }

    /// The validation options with this repository's bindings in force.
    public func options(_ options: ValidationOptions) -> ValidationOptions {
        var options = options
        let repository = self
        if !types.bindings.isEmpty {
            options.typeOverride = { file, kind in repository.binding(file: file, kind: kind)?.type }
        }
        return options
    }

    /// `files` without the OpenAPI documents and JSON Schemas the KGL file imports: they hold
    /// types, not objects.
    public func manifests(_ files: [SourceFile]) -> [SourceFile] {
        let skipped = types.schemaDocuments
        guard !skipped.isEmpty else { return files }
        return files.filter { !skipped.contains(relative($0.path)) }
    }

    /// True when `file` is under the root's `envs/` directory (manifests only environments add).
    public func isEnvironmentFile(_ file: String) -> Bool { relative(file).hasPrefix("envs/") }

    /// Validates `inputs` (and, with `environment`, that environment rendered over them; `files`
    /// are the manifests an `add` may name) with the options of `validator` and this repository's
    /// bindings.
    public func validate(
        _ inputs: [SourceFile], files: [SourceFile] = [], environment: String? = nil, options: ValidationOptions,
        schemaFiles: [SourceFile] = []
    ) throws(CatalogError) -> ValidationReport {
        let inputs = manifests(inputs)
        guard let environment else {
            let validator = try Validator(options: self.options(options), schemaFiles: schemaFiles)
            var report = validator.validate(inputs)
            for index in report.documents.indices {
                let document = report.documents[index]
                guard let apiVersion = document.apiVersion, let kind = document.kind,
                    let binding = binding(file: document.file, kind: GroupVersionKind(apiVersion: apiVersion, kind: kind))
                else { continue }
                report.documents[index].diagnostics = document.diagnostics.map { explain($0, boundTo: binding) }
            }
            report.fileDiagnostics += diagnostics
            report.fileDiagnostics.sort(by: Diagnostic.sortedOrder)
            return report
        }
        return try render(inputs, files: files, environment: environment, options: options, schemaFiles: schemaFiles).report
    }

    /// Renders `environment` over `inputs` (the manifests outside envs/ are the base; `files` are
    /// those an `add` may name) and validates the result with the bindings in force: the rendered
    /// documents with the report `validate(_:environment:)` gives for them. `kgit render` prints
    /// the documents only when the report is valid.
    public func render(
        _ inputs: [SourceFile], files: [SourceFile] = [], environment: String, options: ValidationOptions,
        schemaFiles: [SourceFile] = []
    ) throws(CatalogError) -> (report: ValidationReport, rendered: RenderedEnvironment) {
        let validator = try Validator(options: self.options(options), schemaFiles: schemaFiles)
        let inputs = manifests(inputs)
        let files = manifests(files)
        let base = inputs.filter { !isEnvironmentFile($0.path) }
        let rendered = RenderedEnvironment(
            kgl: source, kglFile: kglFile, environment: environment, base: base, files: files + inputs, root: root,
            loader: loader)
        var report = validator.validate(parsed: rendered.sources)
        for index in report.documents.indices {
            let document = report.documents[index]
            let kind = document.apiVersion.flatMap { a in document.kind.map { GroupVersionKind(apiVersion: a, kind: $0) } }
            let binding = kind.flatMap { self.binding(file: document.file, kind: $0) }
            report.documents[index].diagnostics = document.diagnostics.map { diagnostic in
                let resolved = rendered.resolve(diagnostic)
                return binding.map { explain(resolved, boundTo: $0) } ?? resolved
            }
        }
        // Rendering's own findings (KGL errors, broken requirements), each once.
        let known = Set(report.diagnostics.map { "\($0.file):\($0.start):\($0.code):\($0.message)" })
        report.fileDiagnostics += (types.diagnostics + rendered.diagnostics).filter {
            !known.contains("\($0.file):\($0.start):\($0.code):\($0.message)")
        }
        var seen = Set<String>()
        report.fileDiagnostics = report.fileDiagnostics.filter {
            seen.insert("\($0.file):\($0.start):\($0.code):\($0.message)").inserted
        }.sorted(by: Diagnostic.sortedOrder)
        return (report, rendered)
    }

    /// `diagnostic` with the declaration in the bound type that constrains its field, when there is one.
    func explain(_ diagnostic: Diagnostic, boundTo binding: Binding) -> Diagnostic {
        guard let constraint = locator.locate(path: diagnostic.path, inType: binding.typeName) else { return diagnostic }
        var d = diagnostic
        var provenance = d.provenance ?? Provenance()
        provenance.constraint = constraint
        d.provenance = provenance
        d.notes.append("constraint declared at \(constraint.position) (\(constraint.label))")
        d.notes.append("checked as \(binding.typeName), bound to \(binding.glob)")
        return d
    }
}
