import Foundation
import KgitTesting
import Testing

private let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `kgit sync`, `kgit diff` and `kgit status` driven as a user drives them: the built binary against a running
/// `kgit server`, real git repositories, results checked with kubectl.
@Suite("kgit sync, diff and status end to end", .serialized, .timeLimit(.minutes(5)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled, "needs kubectl"))
struct SyncCommandTests {
    static let namespace = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
        """

    static func settings(_ mode: String) -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: shop
        data:
          mode: \(mode)
        """
    }

    static func deployment(replicas: Int, memory: String = "1Gi") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          replicas: \(replicas)
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: nginx:1.27
                  resources:
                    limits:
                      memory: \(memory)
        """
    }

    /// A server, a repository with the shop's three objects committed, and a cache directory.
    struct Fixture {
        let server: KgitServerProcess
        let repository: SyncRepository
        let cache: Scratch

        static func make() async throws -> Fixture {
            let server = try await KgitServerProcess.start()
            let repository = try await SyncRepository.make()
            try repository.write("namespace.yaml", SyncCommandTests.namespace)
            try repository.write("settings.yaml", SyncCommandTests.settings("fast"))
            try repository.write("web.yaml", SyncCommandTests.deployment(replicas: 2))
            try await repository.commit("the shop")
            return Fixture(server: server, repository: repository, cache: try Scratch("kgit-cache"))
        }

        /// Runs `kgit COMMAND SOURCE ARGS --kubeconfig ... --cache-dir ...` (SOURCE: the repository unless given).
        func kgit(_ command: String, _ arguments: [String] = [], source: String? = nil) async throws -> Subprocess.Result {
            try await KgitBinary.run(
                [command, source ?? repository.path, "--name", "shop"] + arguments
                    + ["--kubeconfig", server.kubeconfig, "--cache-dir", cache.path])
        }

        func kubectl(_ arguments: String...) async throws -> Subprocess.Result {
            try await server.kubectl(arguments)
        }
    }

    @Test("a first sync creates every object; a changed commit re-syncs only what changed")
    func firstSyncThenChange() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.server.stop() }
        let first = try await fixture.kgit("sync")
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout == """
            Namespace/shop created
            ConfigMap/shop/settings created
            Deployment/shop/web created
            3 created

            """)
        #expect(first.stderr.contains("applying Deployment/shop/web"))
        let mode = try await fixture.kubectl("get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.data.mode}")
        #expect(mode.stdout == "fast")

        try fixture.repository.write("settings.yaml", Self.settings("safe"))
        try await fixture.repository.commit("slow down")
        let second = try await fixture.kgit("sync")
        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.contains("ConfigMap/shop/settings configured"))
        #expect(second.stdout.contains("Deployment/shop/web unchanged"))
        let changed = try await fixture.kubectl("get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.data.mode}")
        #expect(changed.stdout == "safe")
        let managers = try await fixture.kubectl(
            "get", "deployment", "web", "-n", "shop", "-o", "jsonpath={.metadata.managedFields[*].manager}")
        #expect(managers.stdout.contains("kgit"))

        let status = try await KgitBinary.run(["status", "--name", "shop", "--kubeconfig", fixture.server.kubeconfig])
        #expect(status.status == 0, "\(status)")
        #expect(status.stdout.contains("Deployment/shop/web"))
        #expect(status.stdout.contains("ConfigMap/shop/settings  Healthy"))
        let json = try await KgitBinary.run(["status", "-o", "json", "--kubeconfig", fixture.server.kubeconfig])
        #expect(json.stdout.contains("\"name\": \"shop\""))
        let unknown = try await KgitBinary.run(["status", "--name", "nope", "--kubeconfig", fixture.server.kubeconfig])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no sync named \"nope\""))
    }

    @Test("diff exits 0 without differences, 1 with them, traces changed lines to git and its commits, previews merges")
    func diffExitCodesAndSources() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.server.stop() }
        #expect(try await fixture.kgit("sync").status == 0)
        let clean = try await fixture.kgit("diff")
        #expect(clean.status == 0, "\(clean)")
        #expect(clean.stdout.isEmpty)

        // The server's defaults and a quantity written differently are not differences.
        try fixture.repository.write("web.yaml", Self.deployment(replicas: 2, memory: "1024Mi"))
        let base = try await fixture.repository.commit("same memory, other spelling")
        #expect(try await fixture.kgit("diff").status == 0)

        try fixture.repository.write("web.yaml", Self.deployment(replicas: 5, memory: "1024Mi"))
        let change = try await fixture.repository.commit("more replicas for the sale")
        let changed = try await fixture.kgit("diff", ["--show-source", "--blame"])
        #expect(changed.status == 1, "\(changed)")
        #expect(changed.stdout.contains("--- live/Deployment/shop/web"))
        #expect(changed.stdout.contains("-  replicas: 2"))
        #expect(changed.stdout.contains("+  replicas: 5  # from web.yaml:7 (\(change.prefix(7)) Ada Author: more replicas for the sale)"))

        // Someone scales by hand: the live side moves, and diff shows it.
        _ = try await fixture.kubectl("scale", "deployment", "web", "-n", "shop", "--replicas=5")
        #expect(try await fixture.kgit("diff").status == 0)

        // A preview between two revisions shows only what the change touches, against the live cluster.
        try fixture.repository.write("settings.yaml", Self.settings("turbo"))
        try await fixture.repository.commit("turbo")
        let preview = try await fixture.kgit("diff", ["--from", base, "--to", "main"])
        #expect(preview.status == 1, "\(preview)")
        #expect(preview.stdout.contains("+  mode: turbo"))
        #expect(!preview.stdout.contains("Deployment/shop/web"))

        let bad = try await KgitBinary.run([
            "diff", fixture.repository.path, "--kubeconfig", "/nonexistent/kubeconfig", "--cache-dir", fixture.cache.path,
        ])
        #expect(bad.status == 2, "\(bad)")
        #expect(bad.stderr.contains("/nonexistent/kubeconfig"))
    }

    @Test("prune deletes what left git only with --prune, and refuses to prune everything")
    func prune() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.server.stop() }
        #expect(try await fixture.kgit("sync").status == 0)
        try fixture.repository.remove("settings.yaml")
        try await fixture.repository.commit("no more settings")

        let kept = try await fixture.kgit("sync")
        #expect(kept.status == 0, "\(kept)")
        #expect(kept.stdout.contains("ConfigMap/shop/settings skipped: pruning is disabled"))
        #expect(try await fixture.kubectl("get", "configmap", "settings", "-n", "shop").status == 0)

        let pruned = try await fixture.kgit("sync", ["--prune"])
        #expect(pruned.status == 0, "\(pruned)")
        #expect(pruned.stdout.contains("ConfigMap/shop/settings pruned"))
        let gone = try await fixture.kubectl("get", "configmap", "settings", "-n", "shop")
        #expect(gone.status != 0)
        #expect(gone.stderr.contains("NotFound"))

        try fixture.repository.remove("web.yaml")
        try fixture.repository.remove("namespace.yaml")
        try await fixture.repository.commit("oops, everything is gone")
        let refused = try await fixture.kgit("sync", ["--prune"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("would all be pruned; refusing"))
        #expect(try await fixture.kubectl("get", "deployment", "web", "-n", "shop").status == 0)
    }

    @Test("an invalid commit is refused with file:line:column and the cluster keeps the last good state")
    func invalidCommit() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.server.stop() }
        #expect(try await fixture.kgit("sync").status == 0)
        try fixture.repository.write("settings.yaml", Self.settings("broken"))
        try fixture.repository.write(
            "web.yaml", Self.deployment(replicas: 9).replacingOccurrences(of: "  replicas: 9", with: "  replcas: 9"))
        try await fixture.repository.commit("a typo")
        let result = try await fixture.kgit("sync")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("web.yaml:7:3: error[unknown-field]"))
        #expect(result.stderr.contains("nothing was applied"))
        #expect(result.stdout.isEmpty)
        let mode = try await fixture.kubectl("get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.data.mode}")
        #expect(mode.stdout == "fast")
    }

    @Test("an unreachable repository is reported with its URL and exit status 2")
    func unreachableRepository() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.server.stop() }
        let port = try GitDaemon.freePort()
        let url = "git://127.0.0.1:\(port)/shop.git"
        let result = try await fixture.kgit("sync", [], source: url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("cannot load \(url)"))
        fixture.server.stop()
        let noCluster = try await fixture.kgit("sync")
        #expect(noCluster.status == 2, "\(noCluster)")
        #expect(noCluster.stderr.contains(
            "kgit sync: cannot reach the API server: https://127.0.0.1:\(fixture.server.port): connection refused"))
        let missing = try await fixture.kgit("sync", [], source: "/nonexistent/repository")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/repository: no such directory"))
    }

    @Test("SOURCE may be a file:// URL with --path and a tag, or a directory inside a work tree")
    func sourceForms() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.server.stop() }
        let repository = try await SyncRepository.make()
        try repository.write("apps/shop/namespace.yaml", Self.namespace)
        try repository.write("apps/shop/settings.yaml", Self.settings("tagged"))
        try repository.write("README.md", "not a manifest")
        try await repository.commit("v1")
        try await repository.git("tag", "v1")
        try repository.write("apps/shop/settings.yaml", Self.settings("untagged"))
        try await repository.commit("after the tag")

        let tagged = try await fixture.kgit(
            "sync", ["--path", "apps/shop", "--revision", "v1"], source: "file://" + repository.path)
        #expect(tagged.status == 0, "\(tagged)")
        #expect(tagged.stdout.contains("ConfigMap/shop/settings created"))
        let first = try await fixture.kubectl("get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.data.mode}")
        #expect(first.stdout == "tagged")

        let inside = try await fixture.kgit("sync", [], source: repository.path + "/apps/shop")
        #expect(inside.status == 0, "\(inside)")
        #expect(inside.stdout.contains("ConfigMap/shop/settings configured"))
        let second = try await fixture.kubectl("get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.data.mode}")
        #expect(second.stdout == "untagged")

        let unknownRevision = try await fixture.kgit("sync", ["--revision", "v9"], source: repository.path)
        #expect(unknownRevision.status == 2)
        #expect(unknownRevision.stderr.contains("v9"))
    }

    @Test("--env renders the bundled KGL example: staging applies 2 replicas, prod would make them 4")
    func environments() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.server.stop() }
        let repository = try await SyncRepository.make()
        try repository.copy(from: repositoryRoot.appendingPathComponent("manifests/examples/shop-kgl").path)
        try await repository.commit("the KGL shop")
        let staging = try await fixture.kgit("sync", ["--env", "staging", "--create-namespace"], source: repository.path)
        #expect(staging.status == 0, "\(staging)")
        #expect(staging.stdout.contains("Namespace/storefront created"))
        let replicas = try await fixture.kubectl(
            "get", "deployment", "web", "-n", "storefront", "-o", "jsonpath={.spec.replicas}")
        #expect(replicas.stdout == "2")
        let prod = try await fixture.kgit("diff", ["--env", "prod"], source: repository.path)
        #expect(prod.status == 1, "\(prod)")
        #expect(prod.stdout.contains("-  replicas: 2\n+  replicas: 4"))
        // Each changed field traces to where it was written: the KGL patch, or the manifest an env adds.
        let traced = try await fixture.kgit("diff", ["--env", "prod", "--show-source"], source: repository.path)
        let kgl = try String(contentsOf: repositoryRoot.appendingPathComponent("manifests/examples/shop-kgl/kgit.kgl"),
                             encoding: .utf8).components(separatedBy: "\n")
        let replicasLine = try #require(kgl.firstIndex { $0.contains("spec.replicas = 4") }) + 1
        let memoryLine = try #require(kgl.firstIndex { $0.contains("limits.memory = 512Mi") }) + 1
        #expect(traced.stdout.contains("+  replicas: 4  # from kgit.kgl:\(replicasLine)\n"), "\(traced)")
        #expect(traced.stdout.contains("+            memory: \"512Mi\"  # from kgit.kgl:\(memoryLine)\n"))
        #expect(traced.stdout.contains("+  minAvailable: 2  # from envs/prod/pdb.yaml:7\n"))
        let unknown = try await fixture.kgit("sync", ["--env", "qa"], source: repository.path)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("qa"))
    }

    @Test("a symlink out of the repository, a huge file and an alias bomb are refused with a clear error")
    func hostileRepositories() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.server.stop() }

        let linked = try await SyncRepository.make()
        try linked.write("ok.yaml", Self.namespace)
        try FileManager.default.createSymbolicLink(atPath: linked.scratch.url("passwd.yaml"), withDestinationPath: "../../../etc/passwd")
        try await linked.commit("a link out")
        let link = try await fixture.kgit("sync", [], source: linked.path)
        #expect(link.status == 2, "\(link)")
        #expect(link.stderr.contains("passwd.yaml"))
        #expect(link.stderr.lowercased().contains("outside"))

        let huge = try await SyncRepository.make()
        try huge.write("big.yaml", "# " + String(repeating: "x", count: 9 << 20) + "\n")
        try await huge.commit("a huge file")
        let big = try await fixture.kgit("sync", [], source: huge.path)
        #expect(big.status == 2, "\(big)")
        #expect(big.stderr.contains("big.yaml"))

        let bomb = try await SyncRepository.make()
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<12 { text += "\(Character(UnicodeScalar(97 + level)!)): &\(Character(UnicodeScalar(97 + level)!)) [" + Array(repeating: "*\(Character(UnicodeScalar(96 + level)!))", count: 10).joined(separator: ", ") + "]\n" }
        try bomb.write("bomb.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb, namespace: shop}\ndata:\n  " + text.replacingOccurrences(of: "\n", with: "\n  "))
        try await bomb.commit("an alias bomb")
        let exploded = try await fixture.kgit("sync", [], source: bomb.path)
        #expect(exploded.status == 1, "\(exploded)")
        #expect(exploded.stderr.contains("bomb.yaml:"))
        #expect(exploded.stderr.lowercased().contains("alias"))
        #expect(try await fixture.kubectl("get", "namespace", "shop").status != 0)
    }
}
