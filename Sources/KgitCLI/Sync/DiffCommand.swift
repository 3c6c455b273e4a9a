import ArgumentParser
import Foundation
import KgitGit
import KgitSync

/// `kgit diff SOURCE`: what a sync would change, as unified diffs.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show the live cluster against a git revision, as a unified diff per object.",
        discussion: """
            Loads the revision as `kgit sync` does and compares each object with the live one. Only the fields \
            git sets are compared, so server-filled defaults, status, managedFields and quantities written \
            differently (1Gi and 1024Mi) are not differences. Secret values are masked.

            --show-source ends each added line with the file:line in git that declares it, and --blame adds the \
            commit that last changed that line. --from REV1 --to REV2 previews what merging a change would do: \
            only the objects that differ between the two revisions are shown, against the live cluster.

            Exit status: 0 no difference, 1 differences, 2 or more an error (like kubectl diff).

            Examples:
              kgit diff ./shop --kubeconfig ./cluster/kubeconfig
              # where each changed line is written in git, and which commit wrote it
              kgit diff ./shop --show-source --blame
              # preview merging a branch: only what it changes, against the cluster
              kgit diff ./shop --from main --to feature/bigger-cache
              # include the objects a sync with --prune would delete
              kgit diff ./shop --prune
            """
    )

    @OptionGroup var options: GitOpsOptions

    @Flag(help: "Also show objects a sync with --prune would delete.")
    var prune = false

    @Flag(help: "End added lines with the file:line in git that declares them.")
    var showSource = false

    @Flag(help: "Also name the commit that last changed each of those lines (implies --show-source).")
    var blame = false

    @Option(help: "With --to: the revision the cluster was synced from (the merge base).")
    var from: String?

    @Option(help: "With --from: the revision to preview (the branch being merged).")
    var to: String?

    func run() async throws {
        do {
            try await diff()
        } catch let exit as ExitWith {
            throw ExitWith(message: exit.message, code: max(exit.code, 2))
        }
    }

    func diff() async throws {
        if (from == nil) != (to == nil) { throw ExitWith(message: "kgit diff: --from and --to go together", code: 2) }
        let (_, _, repositoryName) = try options.location()
        let client = try options.client()
        let loaded: LoadedRevision
        var previous: LoadedRevision?
        do {
            loaded = try await options.load(revision: to, defaultNamespace: client.defaultNamespace)
            if let from {
                previous = try await options.load(revision: from, defaultNamespace: client.defaultNamespace, fetch: false)
            }
        } catch LoadFailure.unreachable(let message) {
            throw ExitWith(message: "kgit diff: \(message)", code: 2)
        } catch LoadFailure.invalid(let report) {
            Console.error(report)
            throw ExitWith(message: "kgit diff: the revision is invalid", code: 2)
        } catch LoadFailure.refused(let message) {
            throw ExitWith(message: "kgit diff: refused: \(message)", code: 2)
        }
        var state = loaded.state
        var includePrunable = prune
        if let previous {
            // Only what the change touches: objects added, changed or removed between the two revisions.
            let before = Dictionary(previous.state.objects.map { ($0.identity, $0.body) }, uniquingKeysWith: { a, _ in a })
            state.objects = state.objects.filter { before[$0.identity] != $0.body }
            includePrunable = false
        }
        let engine = SyncEngine(
            client: KubernetesClusterClient(client: client),
            options: SyncOptions(name: options.syncName(repositoryName: repositoryName)))
        var diffs: [ObjectDiff]
        do {
            diffs = try await engine.diff(state, includePrunable: includePrunable)
            if let previous {
                let now = Set(loaded.state.objects.map(\.identity))
                let removed = previous.state.objects.filter { !now.contains($0.identity) }
                if !removed.isEmpty {
                    let live = try await engine.liveObjectsForDiff(removed.map(\.identity))
                    diffs += ObjectDiffer(catalog: nil).diff(
                        desired: [], live: live, inventory: Inventory(revision: "", objects: removed.map(\.identity)))
                }
            }
        } catch {
            throw ExitWith(message: "kgit diff: \(error)", code: 2)
        }
        var blames = BlameCache(url: loaded.url, cacheDirectory: loaded.cacheDirectory, commit: loaded.commit)
        var text = ""
        for diff in diffs where diff.isDifferent {
            guard let unified = diff.diff else { continue }
            if blame {
                text += try await blames.render(unified)
            } else {
                text += unified.render(showSource: showSource)
            }
        }
        print(text, terminator: "")
        throw ExitCode(DiffExitCode.code(for: diffs))
    }
}

/// Renders diffs with the commit that last changed each source line, blaming each file once.
struct BlameCache {
    let url: String
    let cacheDirectory: String
    let commit: String
    private var files: [String: Blame?] = [:]

    init(url: String, cacheDirectory: String, commit: String) {
        self.url = url
        self.cacheDirectory = cacheDirectory
        self.commit = commit
    }

    mutating func render(_ diff: UnifiedDiff) async throws -> String {
        var text = "--- \(diff.liveHeader)\n+++ \(diff.gitHeader)\n"
        for hunk in diff.hunks {
            text += "@@ -\(Self.range(hunk.liveStart, hunk.liveCount)) +\(Self.range(hunk.gitStart, hunk.gitCount)) @@\n"
            for line in hunk.lines {
                text.append(line.kind.rawValue)
                text += line.text
                if line.kind == .added, let source = line.source {
                    text += "  # from \(source.file):\(source.line)"
                    if let hunk = try await blame(source.file)?.hunk(forLine: source.line) {
                        text += " (\(hunk.commit.abbreviated()) \(hunk.author.name): \(hunk.summary))"
                    }
                }
                text += "\n"
            }
        }
        return text
    }

    mutating func blame(_ file: String) async throws -> Blame? {
        if let known = files[file] { return known }
        let (url, cache, commit) = (self.url, cacheDirectory, self.commit)
        let result: Blame? = try? await onThread {
            let git = try Libgit2Source(url: url, cacheDirectory: cache)
            guard let id = ObjectID(hex: commit) else { return nil }
            return try git.repository.blame(file, at: id)
        }
        files[file] = result
        return result
    }

    static func range(_ start: Int, _ count: Int) -> String { count == 1 ? "\(start)" : "\(start),\(count)" }
}
