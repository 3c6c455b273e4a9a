import Foundation
import KgitTesting
import Testing

/// `kgit scheduler --kubeconfig FILE` against a separate `kgit server`, driven by real kubectl.
@Suite("kgit scheduler against a remote server", .timeLimit(.minutes(4)),
       .enabled(if: KgitServerProcess.hasKubectl || ProcessInfo.processInfo.environment["KGIT_REQUIRE_E2E"] == "1",
                "kubectl is not installed"))
struct SchedulerCommandTests {
    @Test("it takes the kube-scheduler Lease and binds a pending pod to the only node that fits")
    func bindsOverHTTPS() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let scheduler = try ChildProcess(
            KgitBinary.path, ["scheduler", "--kubeconfig", server.kubeconfig], standardOutput: .null, standardError: .null)
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
}
