import Foundation
import KgitTesting
import Testing

/// `kgit up` takes every option of `kgit server`: here its store in a real etcd and its Application controller,
/// driven by real kubectl, as a user who outgrew the embedded store would run it.
@Suite("kgit up with kgit server's options", .serialized, .timeLimit(.minutes(5)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled
                && (KgitServerProcess.endToEndRequired || EtcdMember.isInstalled),
                "needs kubectl and etcd"))
struct UpServerOptionsTests {
    @Test("with --etcd-endpoints the cluster's objects live in etcd, and an Application syncs a Deployment from git that the cluster then runs")
    func etcdStoreAndApplications() async throws {
        let etcd = try await EtcdMember.start()
        defer { etcd.stop() }
        let repository = try await SyncRepository.make()
        try repository.write("web.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: default}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: "nginx:1.27"}]}
            """)
        try await repository.commit("web")
        let cluster = try await KgitServerProcess.start(
            command: "up", extraArguments: ["--nodes", "1", "--etcd-endpoints", etcd.clientURL, "--shutdown-timeout", "30"])
        defer { cluster.stop() }

        _ = try await eventually(cluster, ["get", "crd", "applications.kgit.dev", "-o", "name"]) { !$0.isEmpty }
        let applied = try await cluster.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: kgit.dev/v1alpha1
            kind: Application
            metadata: {name: shop, namespace: default}
            spec: {source: "\(repository.path)", revision: main}
            """)
        #expect(applied.status == 0, "\(applied)")
        let running = try await eventually(cluster, [
            "get", "pods", "-l", "app=web", "-o", "jsonpath={range .items[*]}{.status.phase}{\"\\n\"}{end}",
        ]) { sortedLines($0) == ["Running", "Running"] }
        #expect(sortedLines(running) == ["Running", "Running"])

        // The objects are etcd's: read back with etcd's own keys, not through the cluster.
        let stored = try await KgitBinary.run([
            "store", "get", "--etcd-endpoints", etcd.clientURL, "/registry/apps/deployments/default/web", "-o", "value",
        ])
        #expect(stored.status == 0, "\(stored)")
        #expect(stored.stdout.contains(#""name":"web""#), "\(stored)")
        let applications = try await KgitBinary.run([
            "store", "get", "--etcd-endpoints", etcd.clientURL, "/registry/kgit.dev/applications/", "--prefix", "--keys-only",
        ])
        #expect(applications.stdout.contains("/registry/kgit.dev/applications/default/shop"), "\(applications)")

        let ended = await cluster.stop(signal: SIGTERM, within: .seconds(60))
        #expect(ended == .exited(0), "\(cluster.serverLog.suffix(3000))")
    }

    @Test("kgit up --help lists kgit server's options, and a bad one is refused before anything starts")
    func helpAndValidation() async throws {
        let help = try await KgitBinary.run(["up", "--help"])
        #expect(help.status == 0)
        for option in ["--etcd-endpoints", "--etcd-cacert", "--git-cache-dir", "--no-applications",
                       "--webhook-secret-file", "--shutdown-timeout", "--nodes"] {
            #expect(help.stdout.contains(option), "\(option) missing from kgit up --help")
        }
        let scratch = try Scratch("kgit-up-options")
        let refused = try await KgitBinary.run(["up", "--data-dir", scratch.url("data"), "--shutdown-timeout", "0"])
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("--shutdown-timeout must be a positive number of seconds"), "\(refused)")
        let unreadable = try await KgitBinary.run([
            "up", "--data-dir", scratch.url("data"), "--webhook-secret-file", scratch.url("missing"),
        ])
        #expect(unreadable.status == 2, "\(unreadable)")
        #expect(unreadable.stderr.contains("cannot read --webhook-secret-file"), "\(unreadable)")
    }
}
