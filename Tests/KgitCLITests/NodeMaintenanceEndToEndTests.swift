import Foundation
import KgitTesting
import Testing

/// What `kubectl` users see of finished and node-bound workloads in `kgit up`: a drained node keeps its
/// DaemonSet pod, and a finished Job's pod reads `Completed`.
@Suite("kgit up: drain with DaemonSets, and finished Jobs", .timeLimit(.minutes(4)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled,
                "kubectl is not installed"))
struct NodeMaintenanceEndToEndTests {
    /// `NAME NODE PHASE DELETING` per pod with `label`.
    func placements(_ label: String) -> [String] {
        ["get", "pods", "-l", label, "-o",
         "jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.phase} {.metadata.deletionTimestamp}{\"\\n\"}{end}"]
    }

    @Test("drain --ignore-daemonsets evicts a node's Deployment pods and leaves its DaemonSet pod running there")
    func drainKeepsDaemonSetPod() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "2", "--startup-delay", "200ms"])
        defer { cluster.stop() }
        _ = try await eventually(cluster, ["get", "nodes", "-o", "name"]) { sortedLines($0).count == 2 }
        let daemonSet = try await cluster.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: logs}
            spec:
              selector: {matchLabels: {app: logs}}
              template:
                metadata: {labels: {app: logs}}
                spec: {containers: [{name: agent, image: busybox:1.36}]}
            """)
        #expect(daemonSet.status == 0, "\(daemonSet)")
        let daemons = try await eventually(cluster, placements("app=logs")) { out in
            let rows = sortedLines(out)
            return rows.count == 2 && rows.allSatisfy { $0.contains(" Running") }
        }
        // Every Deployment pod lands on kgit-node-1 while kgit-node-2 is cordoned.
        #expect(try await cluster.kubectl(["cordon", "kgit-node-2"]).status == 0)
        let deployment = try await cluster.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: main, image: nginx:1.27}]}
            """)
        #expect(deployment.status == 0, "\(deployment)")
        let web = try await eventually(cluster, placements("app=web")) { out in
            let rows = sortedLines(out)
            return rows.count == 2 && rows.allSatisfy { $0.hasSuffix(" kgit-node-1 Running ") }
        }
        #expect(try await cluster.kubectl(["uncordon", "kgit-node-2"]).status == 0)
        let onFirst = sortedLines(daemons).filter { $0.contains(" kgit-node-1 ") }
        #expect(onFirst.count == 1, "one DaemonSet pod per node: \(daemons)")
        let daemonPod = onFirst.first.map { String($0.split(separator: " ")[0]) } ?? ""

        // Without --ignore-daemonsets kubectl refuses, naming the DaemonSet-managed pod.
        let refused = try await cluster.kubectl(["drain", "kgit-node-1", "--timeout=30s"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("DaemonSet-managed") && refused.stderr.contains(daemonPod), "\(refused)")

        let drained = try await cluster.kubectl(["drain", "kgit-node-1", "--ignore-daemonsets", "--timeout=90s"])
        #expect(drained.status == 0, "\(drained)")
        let output = drained.stdout + drained.stderr
        #expect(output.contains("Warning: ignoring DaemonSet-managed Pods: default/\(daemonPod)"), "\(drained)")
        for row in sortedLines(web) {
            let name = String(row.split(separator: " ")[0])
            #expect(output.contains("pod/\(name) evicted"), "\(drained)")
        }
        #expect(!output.contains("pod/\(daemonPod) evicted"), "\(drained)")
        #expect(drained.stdout.contains("node/kgit-node-1 drained"), "\(drained)")

        // The Deployment's replacements run on kgit-node-2; the DaemonSet pod is untouched on kgit-node-1.
        let moved = try await eventually(cluster, placements("app=web")) { out in
            let rows = sortedLines(out)
            return rows.count == 2 && rows.allSatisfy { $0.hasSuffix(" kgit-node-2 Running ") }
        }
        #expect(Set(sortedLines(moved).map { $0.split(separator: " ")[0] }).isDisjoint(with: sortedLines(web).map { $0.split(separator: " ")[0] }))
        let kept = try await cluster.kubectl(placements("app=logs"))
        #expect(sortedLines(kept.stdout).contains("\(daemonPod) kgit-node-1 Running "), "\(kept)")
        #expect(try await cluster.kubectl(["uncordon", "kgit-node-1"]).status == 0)
    }

    @Test("a Job's pod that ran to completion shows STATUS Completed in kubectl get pods")
    func finishedJobPodReadsCompleted() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "1", "--startup-delay", "200ms"])
        defer { cluster.stop() }
        let job = try await cluster.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: busybox:1.36, command: [sh, -c, "sleep 1"]}]
            """)
        #expect(job.status == 0, "\(job)")
        _ = try await eventually(cluster, ["get", "job", "once", "-o", "jsonpath={.status.succeeded}"]) { $0 == "1" }
        let table = try await eventually(cluster, ["get", "pods", "-l", "job-name=once", "--no-headers"]) { !sortedLines($0).isEmpty }
        let columns = sortedLines(table).first?.split(separator: " ", omittingEmptySubsequences: true).map(String.init) ?? []
        // NAME READY STATUS RESTARTS AGE
        #expect(columns.count == 5, "\(table)")
        #expect(columns.dropFirst().first == "0/1", "\(table)")
        #expect(columns.dropFirst(2).first == "Completed", "\(table)")
        #expect(columns.dropFirst(3).first == "0", "\(table)")
        let reason = try await cluster.kubectl([
            "get", "pods", "-l", "job-name=once", "-o", "jsonpath={.items[0].status.containerStatuses[0].state.terminated.reason}",
        ])
        #expect(reason.stdout == "Completed")
    }
}
