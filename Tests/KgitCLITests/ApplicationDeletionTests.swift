import Foundation
import KgitTesting
import Testing

/// Deleting an `Application` with kubectl: its finalizer prunes what it applied, or orphans it when asked.
@Suite("Application deletion end to end", .serialized, .timeLimit(.minutes(5)),
       .enabled(if: KgitServerProcess.kubectlTestsEnabled, "needs kubectl"))
struct ApplicationDeletionTests {
    static func application(source: String, deletionPolicy: String?) -> String {
        """
        apiVersion: kgit.dev/v1alpha1
        kind: Application
        metadata:
          name: shop
          namespace: default
        spec:
          source: \(source)
          \(deletionPolicy.map { "deletionPolicy: \($0)" } ?? "")
          syncPolicy:
            interval: 1s
        """
    }

    /// A server with an Application synced from a repository declaring ConfigMap default/settings.
    static func synced(deletionPolicy: String?) async throws -> (KgitServerProcess, SyncRepository) {
        let server = try await KgitServerProcess.start()
        let repository = try await SyncRepository.make()
        try repository.write("settings.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  mode: fast\n")
        try await repository.commit("settings")
        _ = try await ApplicationControllerTests.poll(server, ["get", "crd", "applications.kgit.dev", "-o", "name"]) { !$0.isEmpty }
        let applied = try await server.kubectl(
            ["apply", "-f", "-"], stdin: application(source: repository.path, deletionPolicy: deletionPolicy))
        #expect(applied.status == 0, "\(applied)")
        let mode = try await ApplicationControllerTests.poll(
            server, ["get", "configmap", "settings", "-o", "jsonpath={.data.mode}"]) { $0 == "fast" }
        #expect(mode == "fast", "\(server.serverLog)")
        let finalizers = try await ApplicationControllerTests.poll(
            server, ["get", "application", "shop", "-o", "jsonpath={.metadata.finalizers}"]) { $0.contains("kgit.dev/resources") }
        #expect(finalizers.contains("kgit.dev/resources"), "\(finalizers)")
        return (server, repository)
    }

    @Test("kubectl delete application prunes the objects it applied and its inventory before it goes")
    func deletionPrunes() async throws {
        let (server, repository) = try await Self.synced(deletionPolicy: nil)
        defer { server.stop() }
        withExtendedLifetime(repository) {}
        let deleted = try await server.kubectl(["delete", "application", "shop", "--timeout=120s"])
        #expect(deleted.status == 0, "\(deleted)")
        let gone = try await ApplicationControllerTests.poll(server, ["get", "application", "-o", "name"]) { $0.isEmpty }
        #expect(gone.isEmpty, "\(gone)")
        let configMap = try await server.kubectl(["get", "configmap", "settings"])
        #expect(configMap.status != 0, "the applied ConfigMap outlived its Application: \(configMap)")
        #expect(configMap.stderr.contains("NotFound"), "\(configMap)")
        let inventory = try await server.kubectl(["get", "configmap", "kgit-inventory-app-default-shop", "-n", "kgit-system"])
        #expect(inventory.status != 0, "\(inventory)")
    }

    @Test("with deletionPolicy Orphan, deleting the Application leaves its objects and removes only the inventory")
    func orphanPolicyKeepsObjects() async throws {
        let (server, repository) = try await Self.synced(deletionPolicy: "Orphan")
        defer { server.stop() }
        withExtendedLifetime(repository) {}
        let deleted = try await server.kubectl(["delete", "application", "shop", "--timeout=120s"])
        #expect(deleted.status == 0, "\(deleted)")
        let gone = try await ApplicationControllerTests.poll(server, ["get", "application", "-o", "name"]) { $0.isEmpty }
        #expect(gone.isEmpty, "\(gone)")
        let configMap = try await server.kubectl(["get", "configmap", "settings", "-o", "jsonpath={.data.mode}"])
        #expect(configMap.stdout == "fast", "\(configMap)")
        let inventory = try await server.kubectl(["get", "configmap", "kgit-inventory-app-default-shop", "-n", "kgit-system"])
        #expect(inventory.status != 0, "\(inventory)")
    }
}
