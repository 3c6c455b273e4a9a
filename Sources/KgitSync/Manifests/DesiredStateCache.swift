import KgitSchema
import KgitYAML
import Synchronization

/// Desired state loaded again and again from one source (a re-sync loop): each load validates the whole revision,
/// but re-parses and re-validates only the files whose bytes changed since the last good load.
///
/// A file's validation depends only on its bytes, the Kubernetes version's schemas and the
/// CustomResourceDefinitions of the revision, so the cache keeps, per file, the diagnostics and objects of its last
/// validation and reuses them while its bytes and the revision's CRDs are the same. When a file that declares
/// (or declared) a CRD changes, everything is validated again. The answer is always the one
/// `DesiredState.load(_:revision:options:)` gives for the same files: a revision with any invalid document, object
/// problem or duplicate is reported with exactly those diagnostics (that load is run for them), and the cache
/// keeps the last good revision, so the next load is compared with what the cluster was given.
///
/// ```swift
/// let cache = try DesiredStateCache(options: DesiredStateOptions(defaultNamespace: "apps"))
/// let first = try cache.load(snapshot).get()            // validates every file
/// let next = try cache.load(update.snapshot).get()      // validates the changed files; next.changed to re-diff
/// ```
///
/// Thread-safe: loads are serialised.
public final class DesiredStateCache: Sendable {
    /// How revisions are turned into desired state; fixed for the cache's life.
    public let options: DesiredStateOptions
    private let catalog: KubernetesCatalog
    private let state = Mutex(State())

    /// What the last good load knew about one file.
    struct Entry: Sendable {
        var bytes: [UInt8]
        /// The validator's diagnostics for the file (all warnings: the load was good), without the cross-file
        /// duplicate-object warning.
        var warnings: [Diagnostic]
        /// The kinds the file's CustomResourceDefinitions declare (`Kind.group`), with their scope; non-empty
        /// means the file's changes re-validate everything.
        var scopes: [String: ResourceScope]
        /// Whether a document of the file is a CustomResourceDefinition (even one naming no kind).
        var declaresCRD: Bool
        var objects: [DesiredObject]
    }

    struct State: Sendable {
        var entries: [String: Entry] = [:]
        /// The paths of the last good load, in input order.
        var order: [String] = []
        var loads = 0
    }

    /// Prepares a cache; nothing is read until the first load.
    ///
    /// - Throws: `CatalogError` when `options.validation.kubernetesVersion` is not supported.
    public init(options: DesiredStateOptions = DesiredStateOptions()) throws(CatalogError) {
        self.options = options
        self.catalog = try KubernetesCatalog.load(version: options.validation.kubernetesVersion)
    }

    /// Loads the YAML files of a snapshot (`*.yaml`, `*.yml`), as `DesiredState.load(_:options:)` does.
    public func load(_ snapshot: ManifestSnapshot) -> Result<DesiredStateUpdate, DesiredStateError> {
        let files = snapshot.files.values.filter { file in
            let lower = file.path.lowercased()
            return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
        }
        // The order of the last load still holds when the set of paths is the same: skip sorting.
        let known = state.withLock { state -> [String]? in
            guard state.order.count == files.count, files.allSatisfy({ state.entries[$0.path] != nil }) else {
                return nil
            }
            return state.order
        }
        let sources: [SourceFile]
        if let known {
            let byPath = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.bytes) })
            sources = known.compactMap { path in byPath[path].map { SourceFile(path: path, bytes: $0) } }
        } else {
            sources = files.sorted { $0.path < $1.path }.map { SourceFile(path: $0.path, bytes: $0.bytes) }
        }
        return load(sources, revision: snapshot.revision.commit.description)
    }

    /// Parses and validates the files that changed since the last good load, reuses the rest, and builds the
    /// revision's objects.
    ///
    /// - Returns: the whole desired state and which objects the changed files declare; or every problem of the
    ///   revision, as `DesiredState.load` reports them (the cache then still holds the last good revision).
    public func load(_ files: [SourceFile], revision: String? = nil) -> Result<DesiredStateUpdate, DesiredStateError> {
        state.withLock { state in
            switch attempt(files, revision: revision, previous: state) {
            case .success(let (update, next)):
                state = next
                return .success(update)
            case .failure:
                // Report exactly what a load of the whole revision reports.
                switch DesiredState.load(files, revision: revision, options: options) {
                case .failure(let error): return .failure(error)
                case .success(let loaded):
                    // Not expected (the pieces failed, the whole did not); trust the whole and start over.
                    var fresh = State()
                    fresh.loads = state.loads + 1
                    state = fresh
                    return .success(
                        DesiredStateUpdate(state: loaded, changed: loaded.objects, removed: [], filesValidated: files.count))
                }
            }
        }
    }

    /// How many loads succeeded; for tests and benchmarks.
    public var loadCount: Int { state.withLock { $0.loads } }

    // MARK: - One attempt

    private struct Failed: Error {}

    private func attempt(_ files: [SourceFile], revision: String?, previous: State) -> Result<
        (DesiredStateUpdate, State), Failed
    > {
        // Which files are new or changed, and whether a CRD is among them (then everything is validated again).
        var stale: [Int] = []
        var seen = Set<String>()
        seen.reserveCapacity(files.count)
        var full = previous.entries.isEmpty
        for (index, file) in files.enumerated() {
            guard seen.insert(file.path).inserted else { return .failure(Failed()) }  // a path twice: let the full load say
            guard let entry = previous.entries[file.path], entry.bytes == file.bytes else {
                stale.append(index)
                if previous.entries[file.path]?.declaresCRD == true { full = true }
                continue
            }
        }
        var removedPaths: [String] = []
        if seen.count != previous.entries.count || !stale.isEmpty {
            for path in previous.order where !seen.contains(path) {
                removedPaths.append(path)
                if previous.entries[path]?.declaresCRD == true { full = true }
            }
        }
        if stale.isEmpty && removedPaths.isEmpty && !full {
            // Nothing changed: the last good state holds, in the new order.
            var next = previous
            next.order = files.map(\.path)
            next.loads += 1
            let objects = files.flatMap { previous.entries[$0.path]?.objects ?? [] }
            let warnings = files.flatMap { previous.entries[$0.path]?.warnings ?? [] }.sorted(by: Diagnostic.sortedOrder)
            return .success(
                (
                    DesiredStateUpdate(
                        state: DesiredState(revision: revision, objects: objects, warnings: warnings), changed: [],
                        removed: [], filesValidated: 0), next
                ))
        }

        // Parse the stale files; one that declares a CRD now means validating everything again.
        var parsed: [Int: [Document]] = [:]
        for index in stale {
            guard let documents = try? YAMLParser.parse(files[index].bytes) else { return .failure(Failed()) }
            parsed[index] = documents
            if Self.declaresCRD(documents) { full = true }
        }
        if full {
            for index in files.indices where parsed[index] == nil {
                guard let documents = try? YAMLParser.parse(files[index].bytes) else { return .failure(Failed()) }
                parsed[index] = documents
            }
        }
        let toParse = full ? Array(files.indices) : stale

        // Validate: everything, or the stale files against the CRDs of the unchanged ones.
        let validator: Validator
        let checked: [SourceFile]
        do {
            if full {
                validator = try Validator(options: options.validation)
                checked = files
            } else {
                let crdFiles = files.filter { previous.entries[$0.path]?.declaresCRD == true }
                validator = try Validator(options: options.validation, schemaFiles: crdFiles)
                checked = stale.map { files[$0] }
            }
        } catch {
            return .failure(Failed())
        }
        let report = validator.validate(checked)
        guard report.isValid else { return .failure(Failed()) }
        var warningsByFile: [String: [Diagnostic]] = [:]
        for diagnostic in report.fileDiagnostics + report.documents.flatMap(\.diagnostics)
        where diagnostic.code != DiagnosticCode.duplicateObject.rawValue {
            warningsByFile[diagnostic.file, default: []].append(diagnostic)
        }

        // Kinds that CRDs declare: from every file when validating everything, else the unchanged ones' (the stale
        // files declare none).
        var scopeFinder = Loader(options: options, catalog: catalog)
        var scopes: [String: ResourceScope] = [:]
        var fileScopes: [Int: [String: ResourceScope]] = [:]
        if full {
            for index in files.indices {
                scopeFinder.customScopes = [:]
                scopeFinder.collectScopes(parsed[index] ?? [])
                fileScopes[index] = scopeFinder.customScopes
                scopes.merge(scopeFinder.customScopes) { first, _ in first }
            }
        } else {
            for entry in previous.entries.values where entry.declaresCRD {
                scopes.merge(entry.scopes) { first, _ in first }
            }
        }

        // Objects of the parsed files.
        var next = State()
        next.loads = previous.loads + 1
        next.order = files.map(\.path)
        next.entries = full ? [:] : previous.entries
        for path in removedPaths { next.entries.removeValue(forKey: path) }
        var changed: [DesiredObject] = []
        for index in toParse {
            let file = files[index]
            var loader = Loader(options: options, catalog: catalog)
            loader.customScopes = scopes
            for document in parsed[index] ?? [] { loader.add(document, file: file.path) }
            guard loader.problems.isEmpty else { return .failure(Failed()) }
            let documents = parsed[index] ?? []
            next.entries[file.path] = Entry(
                bytes: file.bytes, warnings: warningsByFile[file.path] ?? [], scopes: fileScopes[index] ?? [:],
                declaresCRD: Self.declaresCRD(documents), objects: loader.objects)
            changed += loader.objects
        }

        // The whole revision: objects in file order, each declared once.
        var objects: [DesiredObject] = []
        objects.reserveCapacity(files.count)
        var warnings: [Diagnostic] = []
        var identities = Set<ObjectIdentity>()
        identities.reserveCapacity(files.count)
        for file in files {
            guard let entry = next.entries[file.path] else { return .failure(Failed()) }
            for object in entry.objects {
                guard identities.insert(object.identity).inserted else { return .failure(Failed()) }
                objects.append(object)
            }
            warnings += entry.warnings
        }
        // Gone: what the last good revision declared in the files read again or removed, and this one does not.
        let reread = full ? previous.order : stale.map { files[$0].path } + removedPaths
        var removed: [ObjectIdentity] = []
        for path in reread {
            for object in previous.entries[path]?.objects ?? [] where !identities.contains(object.identity) {
                removed.append(object.identity)
            }
        }
        let state = DesiredState(revision: revision, objects: objects, warnings: warnings.sorted(by: Diagnostic.sortedOrder))
        return .success(
            (
                DesiredStateUpdate(
                    state: state, changed: changed, removed: removed.sorted { $0.description < $1.description },
                    filesValidated: checked.count), next
            ))
    }

    private static func declaresCRD(_ documents: [Document]) -> Bool {
        documents.contains { $0.root?["kind"]?.string == "CustomResourceDefinition" }
    }
}

/// One load of a `DesiredStateCache`: the whole desired state, and what changed since the last good load.
public struct DesiredStateUpdate: Sendable {
    /// The revision's objects, validated as a whole (the same as `DesiredState.load` gives).
    public var state: DesiredState
    /// The objects declared by files that are new or changed since the last good load (every object on the first
    /// load, or when a CustomResourceDefinition changed), as declared now: only these can differ from what that
    /// load declared, so only these need diffing again.
    public var changed: [DesiredObject]
    /// Objects the last good load declared and this one does not.
    public var removed: [ObjectIdentity]
    /// How many files were parsed and validated for this load; the others' results were reused.
    public var filesValidated: Int

    /// Creates an update.
    public init(state: DesiredState, changed: [DesiredObject], removed: [ObjectIdentity], filesValidated: Int) {
        self.state = state
        self.changed = changed
        self.removed = removed
        self.filesValidated = filesValidated
    }
}
