import KgitAPIMachinery
import KgitClient
import KgitControlPlane
import Testing

@Suite("InProcessTransport: the client talks to the API server's handler without sockets", .timeLimit(.minutes(4)))
struct InProcessTransportTests {
    @Test("create, get, list, patch and delete go through the real handler as the control plane")
    func crud() async throws {
        let cluster = try await InProcessCluster(controllers: false)
        let client = cluster.client
        let created = try await client.create(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "one"], "data": ["k": "v"]])
        #expect(created["metadata"]?["uid"]?.stringValue?.isEmpty == false)
        let reference = ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "one")
        _ = try await client.patch(reference, .merge(["data": ["k": "changed"]]))
        #expect(try await client.get(reference)["data"]?["k"] == "changed")
        #expect(try await client.list(apiVersion: "v1", kind: "ConfigMap").items.count >= 1)
        try await client.delete(reference)
        #expect(try await client.getIfPresent(reference) == nil)
        await #expect(throws: ClientError.self) { try await client.get(reference) }
    }

    @Test("a delete with a stale UID precondition is refused with a conflict")
    func uidPrecondition() async throws {
        let cluster = try await InProcessCluster(controllers: false)
        _ = try await cluster.client.create(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "one"]])
        let reference = ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "one")
        await #expect(throws: ClientError.self) { try await cluster.client.delete(reference, preconditionUID: "not-the-uid") }
        #expect(try await cluster.client.getIfPresent(reference) != nil)
    }

    @Test("a watch streams events as they happen, and an informer keeps its cache from it")
    func informerOverInProcess() async throws {
        let cluster = try await InProcessCluster(controllers: false)
        let informer = Informer(client: cluster.client, apiVersion: "v1", kind: "ConfigMap", namespace: "default")
        let task = Task { await informer.run() }
        defer { task.cancel() }
        await informer.waitForSync()
        _ = try await cluster.client.create(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "watched"]])
        _ = try await cluster.eventually("the informer sees the ConfigMap") {
            informer.lister.get(namespace: "default", name: "watched")
        }
        try await cluster.client.delete(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "watched"))
        _ = try await cluster.eventually("the informer forgets it") {
            informer.lister.get(namespace: "default", name: "watched") == nil ? true : nil
        }
        #expect(informer.listCount == 1)
    }
}
