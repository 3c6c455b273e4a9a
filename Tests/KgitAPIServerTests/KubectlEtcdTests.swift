import Foundation
import KgitTesting
import Testing

/// `kgit server --etcd-endpoints` end to end: a real etcd, the real server binary and real kubectl. Skipped
/// without kubectl or etcd unless `KGIT_REQUIRE_E2E=1`, when a missing etcd fails the test instead.
@Suite("kgit server on a real etcd", .timeLimit(.minutes(3)),
       .enabled(if: Tools.endToEnd && (Tools.required || EtcdMember.isInstalled)))
struct KubectlEtcdTests {
    /// Polls `probe` until it is true; false when `limit` passed first (a hang guard, not a timing assertion).
    static func eventually(within limit: Duration = .seconds(120), _ probe: () -> Bool) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        while clock.now < deadline {
            if probe() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return probe()
    }

    @Test("create, get, list by label, watch and delete through kgit server on etcd; a restart finds the objects")
    func endToEnd() async throws {
        let etcd = try await EtcdMember.start()
        defer { etcd.stop() }
        let scratch = try Scratch("kgit-etcd-server")
        let data = scratch.url("data")
        let arguments = ["--etcd-endpoints", etcd.clientURL]

        let server = try await KgitServerProcess.start(dataDirectory: data, extraArguments: arguments)
        for command in [["create", "namespace", "shop"],
                        ["create", "configmap", "prices", "-n", "shop", "--from-literal=apple=3"],
                        ["label", "configmap", "prices", "-n", "shop", "tier=web"],
                        ["create", "configmap", "stock", "-n", "shop", "--from-literal=apple=10"]] {
            let result = try await server.kubectl(command)
            #expect(result.status == 0, "\(command): \(result)\n\(server.serverLog)")
        }
        let apple = try await server.kubectl(["get", "configmap", "prices", "-n", "shop", "-o", "jsonpath={.data.apple}"])
        #expect(apple.stdout == "3", "\(apple)")
        let labelled = try await server.kubectl(["get", "configmaps", "-n", "shop", "-l", "tier=web", "-o", "name"])
        #expect(labelled.stdout == "configmap/prices\n", "\(labelled)")

        // get -w sees a change made while it watches.
        let watcher = try ChildProcess(
            "kubectl", ["--kubeconfig", server.kubeconfig, "get", "configmaps", "-n", "shop", "-w", "--output-watch-events"],
            environment: ProcessInfo.processInfo.environment.merging(["KUBECACHEDIR": server.kubectlCache, "HOME": server.kubectlCache]) { $1 },
            standardOutput: .pipe, standardError: .null)
        defer { watcher.killBlocking() }
        let output = PipeCollector(watcher.standardOutput ?? FileHandle.nullDevice)
        let listed = try await Self.eventually { output.text.contains("stock") && output.text.contains("prices") }
        #expect(listed, "the watch did not list the configmaps: \(output.text)")
        #expect(try await server.kubectl(["label", "configmap", "stock", "-n", "shop", "counted=yes"]).status == 0)
        let modified = try await Self.eventually {
            output.text.split(separator: "\n").contains { $0.hasPrefix("MODIFIED") && $0.contains("stock") }
        }
        #expect(modified, "the watch did not see the change: \(output.text)")

        let deleted = try await server.kubectl(["delete", "configmap", "stock", "-n", "shop"])
        #expect(deleted.status == 0, "\(deleted)")
        let gone = try await server.kubectl(["get", "configmap", "stock", "-n", "shop"])
        #expect(gone.status != 0 && gone.stderr.contains("NotFound"), "\(gone)")

        // A new server on the same etcd and data directory finds what the first one stored.
        await server.stopped()
        let again = try await KgitServerProcess.start(dataDirectory: data, extraArguments: arguments)
        defer { again.stop() }
        let namespace = try await again.kubectl(["get", "namespace", "shop", "-o", "jsonpath={.status.phase}"])
        #expect(namespace.stdout == "Active", "\(namespace)\n\(again.serverLog)")
        let found = try await again.kubectl(["get", "configmaps", "-n", "shop", "-o", "name"])
        #expect(found.stdout == "configmap/prices\n", "\(found)")
        let label = try await again.kubectl(["get", "configmap", "prices", "-n", "shop", "-o", "jsonpath={.metadata.labels.tier}"])
        #expect(label.stdout == "web", "\(label)")

        // The objects live in etcd, not in the data directory: a server with a fresh one sees them too.
        await again.stopped()
        let fresh = try await KgitServerProcess.start(extraArguments: arguments)
        defer { fresh.stop() }
        let seen = try await fresh.kubectl(["get", "configmaps", "-n", "shop", "-o", "name"])
        #expect(seen.stdout == "configmap/prices\n", "\(seen)\n\(fresh.serverLog)")
    }
}
