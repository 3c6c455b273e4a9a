import KgitAPIMachinery
import KgitTesting
import Testing

@testable import KgitClient

@Suite("Informers and leader election against a real kgit server over HTTPS", .timeLimit(.minutes(4)))
struct InformerServerTests {
    @Test("an informer lists, then sees creates, updates and deletes through the server's watch")
    func informerOverHTTPS() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let client = try DynamicClient(kubeconfig: server.kubeconfig, context: nil)
        _ = try await client.create(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "before", "namespace": "default"]])
        let informer = Informer(client: client, apiVersion: "v1", kind: "ConfigMap", namespace: "default",
                                indexers: [Indexers.ownerUID: Indexers.byOwnerUID])
        let log = EventLog()
        informer.addHandler { log.append($0) }
        let task = Task { await informer.run() }
        defer { task.cancel() }
        await informer.waitForSync()
        #expect(informer.lister.get(namespace: "default", name: "before") != nil)
        _ = try await client.create([
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": "after", "namespace": "default", "ownerReferences": [["apiVersion": "v1", "kind": "ConfigMap", "name": "before", "uid": "owner-1"]]],
        ])
        let reference = ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "before")
        _ = try await client.patch(reference, .merge(["data": ["k": "v"]]))
        try await client.delete(reference)
        try await log.wait { $0.contains("added after") && $0.contains("updated before") && $0.contains("deleted before") }
        #expect(informer.cache.byIndex(Indexers.ownerUID, "owner-1").count == 1)
        #expect(informer.lister.get(namespace: "default", name: "before") == nil)
        #expect(informer.listCount == 1)
    }
}
