import KgitAPIMachinery
import KgitClient
import Testing

@testable import KgitSync

/// The engine against a real `kgit server` through KgitClient.
@Suite("KubernetesClusterClient against kgit server", .serialized, .timeLimit(.minutes(3)))
struct KubernetesClusterClientTests {
    static let manifests = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: shop
        data:
          mode: fast
        ---
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
                  resources:
                    limits: {memory: 1Gi}
        """

    @Test("a sync creates, a second sync of the same revision changes nothing, and the inventory is a ConfigMap")
    func syncTwice() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let client = try DynamicClient(kubeconfig: server.kubeconfig, context: nil)
        let engine = SyncEngine(client: KubernetesClusterClient(client: client), options: SyncOptions(name: "shop"))
        let state = try SyncFixtures.load([("shop.yaml", Self.manifests)]).get()

        let first = try await engine.sync(state, revision: "r1")
        #expect(first.report.entries.map(\.outcome) == [.created, .created, .created])
        let second = try await engine.sync(state, revision: "r1")
        #expect(second.report.entries.map(\.outcome) == [.unchanged, .unchanged, .unchanged])

        let deployment = try await client.get(
            ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web"))
        let managers = deployment["metadata"]?["managedFields"]?.arrayValue?.compactMap { $0["manager"]?.stringValue }
        #expect(managers?.contains("kgit") == true)
        let stored = try await client.get(
            ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "kgit-system", name: "kgit-inventory-shop"))
        let inventory = try Inventory(serialized: stored["data"]?["inventory.json"]?.stringValue ?? "")
        #expect(inventory.objects.map(\.path) == ["ConfigMap/shop/settings", "Namespace/shop", "Deployment/shop/web"])

        // Nothing differs right after a sync, although the server filled in defaults and status.
        let diffs = try await engine.diff(state, includePrunable: true)
        #expect(diffs.filter(\.isDifferent).map(\.identity.path) == [])
    }
}
