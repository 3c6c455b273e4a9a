import ArgumentParser
import Foundation
import KgitClient
import KgitGit
import KgitKGL
import KgitSchema
import KgitSync
import KgitYAML

/// The options `kgit sync` and `kgit diff` share: where the manifests come from and which cluster they go to.
struct GitOpsOptions: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "The repository: a local path (a work tree or any directory in one), a file:// URL or a git URL "
            + "(git://, https://, ssh://).", valueName: "source"))
    var source: String

    @Option(help: "The branch, tag or commit to apply.")
    var revision: String = "HEAD"

    @Option(help: "The directory of the repository holding the manifests (default: the root).")
    var path: String = ""

    @Option(help: "The KGL environment to render (`env NAME` in kgit.kgl at the top of --path); without it, a directory with kgit.kgl contributes the manifests outside envs/.")
    var env: String?

    @Option(help: "The sync's name: which inventory it reads and writes (default: the repository's name, then -ENV).")
    var name: String?

    @Option(help: "The kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context (default: its current-context).")
    var context: String?

    @Option(help: "Where git mirrors are kept (default: $KGIT_CACHE_DIR, then ~/.cache/kgit/git).")
    var cacheDir: String?

    @Flag(help: "Refuse a commit that is not signed (an SSH signature, git's gpg.format=ssh) by a key in --allowed-signers.")
    var verifySignatures = false

    @Option(help: ArgumentHelp(
        "With --verify-signatures: the keys allowed to sign, in git's gpg.ssh.allowedSignersFile format.",
        valueName: "file"))
    var allowedSigners: String?

    @Option(help: ArgumentHelp(
        "For ssh:// sources: the known_hosts file listing the server's host key (default: $KGIT_KNOWN_HOSTS, then ~/.ssh/known_hosts); an unlisted or changed host key is refused.",
        valueName: "file"))
    var knownHosts: String?

    /// The credentials of the environment, with `--known-hosts FILE` as the trusted SSH host keys when given.
    func environmentCredentials() -> Credentials {
        var credentials = Credentials.fromProcessEnvironment()
        if let knownHosts {
            credentials.knownHosts = nil
            credentials.knownHostsError = nil
            if let text = Credentials.readText(knownHosts) {
                credentials.trustHosts(in: text, source: knownHosts)
            } else {
                credentials.knownHostsError = KnownHostsError(
                    source: knownHosts, line: 0, reason: "--known-hosts: the file cannot be read")
            }
        }
        return credentials
    }

    /// The signature policy of `--verify-signatures --allowed-signers FILE`: nil when signatures are not checked.
    func signaturePolicy() throws -> AllowedSigners? {
        switch (verifySignatures, allowedSigners) {
        case (false, nil): return nil
        case (false, .some): throw ExitWith(message: "--allowed-signers goes with --verify-signatures", code: 2)
        case (true, nil): throw ExitWith(message: "--verify-signatures needs --allowed-signers FILE", code: 2)
        case (true, .some(let file)):
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ExitWith(message: "\(file): cannot read the allowed signers file", code: 2)
            }
            do {
                return try AllowedSigners(parsing: String(decoding: data, as: UTF8.self), source: file)
            } catch {
                throw ExitWith(message: "\(error)", code: 2)
            }
        }
    }

    /// The remote URL and the directory within it, from `source` and `--path`.
    func location() throws -> (url: String, directory: String, displayName: String) {
        if source.contains("://") || (source.contains("@") && source.contains(":")) {
            let name = source.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? "repository"
            return (source, path, name)
        }
        let absolute = URL(fileURLWithPath: source).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ExitWith(message: "\(source): no such directory (SOURCE is a local repository path or a git URL)", code: 2)
        }
        // A directory inside a work tree: the repository is the nearest ancestor holding .git, and the rest is
        // the path within it.
        var root = absolute
        var inside: [String] = []
        while true {
            let isWorkTree = FileManager.default.fileExists(atPath: root + "/.git")
            let isBare = FileManager.default.fileExists(atPath: root + "/HEAD")
                && FileManager.default.fileExists(atPath: root + "/objects")
            if isWorkTree || isBare { break }
            guard root != "/", !root.isEmpty else {
                throw ExitWith(message: "\(source): not in a git repository (kgit syncs committed manifests; run git init and commit them)", code: 2)
            }
            inside.insert((root as NSString).lastPathComponent, at: 0)
            root = (root as NSString).deletingLastPathComponent
        }
        let directory = (inside + (path.isEmpty ? [] : [path])).joined(separator: "/")
        return (root, directory, (root as NSString).lastPathComponent)
    }

    /// `--name`, or the repository's name (and environment) reduced to a DNS label.
    func syncName(repositoryName: String) -> String {
        if let name, !name.isEmpty { return name }
        var base = repositoryName.hasSuffix(".git") ? String(repositoryName.dropLast(4)) : repositoryName
        if let env { base += "-\(env)" }
        let label = String(base.lowercased().map { ($0.isLetter && $0.isASCII) || ($0.isNumber && $0.isASCII) ? $0 : "-" })
            .trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return label.isEmpty ? "default" : String(label.prefix(40))
    }

    var cacheDirectory: String {
        if let cacheDir, !cacheDir.isEmpty { return cacheDir }
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment["KGIT_CACHE_DIR"], !dir.isEmpty { return dir }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/kgit/git" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/kgit/git"
    }

    /// A client for the chosen kubeconfig and context.
    func client() throws -> DynamicClient {
        do {
            let config = try Kubeconfig.load(explicitPath: kubeconfig)
            return try DynamicClient(connection: config.connection(context: context))
        } catch {
            throw ExitWith(message: "\(error)", code: 2)
        }
    }
}

/// One revision of the repository, loaded and validated into desired state.
struct LoadedRevision: Sendable {
    var url: String
    var directory: String
    var commit: String
    var state: DesiredState
    var cacheDirectory: String
    var files: [SourceFile]
}

/// Why a revision could not be loaded.
enum LoadFailure: Error {
    /// The repository could not be fetched or read (exit 2).
    case unreachable(String)
    /// Some document is invalid: the rendered report (exit 1).
    case invalid(String)
    /// The commit's signature was required and is missing, bad or by a key that is not allowed (exit 1).
    case refused(String)
}

extension GitOpsOptions {
    /// Fetches `revision` (default `--revision`), reads the manifests under the directory, renders `--env`, and
    /// validates the whole revision. With a signature policy (`signers`, else `--verify-signatures`), the commit
    /// must be signed by an allowed key before anything is read from it.
    /// `credentials` replaces what the environment offers the remote (an Application's `spec.secretRef`).
    /// `desired` (a re-sync loop's cache for this source) re-validates only the files changed since its last good
    /// load; the whole revision is still validated before anything is applied.
    func load(
        revision: String? = nil, defaultNamespace: String, fetch: Bool = true, signers: AllowedSigners? = nil,
        credentials: Credentials? = nil, desired: DesiredStateCache? = nil
    ) async throws -> LoadedRevision {
        let (url, directory, _) = try location()
        let cache = cacheDirectory
        let revision = revision ?? self.revision
        let policy = try signers ?? signaturePolicy()
        let snapshot: ManifestSnapshot
        do {
            snapshot = try await onThread {
                try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
                let git = try Libgit2Source(
                    url: url, cacheDirectory: cache, credentials: credentials ?? environmentCredentials())
                let source = try ManifestSource(git: git, revision: revision, directory: directory)
                if let policy {
                    if fetch { try git.fetch() }
                    let resolved = try git.resolve(revision)
                    _ = try git.repository.verifySignature(of: resolved.commit, allowedSigners: policy)
                    let snapshot = try source.load(fetch: false)
                    guard snapshot.revision.commit == resolved.commit else {
                        throw GitError(.other, operation: "loading \(revision)", reason: "the revision moved while it was verified")
                    }
                    return snapshot
                }
                return try source.load(fetch: fetch)
            }
        } catch let error as CommitSignatureError {
            throw LoadFailure.refused("\(error)")
        } catch {
            throw LoadFailure.unreachable("cannot load \(url) at \(revision): \(error)")
        }
        let commit = snapshot.revision.commit.description
        let yamlFiles = snapshot.sortedFiles.filter {
            let lower = $0.path.lowercased()
            return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
        }.map { SourceFile(path: $0.path, bytes: $0.bytes) }
        let prefix = directory.isEmpty ? "" : directory + "/"
        let options = DesiredStateOptions(defaultNamespace: defaultNamespace)
        var files = yamlFiles
        let result: Result<DesiredState, DesiredStateError>
        if let kgl = snapshot.configuration {
            let base = yamlFiles.filter { !$0.path.hasPrefix(prefix + "envs/") }
            if let env {
                let rendered = RenderedEnvironment(
                    kgl: String(decoding: kgl.bytes, as: UTF8.self), kglFile: kgl.path, environment: env, base: base,
                    files: yamlFiles)
                files.append(SourceFile(path: kgl.path, bytes: kgl.bytes))
                let errors = rendered.diagnostics.filter { $0.severity == .error }
                if !errors.isEmpty {
                    let report = ValidationReport(fileDiagnostics: rendered.diagnostics)
                    throw LoadFailure.invalid(OutputFormat.text.render(report, sources: SourceLines(files)))
                }
                let renderedFile = SourceFile(path: "\(kgl.path) (env \(env))", bytes: Array(rendered.yaml.utf8))
                files.append(renderedFile)
                let origins = Origins(yamlFiles, defaultNamespace: defaultNamespace)
                result = DesiredState.load([renderedFile], revision: commit, options: options).map { state in
                    // Fields name the manifest line or the KGL patch that wrote them, not the rendered text.
                    var state = state
                    state.attributeSources(to: rendered.documents, defaultNamespace: defaultNamespace) { identity, mark in
                        origins.locate(identity, mark, kglFile: kgl.path)
                    }
                    return state
                }
            } else {
                result = Self.validate(base, revision: commit, options: options, desired: desired)
            }
        } else {
            if let env {
                throw LoadFailure.invalid("--env \(env): there is no kgit.kgl in \(directory.isEmpty ? "the repository root" : directory) at \(commit.prefix(12))\n")
            }
            result = Self.validate(yamlFiles, revision: commit, options: options, desired: desired)
        }
        switch result {
        case .success(let state):
            return LoadedRevision(
                url: url, directory: directory, commit: commit, state: state, cacheDirectory: cache, files: files)
        case .failure(let error):
            let report = ValidationReport(fileDiagnostics: error.diagnostics)
            throw LoadFailure.invalid(OutputFormat.text.render(report, sources: SourceLines(files)))
        }
    }
}

extension GitOpsOptions {
    /// `DesiredState.load`, through `desired` when it was made with the same options.
    static func validate(
        _ files: [SourceFile], revision: String, options: DesiredStateOptions, desired: DesiredStateCache?
    ) -> Result<DesiredState, DesiredStateError> {
        guard let desired, desired.options.defaultNamespace == options.defaultNamespace else {
            return DesiredState.load(files, revision: revision, options: options)
        }
        return desired.load(files, revision: revision).map(\.state)
    }
}

/// Where each object of a KGL environment was declared, and every position in its document there, so a rendered
/// node can be traced to its manifest (a position of the declaring document) or to the KGL patch (any other).
struct Origins {
    var declared: [ObjectIdentity: (file: String, marks: Set<Mark>)] = [:]

    init(_ files: [SourceFile], defaultNamespace: String) {
        for file in files {
            guard let documents = try? YAMLParser.parse(file.bytes) else { continue }
            for document in documents {
                guard let root = document.root, let identity = ObjectIdentity(object: YAMLValue(root)) else { continue }
                var marks = Set<Mark>()
                Self.collect(root, into: &marks)
                declared[identity] = (file.path, marks)
                if identity.namespace.isEmpty {
                    var defaulted = identity
                    defaulted.namespace = defaultNamespace
                    declared[defaulted] = (file.path, marks)
                }
            }
        }
    }

    func locate(_ identity: ObjectIdentity, _ mark: Mark, kglFile: String) -> ManifestLocation {
        if let origin = declared[identity], origin.marks.contains(mark) {
            return ManifestLocation(file: origin.file, line: mark.line, column: mark.column)
        }
        return ManifestLocation(file: kglFile, line: mark.line, column: mark.column)
    }

    static func collect(_ node: Node, into marks: inout Set<Mark>) {
        marks.insert(node.start)
        switch node.content {
        case .scalar: return
        case .sequence(let items): for item in items { collect(item, into: &marks) }
        case .mapping(let pairs):
            for pair in pairs {
                marks.insert(pair.key.start)
                collect(pair.value, into: &marks)
            }
        }
    }
}
