import KgitSchema
import KgitYAML

/// The environments of a KGL file, checked: each environment's stack of layers, and the mistakes
/// in its patches that need no schema to find.
public struct CheckedEnvironments: Sendable {
    /// For each environment without errors in its `extends` chain, its layers in the order they
    /// apply: from the first above `base` to the environment itself (`prod` → `[staging, prod]`).
    public let chains: [String: [String]]
    /// Syntax errors, or else environment errors, in source order.
    public let diagnostics: [Diagnostic]

    /// Parses and checks `source`; `file` names it in diagnostics.
    ///
    /// Checked: unique names, known parents (`base` is the implicit root), no cycles; in patches,
    /// no `[*]`, no path set twice (or set and also changed inside) in one layer, and no change in a
    /// later layer to a path an earlier layer of the same stack made `final`. Not yet: patch paths
    /// against the target type, and applying the layers.
    public init(source: String, file: String = "-", loader: ImportLoader? = nil) {
        let parsed = ParsedFile(source: source, file: file)
        guard parsed.isValid else {
            self.chains = [:]
            self.diagnostics = parsed.diagnostics
            return
        }
        var compiler = TypeCompiler(file: file, source: Array(source.utf8))
        compiler.loader = loader
        _ = compiler.compile(parsed.module)
        compiler.diagnostics = []  // the types' own errors are CompiledTypes' to report
        var checker = EnvironmentChecker(file: file, compiler: compiler)
        self.chains = checker.check(parsed.module)
        self.diagnostics = checker.diagnostics.sorted(by: Diagnostic.sortedOrder)
    }
}

/// Checks `env` declarations (see `CheckedEnvironments`).
struct EnvironmentChecker {
    /// The name of the implicit root layer: the typed YAML in git.
    static let base = "base"

    /// One patch statement, with the object it targets and its path in canonical form.
    struct Change {
        var target: String
        var path: [String]
        var append: Bool
        var final: Bool
        var range: SourceRange
        var environment: String
        var text: String { path.joined() }

        /// True when one path is the other or lies inside it.
        func overlaps(_ other: Change) -> Bool {
            guard target == other.target else { return false }
            let n = min(path.count, other.path.count)
            return path.prefix(n) == other.path.prefix(n)
        }
    }

    let file: String
    var diagnostics: [Diagnostic] = []
    /// Resolves patch targets to their types; nil skips the type checks of patches.
    var compiler: TypeCompiler?

    init(file: String, compiler: TypeCompiler? = nil) {
        self.file = file
        self.compiler = compiler
    }

    mutating func report(_ code: KGLDiagnosticCode, _ message: String, at range: SourceRange, notes: [String] = []) {
        diagnostics.append(Diagnostic(code, message, file: file, range: range, notes: notes))
    }

    mutating func check(_ module: Module) -> [String: [String]] {
        var environments: [String: EnvDecl] = [:]
        var order: [EnvDecl] = []
        for case .env(let env) in module.decls {
            if environments[env.name.name] != nil {
                report(.duplicateEnvironment, "environment \(env.name.name) is declared twice", at: env.name.range)
                continue
            }
            environments[env.name.name] = env
            order.append(env)
        }
        var changes: [String: [Change]] = [:]
        for env in order { changes[env.name.name] = layerChanges(env) }

        var chains: [String: [String]] = [:]
        var reportedCycle: Set<String> = []
        for env in order {
            var chain: [String] = []
            var current: EnvDecl? = env
            var valid = true
            while let layer = current {
                if let start = chain.firstIndex(of: layer.name.name) {
                    // Report each cycle once, at the environment where it is first met.
                    if !reportedCycle.contains(layer.name.name) {
                        reportedCycle.formUnion(chain[start...])
                        report(
                            .environmentCycle, "environment \(layer.name.name) extends itself through \(chain.reversed().joined(separator: " -> "))",
                            at: layer.name.range)
                    }
                    valid = false
                    break
                }
                chain.append(layer.name.name)
                guard let parent = layer.parent, parent.name != EnvironmentChecker.base || environments[parent.name] != nil
                else { break }
                guard let next = environments[parent.name] else {
                    if layer.name.name == env.name.name {
                        let notes = NameSuggestion.closest(to: parent.name, among: Array(environments.keys) + [EnvironmentChecker.base])
                            .map { ["did you mean \($0)?"] } ?? []
                        report(.unknownEnvironment, "environment \(parent.name) is not declared", at: parent.range, notes: notes)
                    }
                    valid = false
                    break
                }
                current = next
            }
            guard valid else { continue }
            chains[env.name.name] = chain.reversed()
            checkFinals(of: env.name.name, under: Array(chain.dropFirst()), changes: changes)
        }
        return chains
    }

    /// The changes one environment makes, after checking them against each other.
    private mutating func layerChanges(_ env: EnvDecl) -> [Change] {
        var result: [Change] = []
        for case .patch(let patch) in env.items {
            let target = "\(patch.type.dotted) \(patch.object.value)"
            let type = targetType(patch.type)
            for statement in patch.statements {
                if let type { checkStatement(statement, against: type) }
                let change: Change?
                switch statement {
                case .set(let path, _, let append, let final, let range):
                    change = canonical(path).map {
                        Change(target: target, path: $0, append: append, final: final, range: range, environment: env.name.name)
                    }
                case .delete(let path, let range):
                    change = canonical(path).map {
                        Change(target: target, path: $0, append: false, final: false, range: range, environment: env.name.name)
                    }
                }
                guard let change else { continue }
                if let earlier = result.first(where: {
                    $0.overlaps(change) && !($0.append && change.append && $0.path == change.path)
                }) {
                    report(
                        .conflictingPatch, "\(change.text) of \(patch.object.value) conflicts with \(earlier.text) in the same environment",
                        at: change.range, notes: ["the other change is at \(file):\(earlier.range.start)"])
                    continue
                }
                result.append(change)
            }
        }
        return result
    }

    /// The path as comparable strings, or nil (reported) when it selects many elements.
    private mutating func canonical(_ path: Path) -> [String]? {
        var parts: [String] = []
        for step in path.steps {
            switch step {
            case .field(let label): parts.append(parts.isEmpty ? label.name : "." + label.name)
            case .index(let n): parts.append("[\(n.text)]")
            case .key(let matches, _):
                parts.append("[" + matches.map { "\($0.label.name)=\($0.value.sexpression.flat)" }.joined(separator: ",") + "]")
            case .every(let range):
                report(
                    .invalidPatchPath, "a patch must address one element, but [*] selects them all", at: range,
                    notes: ["select the element by key, as [name=\"web\"]"])
                return nil
            }
        }
        return parts
    }

    /// Reports changes `environment` makes to paths its ancestors made final.
    private mutating func checkFinals(of environment: String, under ancestors: [String], changes: [String: [Change]]) {
        let finals = ancestors.flatMap { changes[$0] ?? [] }.filter(\.final)
        guard !finals.isEmpty else { return }
        for change in changes[environment] ?? [] {
            guard let final = finals.first(where: { $0.overlaps(change) }) else { continue }
            report(
                .finalOverridden, "\(change.text) was made final by environment \(final.environment)", at: change.range,
                notes: ["made final at \(file):\(final.range.start)"])
        }
    }
}
