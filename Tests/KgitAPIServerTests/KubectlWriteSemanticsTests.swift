import Foundation
import KgitTesting
import Testing

/// Optimistic concurrency, no-op writes and DeleteOptions driven with the real kubectl against a real
/// `kgit server` (and `kgit up`, whose garbage collector carries out foreground and orphan deletion).
@Suite("kubectl: conflicts, no-op writes, cascading and graceful deletion", .timeLimit(.minutes(4)),
       .enabled(if: Tools.endToEnd))
struct KubectlWriteSemanticsTests {
    /// Polls kubectl until `accept` holds for its standard output (the time limit bounds the wait).
    static func eventually(_ cluster: KgitServerProcess, _ arguments: [String], _ accept: (String) -> Bool)
        async throws -> String
    {
        while true {
            let result = try await cluster.kubectl(arguments)
            if result.status == 0 && accept(result.stdout) { return result.stdout }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    static func lines(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { !$0.isEmpty }.sorted()
    }

    @Test("replace with a stale resourceVersion is a Conflict; a patch or apply that changes nothing keeps the version")
    func conflictsAndNoOps() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let created = try await server.kubectl(["create", "configmap", "cfg", "--from-literal=a=1", "-o", "json"])
        #expect(created.status == 0, "\(created)")
        let staleFile = server.dataDirectory + "/stale.json"
        try created.stdout.write(toFile: staleFile, atomically: true, encoding: .utf8)
        let changed = try await server.kubectl(["patch", "configmap", "cfg", "--type", "merge", "-p", #"{"data":{"a":"2"}}"#])
        #expect(changed.stdout == "configmap/cfg patched\n", "\(changed)")
        // The stale copy differs from the stored object only by its resourceVersion and data.
        let reverted = try await server.kubectl(["patch", "configmap", "cfg", "--type", "merge", "-p", #"{"data":{"a":"1"}}"#])
        #expect(reverted.status == 0, "\(reverted)")
        let stale = try await server.kubectl(["replace", "-f", staleFile])
        #expect(stale.status != 0, "\(stale)")
        #expect(stale.stderr.contains("Error from server (Conflict)"), "\(stale)")
        #expect(stale.stderr.contains("the object has been modified"), "\(stale)")

        let version = ["get", "configmap", "cfg", "-o", "jsonpath={.metadata.resourceVersion}"]
        let before = try await server.kubectl(version).stdout
        let same = try await server.kubectl(["patch", "configmap", "cfg", "--type", "merge", "-p", #"{"data":{"a":"1"}}"#])
        #expect(same.stdout == "configmap/cfg patched (no change)\n", "\(same)")
        let label = try await server.kubectl(["label", "configmap", "cfg", "tier=web"])
        #expect(label.status == 0, "\(label)")
        let labelled = try await server.kubectl(version).stdout
        #expect(labelled != before)
        let relabel = try await server.kubectl(["label", "--overwrite", "configmap", "cfg", "tier=web"])
        #expect(relabel.status == 0, "\(relabel)")
        #expect(try await server.kubectl(version).stdout == labelled, "relabelling to the same value wrote")

        let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {x: \"1\"}\n"
        let first = try await server.kubectl(["apply", "--server-side", "-f", "-"], stdin: manifest)
        #expect(first.stdout == "configmap/applied serverside-applied\n", "\(first)")
        let appliedVersion = ["get", "configmap", "applied", "-o", "jsonpath={.metadata.resourceVersion}"]
        let afterFirst = try await server.kubectl(appliedVersion).stdout
        let second = try await server.kubectl(["apply", "--server-side", "-f", "-"], stdin: manifest)
        #expect(second.status == 0, "\(second)")
        #expect(try await server.kubectl(appliedVersion).stdout == afterFirst, "a repeated apply wrote")
    }

    @Test("a bound pod stays Terminating for its grace period; --grace-period=0 --force removes it; an unbound pod goes at once")
    func gracefulPodDeletion() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let pods = """
            apiVersion: v1
            kind: Pod
            metadata: {name: bound}
            spec: {nodeName: n1, containers: [{name: app, image: nginx}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: pending}
            spec: {containers: [{name: app, image: nginx}]}
            """
        let created = try await server.kubectl(["apply", "-f", "-"], stdin: pods)
        #expect(created.status == 0, "\(created)")
        let pending = try await server.kubectl(["delete", "pod", "pending"])
        #expect(pending.stdout == "pod \"pending\" deleted\n", "\(pending)")
        let graceful = try await server.kubectl(["delete", "pod", "bound", "--wait=false"])
        #expect(graceful.status == 0, "\(graceful)")
        let meta = try await server.kubectl([
            "get", "pod", "bound", "-o", "jsonpath={.metadata.deletionGracePeriodSeconds} {.metadata.deletionTimestamp}",
        ])
        #expect(meta.stdout.hasPrefix("30 "), "\(meta)")
        let table = try await server.kubectl(["get", "pod", "bound", "--no-headers"])
        #expect(table.stdout.contains("Terminating"), "\(table)")
        let forced = try await server.kubectl(["delete", "pod", "bound", "--grace-period=0", "--force"])
        #expect(forced.status == 0, "\(forced)")
        #expect(forced.stderr.contains("Immediate deletion does not wait"), "\(forced)")
        let gone = try await server.kubectl(["get", "pods", "-o", "name"])
        #expect(gone.stdout.isEmpty, "\(gone)")
    }

    @Test("against kgit up, --cascade=foreground waits for the pods and ReplicaSet; --cascade=orphan keeps them unowned")
    func cascades() async throws {
        let cluster = try await KgitServerProcess.start(command: "up", extraArguments: ["--nodes", "1"])
        defer { cluster.stop() }
        let podsQuery = ["get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"]
        #expect(try await cluster.kubectl(["create", "deployment", "fg", "--image=nginx", "--replicas=2"]).status == 0)
        _ = try await Self.eventually(cluster, podsQuery) { Self.lines($0).count == 2 }
        let foreground = try await cluster.kubectl(["delete", "deployment", "fg", "--cascade=foreground"])
        #expect(foreground.stdout == "deployment.apps \"fg\" deleted\n", "\(foreground)")
        // kubectl waited until the Deployment was gone, which the foreground finalizer held until its dependents went.
        #expect(try await cluster.kubectl(podsQuery).stdout.isEmpty)
        #expect(try await cluster.kubectl(["get", "replicasets", "-o", "name"]).stdout.isEmpty)

        #expect(try await cluster.kubectl(["create", "deployment", "kept", "--image=nginx", "--replicas=1"]).status == 0)
        _ = try await Self.eventually(cluster, podsQuery) { Self.lines($0).count == 1 }
        let orphan = try await cluster.kubectl(["delete", "deployment", "kept", "--cascade=orphan"])
        #expect(orphan.status == 0, "\(orphan)")
        let owners = try await Self.eventually(cluster, [
            "get", "replicasets", "-o", "jsonpath={range .items[*]}{.metadata.name}:{.metadata.ownerReferences}{\"\\n\"}{end}",
        ]) { out in Self.lines(out).count == 1 && out.hasSuffix(":\n") }
        #expect(owners.hasPrefix("kept-"), "\(owners)")
        #expect(try await cluster.kubectl(["get", "deployments", "-o", "name"]).stdout.isEmpty)
        #expect(Self.lines(try await cluster.kubectl(podsQuery).stdout).count == 1, "the orphaned pods stay")
    }
}
