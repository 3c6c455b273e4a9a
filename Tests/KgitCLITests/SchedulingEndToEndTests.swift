import Foundation
import KgitTesting
import Testing

/// The scheduler running in `kgit up`, observed only through real kubectl: pods get nodes, and pods that fit
/// nowhere stay Pending with upstream's explanation until the cluster changes.
@Suite("kgit up schedules pods onto nodes", .timeLimit(.minutes(4)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled,
                "kubectl is not installed"))
struct SchedulingEndToEndTests {
    /// Polls kubectl until `accept` holds for its standard output (the suite's time limit bounds the wait).
    func lines(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    /// The messages of a pod's events with this reason, once there is at least one: the scheduler records the
    /// event after it has bound the pod or set its condition, so a test that saw that may look too early.
    func eventMessages(_ cluster: KgitServerProcess, pod: String, reason: String) async throws -> [String] {
        let output = try await eventually(cluster, [
            "get", "events", "--field-selector", "involvedObject.name=\(pod),reason=\(reason)",
            "-o", "jsonpath={range .items[*]}{.message}{\"\\n\"}{end}",
        ]) { !lines($0).isEmpty }
        return lines(output)
    }

    /// `kgit up --nodes 3`, once all three nodes are Ready: on a loaded machine a node can exist for a while
    /// before it posts Ready, and the scheduler would place pods (and word its explanations) without it.
    func startCluster() async throws -> KgitServerProcess {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "3"])
        let readiness = ["get", "nodes", "-o",
                         "jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}"]
        _ = try await eventually(cluster, readiness) { out in
            lines(out).count == 3 && lines(out).allSatisfy { $0.hasSuffix("=True") }
        }
        return cluster
    }

    @Test("every pod of a Deployment gets a node, spread over the nodes, with a Scheduled event")
    func deploymentPodsAreSpread() async throws {
        let cluster = try await startCluster()
        defer { cluster.stop() }
        #expect(cluster.serverLog.contains("scheduler: default-scheduler"))
        let created = try await cluster.kubectl(["create", "deployment", "web", "--image=nginx:1.27", "--replicas=6"])
        #expect(created.status == 0, "\(created)")
        let query = ["get", "pods", "-l", "app=web", "-o",
                     "jsonpath={range .items[*]}{.metadata.name}={.spec.nodeName}{\"\\n\"}{end}"]
        let placed = try await eventually(cluster, query) { out in
            let rows = lines(out)
            return rows.count == 6 && rows.allSatisfy { !$0.hasSuffix("=") }
        }
        let nodes = lines(placed).compactMap { $0.split(separator: "=").last.map(String.init) }
        #expect(Set(nodes) == ["kgit-node-1", "kgit-node-2", "kgit-node-3"], "placements: \(placed)")
        for node in Set(nodes) { #expect(nodes.filter { $0 == node }.count == 2, "least-allocated scoring balances: \(placed)") }

        let first = lines(placed)[0].split(separator: "=").map(String.init)
        let scheduled = try await eventMessages(cluster, pod: first[0], reason: "Scheduled")
        #expect(scheduled == ["Successfully assigned default/\(first[0]) to \(first[1])"])
        let condition = try await cluster.kubectl([
            "get", "pod", first[0], "-o", "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].status}",
        ])
        #expect(condition.stdout == "True")
    }

    @Test("a pod requesting more cpu than any node has stays Pending with FailedScheduling, then a bigger node takes it")
    func tooBigPodWaitsForCapacity() async throws {
        let cluster = try await startCluster()
        defer { cluster.stop() }
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: big}
            spec:
              containers:
              - name: app
                image: nginx:1.27
                resources: {requests: {cpu: "32"}}
            """
        let created = try await cluster.kubectl(["apply", "-f", "-"], stdin: pod)
        #expect(created.status == 0, "\(created)")
        // Bigger than every node's allocatable: unresolvable, so preemption cannot help (upstream since 1.28).
        let expected = "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        let reason = try await eventually(cluster, [
            "get", "pod", "big", "-o",
            "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].reason}:{.status.conditions[?(@.type==\"PodScheduled\")].message}",
        ]) { $0.hasPrefix("Unschedulable:") }
        #expect(reason == "Unschedulable:\(expected)")
        #expect(try await eventMessages(cluster, pod: "big", reason: "FailedScheduling") == [expected])
        let describe = try await cluster.kubectl(["describe", "pod", "big"])
        #expect(describe.stdout.contains("FailedScheduling"), "\(describe.stdout)")
        #expect(describe.stdout.contains("3 Insufficient cpu"), "\(describe.stdout)")
        let events = try await cluster.kubectl(["get", "events"])
        #expect(events.stdout.contains("FailedScheduling") && events.stdout.contains("0/3 nodes are available: 3 Insufficient cpu."))
        let phase = try await cluster.kubectl(["get", "pod", "big", "-o", "jsonpath={.spec.nodeName}|{.status.phase}"])
        #expect(phase.stdout == "|Pending")

        // Capacity arrives: a node registers, then posts its allocatable.
        let node = """
            apiVersion: v1
            kind: Node
            metadata: {name: big-node, labels: {kubernetes.io/hostname: big-node}}
            """
        let added = try await cluster.kubectl(["apply", "-f", "-"], stdin: node)
        #expect(added.status == 0, "\(added)")
        let status = try await cluster.kubectl([
            "patch", "node", "big-node", "--subresource=status", "--type=merge", "-p",
            #"{"status":{"capacity":{"cpu":"64","memory":"256Gi","pods":"110"},"allocatable":{"cpu":"64","memory":"256Gi","pods":"110"}}}"#,
        ])
        #expect(status.status == 0, "\(status)")
        let bound = try await eventually(cluster, ["get", "pod", "big", "-o", "jsonpath={.spec.nodeName}"]) { !$0.isEmpty }
        #expect(bound == "big-node")
        #expect(try await eventMessages(cluster, pod: "big", reason: "Scheduled") == ["Successfully assigned default/big to big-node"])
    }

    @Test("nodeSelector and taints: the explanation names both, and a tolerating pod lands on the tainted node")
    func selectorAndTaints() async throws {
        let cluster = try await startCluster()
        defer { cluster.stop() }
        #expect(try await cluster.kubectl(["label", "node", "kgit-node-2", "disk=ssd"]).status == 0)
        #expect(try await cluster.kubectl(["taint", "node", "kgit-node-2", "dedicated=gpu:NoSchedule"]).status == 0)
        #expect(try await cluster.kubectl(["taint", "node", "kgit-node-3", "dedicated=gpu:NoSchedule"]).status == 0)
        func pod(_ name: String, tolerate: Bool) -> String {
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: \(name)}
            spec:
              nodeSelector: {disk: ssd}
            \(tolerate ? "  tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]\n" : "")\
              containers: [{name: app, image: nginx:1.27}]
            """
        }
        #expect(try await cluster.kubectl(["apply", "-f", "-"], stdin: pod("picky", tolerate: false)).status == 0)
        #expect(try await cluster.kubectl(["apply", "-f", "-"], stdin: pod("tolerant", tolerate: true)).status == 0)

        let bound = try await eventually(cluster, ["get", "pod", "tolerant", "-o", "jsonpath={.spec.nodeName}"]) { !$0.isEmpty }
        #expect(bound == "kgit-node-2")
        let message = try await eventually(cluster, [
            "get", "pod", "picky", "-o", "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].message}",
        ]) { !$0.isEmpty }
        #expect(message.hasPrefix(
            "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint {dedicated: gpu}."),
            "\(message)")
        let picky = try await cluster.kubectl(["get", "pod", "picky", "-o", "jsonpath={.spec.nodeName}"])
        #expect(picky.stdout.isEmpty)
    }

    @Test("a DaemonSet gets one pod bound to each node, and a StatefulSet's first pod web-0 gets a node")
    func daemonSetAndStatefulSet() async throws {
        let cluster = try await startCluster()
        defer { cluster.stop() }
        #expect(cluster.serverLog.contains("statefulset, daemonset"), "\(cluster.serverLog)")
        let manifests = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec: {containers: [{name: agent, image: busybox:1.36}]}
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              serviceName: db
              replicas: 2
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec: {containers: [{name: db, image: postgres:16}]}
            """
        let applied = try await cluster.kubectl(["apply", "-f", "-"], stdin: manifests)
        #expect(applied.status == 0, "\(applied)")
        let placed = try await eventually(cluster, [
            "get", "pods", "-l", "app=agent", "-o", "jsonpath={range .items[*]}{.spec.nodeName}{\"\\n\"}{end}",
        ]) { out in lines(out).count == 3 }
        #expect(Set(lines(placed)) == ["kgit-node-1", "kgit-node-2", "kgit-node-3"])
        let first = try await eventually(cluster, ["get", "pod", "db-0", "-o", "jsonpath={.spec.nodeName}"]) { !$0.isEmpty }
        #expect(first.hasPrefix("kgit-node-"))
    }
}
