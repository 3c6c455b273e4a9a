import Foundation
import KgitTesting
import Testing

/// `kgit scheduler --kubeconfig FILE` against a separate `kgit server`, driven by real kubectl.
@Suite("kgit scheduler against a remote server", .timeLimit(.minutes(4)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled,
                "kubectl is not installed"))
struct SchedulerCommandTests {
    @Test("as system:kube-scheduler from DIR/scheduler.kubeconfig, it takes the kube-scheduler Lease and binds a pending pod to the only node that fits")
    func bindsOverHTTPS() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let scheduler = try ChildProcess(
            KgitBinary.path, ["scheduler", "--kubeconfig", server.dataDirectory + "/scheduler.kubeconfig"], standardOutput: .null, standardError: .null)
        do {
            try await exercise(server)
        } catch {
            Issue.record(error)
        }
        await scheduler.kill()
    }

    func exercise(_ server: KgitServerProcess) async throws {
        for (name, cpu) in [("small", "1"), ("large", "8")] {
            let node = try await server.kubectl(["apply", "-f", "-"], stdin: """
                apiVersion: v1
                kind: Node
                metadata: {name: \(name)}
                """)
            #expect(node.status == 0, "\(node)")
            let status = try await server.kubectl([
                "patch", "node", name, "--subresource=status", "--type=merge", "-p",
                #"{"status":{"allocatable":{"cpu":"\#(cpu)","memory":"8Gi","pods":"110"}}}"#,
            ])
            #expect(status.status == 0, "\(status)")
        }
        let pod = try await server.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: v1
            kind: Pod
            metadata: {name: worker}
            spec:
              containers: [{name: app, image: nginx:1.27, resources: {requests: {cpu: "4"}}}]
            """)
        #expect(pod.status == 0, "\(pod)")
        let bound = try await eventually(server, ["get", "pod", "worker", "-o", "jsonpath={.spec.nodeName}"]) { !$0.isEmpty }
        #expect(bound == "large")
        let holder = try await eventually(server, [
            "get", "lease", "kube-scheduler", "-n", "kube-system", "-o", "jsonpath={.spec.holderIdentity}",
        ]) { !$0.isEmpty }
        #expect(!holder.isEmpty)
    }

    /// kubectl with the scheduler's own kubeconfig.
    func asScheduler(_ server: KgitServerProcess, _ arguments: [String], stdin: String? = nil) async throws -> Subprocess.Result {
        try await Subprocess.run(
            "kubectl", ["--kubeconfig", server.dataDirectory + "/scheduler.kubeconfig"] + arguments, stdin: stdin,
            environment: ["KUBECACHEDIR": server.kubectlCache, "HOME": server.kubectlCache])
    }

    @Test("the server issues the scheduler its own certificate: it may bind pods and read nodes, but not read secrets or create pods")
    func schedulerIdentityIsLimited() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let whoami = try await asScheduler(server, ["auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"])
        #expect(whoami.status == 0, "\(whoami)")
        #expect(whoami.stdout == "system:kube-scheduler")
        // kubectl reads TYPE/NAME, so subresources go in --subresource.
        for (verb, resource, subresource, allowed) in [
            ("create", "pods", "binding", true), ("list", "nodes", "", true), ("patch", "pods", "status", true),
            ("get", "secrets", "", false), ("create", "pods", "", false), ("delete", "nodes", "", false),
            ("update", "pods", "status", true), ("patch", "nodes", "status", false),
        ] {
            let check = try await asScheduler(
                server, ["auth", "can-i", verb, resource, "-n", "default"] + (subresource.isEmpty ? [] : ["--subresource", subresource]))
            #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == (allowed ? "yes" : "no"),
                    "\(verb) \(resource) \(subresource): \(check)")
        }
        let secrets = try await asScheduler(server, ["get", "secrets", "-n", "kube-system"])
        #expect(secrets.status != 0)
        #expect(secrets.stderr.contains("Forbidden") || secrets.stderr.contains("forbidden"), "\(secrets)")
        #expect(secrets.stderr.contains("system:kube-scheduler"), "\(secrets)")

        // A real binding through the scheduler's credentials.
        let node = try await server.kubectl(["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n")
        #expect(node.status == 0, "\(node)")
        let pod = try await server.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: v1
            kind: Pod
            metadata: {name: manual}
            spec: {schedulerName: nobody, containers: [{name: app, image: nginx:1.27}]}
            """)
        #expect(pod.status == 0, "\(pod)")
        let bound = try await asScheduler(server, ["create", "--raw", "/api/v1/namespaces/default/pods/manual/binding", "-f", "-"],
                                          stdin: #"{"apiVersion":"v1","kind":"Binding","metadata":{"name":"manual"},"target":{"kind":"Node","name":"n1"}}"#)
        #expect(bound.status == 0, "\(bound)")
        let placed = try await server.kubectl(["get", "pod", "manual", "-o", "jsonpath={.spec.nodeName}"])
        #expect(placed.stdout == "n1")
    }
}
