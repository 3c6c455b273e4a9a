import Foundation
@testable import KgitCLI
import KgitTesting
import Testing

/// The `Application` resource as a user drives it: kubectl against `kgit server`, a real git repository, the
/// server's controller doing the rest.
@Suite("Application continuous reconciliation end to end", .serialized, .timeLimit(.minutes(5)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled, "needs kubectl"))
struct ApplicationControllerTests {
    static func settings(_ mode: String) -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: shop
        data:
          mode: \(mode)
        """
    }

    static func application(source: String, selfHeal: Bool) -> String {
        """
        apiVersion: kgit.dev/v1alpha1
        kind: Application
        metadata:
          name: shop
          namespace: default
        spec:
          source: \(source)
          syncPolicy:
            interval: 1s
            prune: true
            selfHeal: \(selfHeal)
        """
    }

    /// Runs kubectl until `condition` holds for its standard output (tries 300 ms apart, for at most `limit`: a
    /// hang guard, long enough for a loaded machine, where a count of tries ran out sooner) and returns the last
    /// output.
    static func poll(
        _ server: KgitServerProcess, _ arguments: [String], within limit: Duration = .seconds(180),
        until condition: (String) -> Bool
    ) async throws -> String {
        var last = ""
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            let result = try await server.kubectl(arguments)
            last = result.stdout + result.stderr
            if result.status == 0, condition(result.stdout) { return result.stdout }
            try await Task.sleep(for: .milliseconds(300))
        }
        return last
    }

    static func repository() async throws -> SyncRepository {
        let repository = try await SyncRepository.make()
        try repository.write("namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n")
        try repository.write("settings.yaml", settings("fast"))
        try await repository.commit("the shop")
        return repository
    }

    @Test("objects appear, status shows Synced and Healthy, drift is healed, a new commit is picked up")
    func selfHealingApplication() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let repository = try await Self.repository()
        let crd = try await Self.poll(server, ["get", "crd", "applications.kgit.dev", "-o", "name"]) { !$0.isEmpty }
        #expect(crd.contains("applications.kgit.dev"), "\(crd)\n\(server.serverLog)")

        let applied = try await server.kubectl(
            ["apply", "-f", "-"], stdin: Self.application(source: repository.path, selfHeal: true))
        #expect(applied.status == 0, "\(applied)")
        let mode = try await Self.poll(
            server, ["get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.data.mode}"]) { $0 == "fast" }
        #expect(mode == "fast", "\(server.serverLog)")

        let head = try await repository.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let table = try await Self.poll(server, ["get", "applications"]) { $0.contains("Synced") && $0.contains("Healthy") }
        #expect(table.contains("SOURCE"), "\(table)")
        #expect(table.contains("SYNC STATUS"), "\(table)")
        #expect(table.contains("Synced"), "\(table)")
        #expect(table.contains("Healthy"), "\(table)")
        #expect(table.contains(head), "\(table)")

        let drifted = try await server.kubectl(
            ["patch", "configmap", "settings", "-n", "shop", "--type", "merge", "-p", #"{"data":{"mode":"drifted"}}"#])
        #expect(drifted.status == 0, "\(drifted)")
        let healed = try await Self.poll(
            server, ["get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.data.mode}"]) { $0 == "fast" }
        #expect(healed == "fast", "the drift was not reverted")

        try repository.write("settings.yaml", Self.settings("safe"))
        let second = try await repository.commit("slow down")
        let changed = try await Self.poll(
            server, ["get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.data.mode}"]) { $0 == "safe" }
        #expect(changed == "safe", "\(server.serverLog)")
        let revision = try await Self.poll(
            server, ["get", "application", "shop", "-o", "jsonpath={.status.syncedRevision}"]) { $0 == second }
        #expect(revision == second)

        // kgit status reads the Application's inventory like any sync's.
        let status = try await KgitBinary.run(["status", "--name", "app-default-shop", "--kubeconfig", server.kubeconfig])
        #expect(status.status == 0, "\(status)")
        #expect(status.stdout.contains("ConfigMap/shop/settings  Healthy"), "\(status)")
    }

    @Test("with selfHeal, kubectl scale of a managed Deployment is scaled back to what git says")
    func scaleIsReverted() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let repository = try await Self.repository()
        try repository.write("web.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - name: web
                      image: nginx:1.27
            """)
        try await repository.commit("the web tier")
        _ = try await Self.poll(server, ["get", "crd", "applications.kgit.dev", "-o", "name"]) { !$0.isEmpty }
        let applied = try await server.kubectl(
            ["apply", "-f", "-"], stdin: Self.application(source: repository.path, selfHeal: true))
        #expect(applied.status == 0, "\(applied)")
        let created = try await Self.poll(
            server, ["get", "deployment", "web", "-n", "shop", "-o", "jsonpath={.spec.replicas}"]) { $0 == "2" }
        #expect(created == "2", "\(server.serverLog)")
        let scaled = try await server.kubectl(["scale", "deployment", "web", "-n", "shop", "--replicas", "7"])
        #expect(scaled.status == 0, "\(scaled)")
        let healed = try await Self.poll(
            server, ["get", "deployment", "web", "-n", "shop", "-o", "jsonpath={.spec.replicas}"]) { $0 == "2" }
        #expect(healed == "2", "the scale was not reverted")
    }

    @Test("without selfHeal, drift is reported OutOfSync and left alone; a refresh annotation fetches at once")
    func reportOnlyApplication() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let repository = try await Self.repository()
        _ = try await Self.poll(server, ["get", "crd", "applications.kgit.dev", "-o", "name"]) { !$0.isEmpty }
        let applied = try await server.kubectl(
            ["apply", "-f", "-"], stdin: Self.application(source: repository.path, selfHeal: false))
        #expect(applied.status == 0, "\(applied)")
        let synced = try await Self.poll(
            server, ["get", "application", "shop", "-o", "jsonpath={.status.sync}"]) { $0 == "Synced" }
        #expect(synced == "Synced", "\(server.serverLog)")

        let drifted = try await server.kubectl(
            ["patch", "configmap", "settings", "-n", "shop", "--type", "merge", "-p", #"{"data":{"mode":"drifted"}}"#])
        #expect(drifted.status == 0, "\(drifted)")
        let reported = try await Self.poll(
            server, ["get", "application", "shop", "-o", "jsonpath={.status.outOfSync}"]) {
                $0.contains("ConfigMap/shop/settings")
            }
        #expect(reported.contains("ConfigMap/shop/settings"))
        let sync = try await server.kubectl(["get", "application", "shop", "-o", "jsonpath={.status.sync}"])
        #expect(sync.stdout == "OutOfSync")
        let live = try await server.kubectl(["get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.data.mode}"])
        #expect(live.stdout == "drifted", "the drift was reverted without selfHeal")

        // A slow interval, then a refresh: the new commit is applied because it is new, not because time passed.
        let slowed = try await server.kubectl(
            ["patch", "application", "shop", "--type", "merge", "-p", #"{"spec":{"syncPolicy":{"interval":"1h"}}}"#])
        #expect(slowed.status == 0, "\(slowed)")
        try await Task.sleep(for: .seconds(2))
        try repository.write("settings.yaml", Self.settings("safe"))
        let second = try await repository.commit("slow down")
        let annotated = try await server.kubectl(
            ["annotate", "--overwrite", "application", "shop", "kgit.dev/refresh=\(second)"])
        #expect(annotated.status == 0, "\(annotated)")
        let revision = try await Self.poll(
            server, ["get", "application", "shop", "-o", "jsonpath={.status.syncedRevision}"]) { $0 == second }
        #expect(revision == second, "\(server.serverLog)")
    }
}

@Suite("Application spec")
struct ApplicationSpecTests {
    @Test("intervals read as durations; a missing source is not an Application")
    func parsing() throws {
        #expect(Application.duration("30s") == .seconds(30))
        #expect(Application.duration("5m") == .seconds(300))
        #expect(Application.duration("1h") == .seconds(3600))
        #expect(Application.duration("500ms") == .seconds(1))
        #expect(Application.duration("soon") == nil)
        let application = try #require(Application([
            "metadata": ["name": "shop", "namespace": "ops"],
            "spec": ["source": "/repo", "syncPolicy": ["interval": "2m", "selfHeal": true]],
        ]))
        #expect(application.interval == .seconds(120))
        #expect(application.selfHeal)
        #expect(!application.prune)
        #expect(application.revision == "HEAD")
        #expect(application.inventoryName == "app-ops-shop")
        #expect(Application(["metadata": ["name": "shop"], "spec": [:]]) == nil)
    }
}
