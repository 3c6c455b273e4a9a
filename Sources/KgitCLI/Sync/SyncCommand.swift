import ArgumentParser
import Foundation
import KgitSync

/// `kgit sync SOURCE`: apply a git revision to a cluster.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Apply the manifests of a git revision to a cluster, with server-side apply.",
        discussion: """
            Fetches SOURCE into a local mirror, reads every YAML manifest under --path at --revision (rendering \
            --env through kgit.kgl when given), validates the whole revision, and applies it: Namespaces and \
            CustomResourceDefinitions first (waited for until active or established), then by sync wave \
            (annotation kgit.dev/sync-wave, lowest first) and kind. Objects are applied with server-side apply as \
            field manager `kgit`.

            If any document is invalid, nothing is applied: the errors are printed with file:line:column and the \
            cluster keeps what it had. What was applied is recorded in ConfigMap kgit-system/kgit-inventory-NAME; \
            with --prune, objects recorded there that git no longer declares are deleted. A revision that \
            declares nothing never prunes everything unless --allow-empty is given.

            With --verify-signatures --allowed-signers FILE, the commit must carry an SSH signature (git's \
            gpg.format=ssh) made for namespace git by a key FILE lists (git's gpg.ssh.allowedSignersFile format); \
            an unsigned commit, a bad signature or an unknown key is refused, naming the commit and the signer, \
            and nothing is applied.

            Output: one line per object (created, configured, unchanged, pruned, skipped: why, failed: why) and a \
            summary on standard output; progress on standard error.

            Exit status: 0 every object applied, 1 an object failed or the revision is invalid or refused, 2 the \
            repository or the cluster cannot be reached, or a usage error.

            Examples:
              # a cluster to sync to, and a local repository at HEAD
              kgit server --data-dir ./cluster &
              kgit sync ./shop --kubeconfig ./cluster/kubeconfig
              # a remote repository, one directory, a tag, deleting what left git
              kgit sync https://git.example.com/ops.git --path prod --revision v1.4 --prune
              # an environment of a KGL repository, creating its namespace
              kgit sync ./shop --env prod --create-namespace
              # what would change, without writing anything
              kgit sync ./shop --dry-run
            """
    )

    @OptionGroup var options: GitOpsOptions

    @Flag(help: "Delete objects a previous sync applied that git no longer declares.")
    var prune = false

    @Flag(help: "Accept a revision that declares no objects, pruning everything (with --prune).")
    var allowEmpty = false

    @Flag(help: "Send every write as a server-side dry run; change nothing and record nothing.")
    var dryRun = false

    @Flag(help: "Create the namespaces objects live in when git does not declare them (never pruned).")
    var createNamespace = false

    func run() async throws {
        let (_, _, repositoryName) = try options.location()
        let client = try options.client()
        printError("fetching \(options.source) at \(options.revision)")
        let loaded: LoadedRevision
        do {
            loaded = try await options.load(defaultNamespace: client.defaultNamespace)
        } catch LoadFailure.unreachable(let message) {
            throw ExitWith(message: "kgit sync: \(message)", code: 2)
        } catch LoadFailure.invalid(let report) {
            Console.error(report)
            throw ExitWith(message: "kgit sync: the revision is invalid; nothing was applied", code: 1)
        } catch LoadFailure.refused(let message) {
            throw ExitWith(message: "kgit sync: refused, nothing was applied: \(message)", code: 1)
        }
        let name = options.syncName(repositoryName: repositoryName)
        printError("applying \(loaded.state.objects.count) objects from \(loaded.commit.prefix(12)) as sync \"\(name)\"\(dryRun ? " (dry run)" : "")")
        let engine = SyncEngine(
            client: KubernetesClusterClient(client: client),
            options: SyncOptions(
                name: name, prune: prune, allowEmpty: allowEmpty, dryRun: dryRun, createNamespaces: createNamespace))
        let result: SyncEngine.Result
        do {
            result = try await engine.sync(loaded.state, revision: loaded.commit) { line in printError(line) }
        } catch let error as SyncPlanError {
            throw ExitWith(message: "kgit sync: refused, nothing was applied:\n\(error)", code: 1)
        } catch {
            throw ExitWith(message: "kgit sync: \(error)", code: 2)
        }
        var text = result.report.render()
        if dryRun { text += "(dry run: nothing was changed)\n" }
        print(text, terminator: "")
        if result.report.hasFailures { throw ExitCode(1) }
    }
}
