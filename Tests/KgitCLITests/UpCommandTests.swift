import Foundation
import KgitTesting
import Testing

/// `kgit up` driven as a user would: the built binary, and real kubectl against it.
@Suite("kgit up: a whole cluster in one process", .timeLimit(.minutes(4)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled, "kubectl is not installed"))
struct UpCommandTests {
    /// Polls kubectl until `accept` is satisfied with its standard output (the time limit bounds the wait).
    func podNames(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { !$0.isEmpty }.sorted()
    }

    @Test("SIGTERM stops kgit up with 200 busy nodes (and its counters logged each second) cleanly, exit status 0")
    func stopsOnSIGTERM() async throws {
        let cluster = try await KgitServerProcess.start(
            command: "up", extraArguments: ["--nodes", "200", "--stats-interval", "1s", "--shutdown-timeout", "30"])
        defer { cluster.stop() }
        // Every node registered and renewing its Lease: the agent is busy when the signal comes.
        _ = try await eventually(cluster, ["get", "leases", "-n", "kube-node-lease", "-o", "name"]) { out in
            out.split(separator: "\n").count >= 200
        }
        // 60 s only guards against a hang; kgit up gives itself --shutdown-timeout (5 s by default, 30 s here for a
        // loaded CI machine) before it gives up and exits with status 1.
        let ended = await cluster.stop(signal: SIGTERM, within: .seconds(60))
        #expect(ended == .exited(0), "\(cluster.serverLog.suffix(3000))")
        #expect(cluster.serverLog.contains("kgit up stopped"))
        #expect(!cluster.serverLog.contains("graceful shutdown took over"))
        #expect(cluster.serverLog.contains("kgit up: stats: "), "the counters were logged while it ran")
    }

    @Test("nodes register Ready, and a Deployment rolls out, scales, replaces a deleted pod and is deleted with its pods")
    func deploymentLifecycle() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "2"])
        defer { cluster.stop() }
        #expect(cluster.serverLog.contains("controllers: replicaset, deployment"))

        let readiness = [
            "get", "nodes", "-o",
            "jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}",
        ]
        let nodes = try await eventually(cluster, readiness) { out in
            out.split(separator: "\n").count == 2 && out.split(separator: "\n").allSatisfy { $0.hasSuffix("=True") }
        }
        #expect(podNames(nodes) == ["kgit-node-1=True", "kgit-node-2=True"])

        let created = try await cluster.kubectl(["create", "deployment", "web", "--image=nginx:1.27", "--replicas=2"])
        #expect(created.status == 0, "\(created)")
        let podsQuery = ["get", "pods", "-l", "app=web", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"]
        let first = podNames(try await eventually(cluster, podsQuery) { podNames($0).count == 2 })
        #expect(first.allSatisfy { $0.hasPrefix("web-") })
        let rs = try await cluster.kubectl(["get", "replicasets", "-l", "app=web", "--no-headers"])
        #expect(rs.stdout.split(separator: "\n").count == 1)

        let scaled = try await cluster.kubectl(["scale", "deployment", "web", "--replicas=3"])
        #expect(scaled.status == 0, "\(scaled)")
        _ = try await eventually(cluster, podsQuery) { podNames($0).count == 3 }

        let victim = first[0]
        let deleted = try await cluster.kubectl(["delete", "pod", victim, "--wait=false"])
        #expect(deleted.status == 0, "\(deleted)")
        let after = podNames(try await eventually(cluster, podsQuery) { out in
            podNames(out).count == 3 && !podNames(out).contains(victim)
        })
        #expect(!after.contains(victim))

        let gone = try await cluster.kubectl(["delete", "deployment", "web", "--wait=false"])
        #expect(gone.status == 0, "\(gone)")
        _ = try await eventually(cluster, podsQuery) { podNames($0).isEmpty }
        _ = try await eventually(cluster, ["get", "replicasets", "-o", "name"]) { $0.isEmpty }
    }

    @Test("a Deployment rolls forward to a new image and back with kubectl rollout undo, keeping its revision history")
    func rollForwardAndBack() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "2"])
        defer { cluster.stop() }
        let created = try await cluster.kubectl(["create", "deployment", "web", "--image=nginx:1.27", "--replicas=3"])
        #expect(created.status == 0, "\(created)")
        try await rolledOut(cluster)
        let images = ["get", "pods", "-l", "app=web", "-o", "jsonpath={range .items[*]}{.spec.containers[0].image}{\"\\n\"}{end}"]
        _ = try await eventually(cluster, images) { sortedLines($0) == Array(repeating: "nginx:1.27", count: 3) }

        let forward = try await cluster.kubectl(["set", "image", "deployment/web", "nginx=nginx:1.28"])
        #expect(forward.status == 0 && forward.stdout.contains("deployment.apps/web image updated"), "\(forward)")
        try await rolledOut(cluster)
        _ = try await eventually(cluster, images) { sortedLines($0) == Array(repeating: "nginx:1.28", count: 3) }
        let sets = try await cluster.kubectl([
            "get", "replicasets", "-l", "app=web", "-o",
            "jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/revision}={.spec.template.spec.containers[0].image}={.spec.replicas}{\"\\n\"}{end}",
        ])
        #expect(sortedLines(sets.stdout) == ["1=nginx:1.27=0", "2=nginx:1.28=3"], "\(sets)")
        let history = try await cluster.kubectl(["rollout", "history", "deployment/web"])
        #expect(history.status == 0, "\(history)")
        #expect(history.stdout.contains("REVISION  CHANGE-CAUSE"), "\(history)")
        #expect(sortedLines(history.stdout).filter { $0.first?.isNumber == true }.map { $0.split(separator: " ").first.map(String.init) ?? "" } == ["1", "2"], "\(history)")

        let back = try await cluster.kubectl(["rollout", "undo", "deployment/web"])
        #expect(back.status == 0 && back.stdout.contains("deployment.apps/web rolled back"), "\(back)")
        try await rolledOut(cluster)
        _ = try await eventually(cluster, images) { sortedLines($0) == Array(repeating: "nginx:1.27", count: 3) }
        // Rolling back re-uses revision 1's ReplicaSet, which becomes revision 3.
        let after = try await cluster.kubectl(["rollout", "history", "deployment/web"])
        #expect(sortedLines(after.stdout).filter { $0.first?.isNumber == true }.map { $0.split(separator: " ").first.map(String.init) ?? "" } == ["2", "3"], "\(after)")
        let revision2 = try await cluster.kubectl(["rollout", "history", "deployment/web", "--revision=2"])
        #expect(revision2.status == 0 && revision2.stdout.contains("nginx:1.28"), "\(revision2)")
    }

    @Test("a new namespace has the default ServiceAccount, and deleting it brings it back")
    func defaultServiceAccountIsKept() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "1"])
        defer { cluster.stop() }
        #expect(try await cluster.kubectl(["create", "namespace", "team"]).status == 0)
        let first = try await eventually(cluster, ["get", "serviceaccount", "default", "-n", "team", "-o", "jsonpath={.metadata.uid}"]) {
            !$0.isEmpty
        }
        let deleted = try await cluster.kubectl(["delete", "serviceaccount", "default", "-n", "team"])
        #expect(deleted.status == 0, "\(deleted)")
        let again = try await eventually(cluster, ["get", "serviceaccount", "default", "-n", "team", "-o", "jsonpath={.metadata.uid}"]) {
            !$0.isEmpty && $0 != first
        }
        #expect(again != first)
    }

    /// Waits with `kubectl rollout status` (which watches the Deployment's status) until it reports success.
    func rolledOut(_ cluster: KgitServerProcess) async throws {
        let status = try await cluster.kubectl(["rollout", "status", "deployment/web", "--timeout=120s"])
        #expect(status.status == 0 && status.stdout.contains("deployment \"web\" successfully rolled out"), "\(status)")
    }
}
