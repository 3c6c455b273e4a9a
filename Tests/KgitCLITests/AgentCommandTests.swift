import Foundation
import KgitTesting
import Testing

/// Simulated nodes, node lifecycle, eviction and drain, driven as a user would: `kgit up`, `kgit agent` and
/// real kubectl.
@Suite("kgit agent and simulated nodes in kgit up", .timeLimit(.minutes(4)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled, "kubectl is not installed"))
struct AgentCommandTests {
    /// A Deployment whose pods are bound to `node` by their template (no scheduler needed), or left to the
    /// scheduler when `node` is nil, tolerating the unreachable taint for `toleration` seconds.
    func deployment(_ name: String, replicas: Int, node: String?, toleration: Int = 300) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name)}
        spec:
          replicas: \(replicas)
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}}
            spec:
              \(node.map { "nodeName: \($0)" } ?? "schedulerName: default-scheduler")
              tolerations:
              - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: \(toleration)}
              containers: [{name: main, image: nginx:1.27}]
        """
    }

    static let phases = ["get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.status.podIP}{\"\\n\"}{end}"]

    @Test("pods bound to kgit up's nodes reach Running with pod IPs, a Job's pod Succeeds, and a deleted pod is replaced")
    func podsRun() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "2", "--startup-delay", "300ms"])
        defer { cluster.stop() }
        let applied = try await cluster.kubectl(["apply", "-f", "-"], stdin: deployment("web", replicas: 3, node: "kgit-node-2"))
        #expect(applied.status == 0, "\(applied)")
        let running = try await eventually(cluster, Self.phases) { out in
            let rows = sortedLines(out)
            return rows.count == 3 && rows.allSatisfy { $0.contains(" Running 10.128.1.") }
        }
        #expect(sortedLines(running).count == 3)

        let job = try await cluster.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once}
            spec:
              template:
                spec:
                  nodeName: kgit-node-1
                  restartPolicy: Never
                  containers: [{name: main, image: busybox, command: [sh, -c, "sleep 1"]}]
            """)
        #expect(job.status == 0, "\(job)")
        _ = try await eventually(cluster, ["get", "job", "once", "-o", "jsonpath={.status.succeeded}"]) { $0 == "1" }

        let victim = sortedLines(running)[0].split(separator: " ")[0]
        let deleted = try await cluster.kubectl(["delete", "pod", String(victim)])
        #expect(deleted.status == 0, "\(deleted)")
        let after = try await eventually(cluster, Self.phases) { out in
            let rows = sortedLines(out).filter { !$0.contains("once-") }
            return rows.count == 3 && rows.allSatisfy { $0.contains(" Running ") } && !out.contains(String(victim))
        }
        #expect(!after.contains(String(victim)))
    }

    @Test("cordon makes a node unschedulable, and drain moves its pods to another node, waiting while a PodDisruptionBudget forbids it")
    func cordonAndDrain() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "2", "--startup-delay", "200ms"])
        defer { cluster.stop() }
        // The scheduler puts both pods on kgit-node-1 while kgit-node-2 is cordoned.
        #expect(try await cluster.kubectl(["cordon", "kgit-node-2"]).status == 0)
        _ = try await cluster.kubectl(["apply", "-f", "-"], stdin: deployment("web", replicas: 2, node: nil) + """

            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: web}
            spec:
              minAvailable: 2
              selector: {matchLabels: {app: web}}
            """)
        let first = try await eventually(cluster, Self.phases) { out in
            sortedLines(out).count == 2 && sortedLines(out).allSatisfy { $0.contains(" Running ") }
        }
        _ = try await eventually(cluster, ["get", "pdb", "web", "-o", "jsonpath={.status.currentHealthy}"]) { $0 == "2" }
        let nodesOf = ["get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.phase}{\"\\n\"}{end}"]
        #expect(sortedLines(try await cluster.kubectl(nodesOf).stdout).allSatisfy { $0.contains(" kgit-node-1 ") })
        #expect(try await cluster.kubectl(["uncordon", "kgit-node-2"]).status == 0)

        let cordoned = try await cluster.kubectl(["cordon", "kgit-node-1"])
        #expect(cordoned.status == 0, "\(cordoned)")
        let unschedulable = try await cluster.kubectl(["get", "node", "kgit-node-1", "-o", "jsonpath={.spec.unschedulable}"])
        #expect(unschedulable.stdout == "true")

        // minAvailable 2 of 2: every eviction is refused with upstream's 429, so drain gives up at its timeout
        // (long enough for a loaded machine to get the first refusal back; 6 s may not be).
        let refused = try await cluster.kubectl(["drain", "kgit-node-1", "--ignore-daemonsets", "--timeout=20s"])
        #expect(refused.status != 0)
        #expect((refused.stdout + refused.stderr).contains("Cannot evict pod as it would violate the pod's disruption budget."))
        #expect(sortedLines(try await cluster.kubectl(Self.phases).stdout) == sortedLines(first))

        let relaxed = try await cluster.kubectl(["patch", "pdb", "web", "--type", "merge", "-p", "{\"spec\":{\"minAvailable\":1}}"])
        #expect(relaxed.status == 0, "\(relaxed)")
        let drained = try await cluster.kubectl(["drain", "kgit-node-1", "--ignore-daemonsets", "--timeout=90s"])
        #expect(drained.status == 0, "\(drained)")
        #expect(drained.stdout.contains("evicted"))
        #expect(drained.stdout.contains("drained"))
        for name in sortedLines(first).map({ String($0.split(separator: " ")[0]) }) {
            #expect(!(try await cluster.kubectl(Self.phases).stdout.contains(name)))
        }
        // The replacements run on the node that is left.
        let moved = try await eventually(cluster, nodesOf) { out in
            sortedLines(out).count == 2 && sortedLines(out).allSatisfy { $0.hasSuffix(" kgit-node-2 Running") }
        }
        #expect(sortedLines(moved).count == 2)
        let uncordoned = try await cluster.kubectl(["uncordon", "kgit-node-1"])
        #expect(uncordoned.status == 0, "\(uncordoned)")
    }

    @Test("a node whose kgit agent is killed is marked NotReady with the unreachable taint, and its pods are evicted and replaced elsewhere")
    func heartbeatLoss() async throws {
        let cluster = try await KgitServerProcess.start(
            command: "up", extraArguments: ["--nodes", "1", "--node-monitor-grace-period", "20s", "--startup-delay", "200ms"])
        defer { cluster.stop() }
        let agent = try ChildProcess(
            KgitBinary.path,
            [
                "agent", "--simulate", "1", "--kubeconfig", cluster.kubeconfig, "--name-prefix", "lost",
                "--heartbeat", "500ms", "--labels", "pool=lost", "--startup-delay", "200ms",
            ],
            standardOutput: .null, standardError: .null)
        defer { agent.killBlocking() }

        let ready = ["get", "node", "lost-1", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status} {.metadata.labels.pool}"]
        _ = try await eventually(cluster, ready) { $0 == "True lost" }
        // Everything lands on lost-1 while kgit-node-1 is cordoned; then kgit-node-1 takes pods again.
        #expect(try await cluster.kubectl(["cordon", "kgit-node-1"]).status == 0)
        _ = try await cluster.kubectl(["apply", "-f", "-"], stdin: deployment("web", replicas: 2, node: nil, toleration: 1))
        let placed = ["get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.phase} {.metadata.deletionTimestamp}{\"\\n\"}{end}"]
        let before = try await eventually(cluster, placed) { out in
            sortedLines(out).count == 2 && sortedLines(out).allSatisfy { $0.contains(" lost-1 Running") }
        }
        #expect(try await cluster.kubectl(["uncordon", "kgit-node-1"]).status == 0)
        let lease = try await cluster.kubectl(["get", "lease", "lost-1", "-n", "kube-node-lease", "-o", "jsonpath={.spec.holderIdentity}"])
        #expect(lease.stdout == "lost-1")

        await agent.kill()
        _ = try await eventually(cluster, ready) { $0.hasPrefix("Unknown") }
        let taints = try await eventually(cluster, ["get", "node", "lost-1", "-o", "jsonpath={.spec.taints[*].key}"]) {
            $0.contains("node.kubernetes.io/unreachable")
        }
        #expect(taints.contains("node.kubernetes.io/unreachable"))
        // As upstream: the evicted pods stay Terminating (nobody on lost-1 confirms), and two new pods run on
        // the node that is left.
        let oldNames = sortedLines(before).map { String($0.split(separator: " ")[0]) }
        let after = try await eventually(cluster, placed) { out in
            let rows = sortedLines(out).map { $0.split(separator: " ").map(String.init) }
            let live = rows.filter { $0.count == 3 }
            let terminating = rows.filter { $0.count == 4 }.map { $0[0] }
            return live.count == 2 && live.allSatisfy { $0[1] == "kgit-node-1" && $0[2] == "Running" && !oldNames.contains($0[0]) }
                && oldNames.allSatisfy { name in terminating.contains(name) || !rows.contains { $0[0] == name } }
        }
        #expect(sortedLines(after).count >= 2)
        // The controllers record their events after the writes the test waited for; wait for both.
        let events = try await eventually(cluster, ["get", "events", "-A", "-o", "jsonpath={.items[*].reason}"]) {
            $0.contains("NodeNotReady") && $0.contains("TaintManagerEviction")
        }
        #expect(events.contains("NodeNotReady"))
        #expect(events.contains("TaintManagerEviction"))
    }

    @Test("kgit agent refuses malformed taints and labels with the reason")
    func badFlags() async throws {
        let taint = try await KgitBinary.run(["agent", "--simulate", "1", "--taints", "dedicated=gpu"])
        #expect(taint.status != 0)
        #expect(taint.stderr.contains("needs an effect"))
        let label = try await KgitBinary.run(["agent", "--simulate", "1", "--labels", "novalue"])
        #expect(label.status != 0)
        #expect(label.stderr.contains("is not key=value"))
    }
}
