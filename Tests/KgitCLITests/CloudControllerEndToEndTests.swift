import Foundation
import KgitTesting
import Testing

/// `kgit up --lb-pool`: the local cloud provider seen through real kubectl.
@Suite("kgit up gives LoadBalancer Services addresses from its pool", .timeLimit(.minutes(4)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled,
                "kubectl is not installed"))
struct CloudControllerEndToEndTests {
    func externalIP(_ cluster: KgitServerProcess, _ name: String) async throws -> String {
        try await eventually(cluster, ["get", "svc", name, "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}"]) { !$0.isEmpty }
    }

    @Test("kubectl get svc shows an EXTERNAL-IP from the pool; deleting or retyping a Service frees it; exhaustion is an event")
    func loadBalancerLifecycle() async throws {
        let cluster = try await KgitServerProcess.start(
            command: "up", extraArguments: ["--nodes", "1", "--lb-pool", "10.200.0.1-10.200.0.2"])
        defer { cluster.stop() }
        #expect(cluster.serverLog.contains("load balancer pool: 10.200.0.1-10.200.0.2"))
        for name in ["one", "two"] {
            let created = try await cluster.kubectl(["create", "service", "loadbalancer", name, "--tcp=80:8080"])
            #expect(created.status == 0, "\(created)")
            _ = try await externalIP(cluster, name)
        }
        #expect(try await externalIP(cluster, "one") == "10.200.0.1")
        #expect(try await externalIP(cluster, "two") == "10.200.0.2")
        let table = try await cluster.kubectl(["get", "svc", "one"])
        #expect(table.stdout.contains("EXTERNAL-IP"))
        #expect(table.stdout.contains("10.200.0.1"), "\(table.stdout)")

        // The pool is exhausted: the third waits, with a warning event.
        #expect(try await cluster.kubectl(["create", "service", "loadbalancer", "three", "--tcp=80:8080"]).status == 0)
        let warning = try await eventually(cluster, [
            "get", "events", "--field-selector", "involvedObject.name=three,reason=AllocationFailed",
            "-o", "jsonpath={.items[0].message}",
        ]) { !$0.isEmpty }
        #expect(warning.contains("no available addresses in pool 10.200.0.1-10.200.0.2"), "\(warning)")
        let pending = try await cluster.kubectl(["get", "svc", "three"])
        #expect(pending.stdout.contains("<pending>"), "\(pending.stdout)")

        // Deleting one frees its address for the waiting Service.
        #expect(try await cluster.kubectl(["delete", "svc", "one"]).status == 0)
        #expect(try await externalIP(cluster, "three") == "10.200.0.1")

        // Changing the type releases the address.
        let retyped = try await cluster.kubectl([
            "patch", "svc", "two", "--type=merge", "-p", #"{"spec":{"type":"ClusterIP"}}"#,
        ])
        #expect(retyped.status == 0, "\(retyped)")
        _ = try await eventually(cluster, ["get", "svc", "two", "-o", "jsonpath={.status.loadBalancer}"]) {
            !$0.contains("10.200.0.2")
        }
    }

    @Test("a node registered without addresses gets an InternalIP")
    func nodeAddresses() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "1"])
        defer { cluster.stop() }
        let created = try await cluster.kubectl(["apply", "-f", "-"], stdin: """
            apiVersion: v1
            kind: Node
            metadata: {name: bare}
            """)
        #expect(created.status == 0, "\(created)")
        let address = try await eventually(cluster, [
            "get", "node", "bare", "-o", "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}",
        ]) { !$0.isEmpty }
        #expect(address.hasPrefix("10.0."))
        let first = try await cluster.kubectl([
            "get", "node", "kgit-node-1", "-o", "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}",
        ])
        #expect(address != first.stdout)
    }
}
