import KgitTesting
import Testing

/// PriorityClasses as a user meets them with real kubectl against `kgit up`: the system classes exist,
/// `kubectl create priorityclass` works (it sends protobuf), pods get their class's priority at
/// admission, and a pod of a higher class preempts lower ones on a full node.
@Suite("kgit up: PriorityClasses and preemption", .serialized, .timeLimit(.minutes(4)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled, "kubectl is not installed"))
struct PriorityClassEndToEndTests {
    static func pod(_ name: String, cpu: String, priorityClass: String? = nil, extra: String = "") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name), labels: {app: \(name)}}
        spec:
          \(priorityClass.map { "priorityClassName: \($0)" } ?? "")
          \(extra)
          containers: [{name: app, image: nginx:1.27, resources: {requests: {cpu: "\(cpu)"}}}]
        """
    }

    @Test("the system classes are listed with upstream's columns, and kubectl create priorityclass adds one")
    func listAndCreate() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "1"])
        defer { cluster.stop() }
        let created = try await cluster.kubectl(["create", "priorityclass", "high", "--value=1000", "--description=urgent work"])
        #expect(created.status == 0 && created.stdout.contains("priorityclass.scheduling.k8s.io/high created"), "\(created)")
        let table = try await cluster.kubectl(["get", "priorityclasses"])
        let rows = table.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.first == ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"], "\(table)")
        let byName = Dictionary(rows.dropFirst().map { ($0[0], $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byName["system-node-critical"].map { [$0[1], $0[2], $0[4]] } == ["2000001000", "false", "PreemptLowerPriority"])
        #expect(byName["system-cluster-critical"].map { [$0[1], $0[2], $0[4]] } == ["2000000000", "false", "PreemptLowerPriority"])
        #expect(byName["high"].map { [$0[1], $0[2], $0[4]] } == ["1000", "false", "PreemptLowerPriority"])
        let description = try await cluster.kubectl(["get", "pc", "high", "-o", "jsonpath={.description}"])
        #expect(description.stdout == "urgent work", "\(description)")

        let reserved = try await cluster.kubectl(["create", "priorityclass", "system-mine", "--value=10"])
        #expect(reserved.status != 0 && reserved.stderr.contains("reserved for system use only"), "\(reserved)")
        let tooHigh = try await cluster.kubectl(["create", "priorityclass", "huge", "--value=2000000000"])
        #expect(tooHigh.status != 0 && tooHigh.stderr.contains("maximum allowed value of a user defined priority is 1000000000"),
                "\(tooHigh)")
        let changed = try await cluster.kubectl(["patch", "pc", "high", "--type=merge", "-p", #"{"value": 5}"#])
        #expect(changed.status != 0 && changed.stderr.contains("value: Forbidden: may not be changed in an update."), "\(changed)")

        let fallback = try await cluster.kubectl(["create", "priorityclass", "normal", "--value=10", "--global-default"])
        #expect(fallback.status == 0, "\(fallback)")
        let second = try await cluster.kubectl(["create", "priorityclass", "other", "--value=20", "--global-default"])
        #expect(second.status != 0 && second.stderr.contains("PriorityClass normal is already marked as default. Only one default can exist"),
                "\(second)")
    }

    @Test("pods get their class's priority, the global default's, or are refused for a missing class or a priority of their own")
    func admission() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "1"])
        defer { cluster.stop() }
        #expect(try await cluster.kubectl(["create", "priorityclass", "high", "--value=1000", "--preemption-policy=Never"]).status == 0)
        let plain = try await cluster.kubectl(["apply", "-f", "-"], stdin: Self.pod("plain", cpu: "100m"))
        #expect(plain.status == 0, "\(plain)")
        let high = try await cluster.kubectl(["apply", "-f", "-"], stdin: Self.pod("urgent", cpu: "100m", priorityClass: "high"))
        #expect(high.status == 0, "\(high)")
        let fields = "jsonpath={.spec.priorityClassName}|{.spec.priority}|{.spec.preemptionPolicy}"
        #expect(try await cluster.kubectl(["get", "pod", "plain", "-o", fields]).stdout == "|0|PreemptLowerPriority")
        #expect(try await cluster.kubectl(["get", "pod", "urgent", "-o", fields]).stdout == "high|1000|Never")

        let missing = try await cluster.kubectl(["apply", "-f", "-"], stdin: Self.pod("lost", cpu: "100m", priorityClass: "nope"))
        #expect(missing.status != 0 && missing.stderr.contains(#"pods "lost" is forbidden: no PriorityClass with name nope was found"#),
                "\(missing)")
        let own = try await cluster.kubectl(["apply", "-f", "-"], stdin: Self.pod("own", cpu: "100m", priorityClass: "high", extra: "priority: 7"))
        #expect(own.status != 0 && own.stderr.contains(
            "the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name"),
                "\(own)")

        #expect(try await cluster.kubectl(["create", "priorityclass", "normal", "--value=10", "--global-default"]).status == 0)
        let defaulted = try await cluster.kubectl(["apply", "-f", "-"], stdin: Self.pod("later", cpu: "100m"))
        #expect(defaulted.status == 0, "\(defaulted)")
        #expect(try await cluster.kubectl(["get", "pod", "later", "-o", fields]).stdout == "normal|10|PreemptLowerPriority")
    }

    @Test("on a full node, a pod of a higher class preempts a lower-priority pod and takes its place")
    func preemption() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "1"])
        defer { cluster.stop() }
        #expect(try await cluster.kubectl(["create", "priorityclass", "low", "--value=10"]).status == 0)
        #expect(try await cluster.kubectl(["create", "priorityclass", "high", "--value=1000"]).status == 0)
        // The node has 4 cpus: two low pods of 1500m leave 1 cpu free, too little for a 2-cpu pod.
        for name in ["low-a", "low-b"] {
            let created = try await cluster.kubectl(["apply", "-f", "-"], stdin: Self.pod(name, cpu: "1500m", priorityClass: "low"))
            #expect(created.status == 0, "\(created)")
        }
        let running = ["get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name}={.spec.nodeName}={.status.phase}{\"\\n\"}{end}"]
        _ = try await eventually(cluster, running) { sortedLines($0) == ["low-a=kgit-node-1=Running", "low-b=kgit-node-1=Running"] }

        let urgent = try await cluster.kubectl(["apply", "-f", "-"], stdin: Self.pod("urgent", cpu: "2", priorityClass: "high"))
        #expect(urgent.status == 0, "\(urgent)")
        let bound = try await eventually(cluster, ["get", "pod", "urgent", "-o", "jsonpath={.spec.nodeName}"]) { $0 == "kgit-node-1" }
        #expect(bound == "kgit-node-1")
        // Exactly one low pod was preempted (one is enough to make room); the other keeps running.
        let left = try await eventually(cluster, ["get", "pods", "-l", "app in (low-a,low-b)", "-o", "name"]) { sortedLines($0).count == 1 }
        #expect(sortedLines(left).count == 1)
        let events = try await eventually(cluster, [
            "get", "events", "--field-selector", "reason=Preempted", "-o", "jsonpath={range .items[*]}{.involvedObject.name}: {.message}{\"\\n\"}{end}",
        ]) { !$0.isEmpty }
        #expect(sortedLines(events).count == 1 && events.contains("Preempted by pod"), "\(events)")
    }
}
