import KgitTesting
import Testing

/// Workload controllers' rules that need time to show, watched with real kubectl against `kgit up`:
/// a paused Deployment holds its rollout, and a StatefulSet starts and removes pods in ordinal order.
@Suite("kgit up: paused Deployments and ordered StatefulSets", .serialized, .timeLimit(.minutes(4)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled, "kubectl is not installed"))
struct WorkloadEndToEndTests {
    static let images = ["get", "pods", "-l", "app=web", "-o", "jsonpath={range .items[*]}{.spec.containers[0].image}{\"\\n\"}{end}"]

    @Test("kubectl rollout pause holds a template change (the controller sees it and keeps the old pods) until resume")
    func pauseAndResume() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "2"])
        defer { cluster.stop() }
        #expect(try await cluster.kubectl(["create", "deployment", "web", "--image=nginx:1.27", "--replicas=2"]).status == 0)
        let done = try await cluster.kubectl(["rollout", "status", "deployment/web", "--timeout=120s"])
        #expect(done.status == 0, "\(done)")

        let paused = try await cluster.kubectl(["rollout", "pause", "deployment/web"])
        #expect(paused.status == 0 && paused.stdout.contains("deployment.apps/web paused"), "\(paused)")
        let changed = try await cluster.kubectl(["set", "image", "deployment/web", "nginx=nginx:1.28"])
        #expect(changed.status == 0, "\(changed)")
        // Once the controller has observed the new generation, a paused Deployment has still not rolled.
        let observed = "jsonpath={.metadata.generation}={.status.observedGeneration}|{.status.conditions[?(@.type==\"Progressing\")].reason}"
        let state = try await eventually(cluster, ["get", "deployment", "web", "-o", observed]) { out in
            let parts = out.split(separator: "|")
            guard parts.count == 2 else { return false }
            let generations = parts[0].split(separator: "=")
            return generations.count == 2 && generations[0] == generations[1] && parts[1] == "DeploymentPaused"
        }
        #expect(state.hasSuffix("|DeploymentPaused"))
        #expect(sortedLines(try await cluster.kubectl(Self.images).stdout) == ["nginx:1.27", "nginx:1.27"])
        let sets = try await cluster.kubectl(["get", "replicasets", "-l", "app=web", "-o", "name"])
        #expect(sortedLines(sets.stdout).count == 1, "no new ReplicaSet while paused: \(sets)")

        let resumed = try await cluster.kubectl(["rollout", "resume", "deployment/web"])
        #expect(resumed.status == 0 && resumed.stdout.contains("deployment.apps/web resumed"), "\(resumed)")
        let rolled = try await cluster.kubectl(["rollout", "status", "deployment/web", "--timeout=120s"])
        #expect(rolled.status == 0, "\(rolled)")
        _ = try await eventually(cluster, Self.images) { sortedLines($0) == ["nginx:1.28", "nginx:1.28"] }
    }

    @Test("a StatefulSet creates db-0, db-1, db-2 each after the one before is Running, and scales down from the highest")
    func statefulSetOrder() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "2", "--startup-delay", "1s"])
        defer { cluster.stop() }
        let set = """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              serviceName: db
              replicas: 3
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  containers: [{name: db, image: postgres:17}]
            """
        let applied = try await cluster.kubectl(["apply", "-f", "-"], stdin: set)
        #expect(applied.status == 0, "\(applied)")
        let query = ["get", "pods", "-l", "app=db", "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.phase}{\"\\n\"}{end}"]
        // Every snapshot while it fills: the pods are db-0..db-k, and all but the newest are Running.
        var seen: Set<Int> = []
        while true {
            let rows = sortedLines(try await cluster.kubectl(query).stdout).map { $0.split(separator: " ").map(String.init) }
            let ordinals = rows.compactMap { Int($0[0].dropFirst("db-".count)) }.sorted()
            #expect(ordinals == Array(0..<ordinals.count), "pods are a prefix of the ordinals: \(rows)")
            for row in rows.dropLast() { #expect(row.count == 2 && row[1] == "Running", "\(row[0]) runs before the next starts: \(rows)") }
            seen.formUnion(ordinals)
            if rows.count == 3 && rows.allSatisfy({ $0.count == 2 && $0[1] == "Running" }) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(seen == [0, 1, 2])

        let scaled = try await cluster.kubectl(["scale", "statefulset", "db", "--replicas=1"])
        #expect(scaled.status == 0, "\(scaled)")
        while true {
            let names = sortedLines(try await cluster.kubectl(["get", "pods", "-l", "app=db", "-o", "name"]).stdout)
            let ordinals = names.compactMap { Int($0.dropFirst("pod/db-".count)) }.sorted()
            #expect(ordinals == Array(0..<ordinals.count), "the highest ordinals go first: \(names)")
            if ordinals == [0] { break }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
