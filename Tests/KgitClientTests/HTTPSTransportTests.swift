import Foundation
import KgitAPIMachinery
import KgitClient
import KgitTesting
import Testing

/// The client against a real `kgit server` process over HTTPS, with the kubeconfig the server writes.
@Suite("DynamicClient against kgit server", .serialized, .timeLimit(.minutes(3)))
struct HTTPSTransportTests {
    static func configMap(_ name: String, labels: JSONValue = [:], data: JSONValue = ["k": "v"]) -> JSONValue {
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "labels": labels], "data": data]
    }

    @Test("create, get, list with a selector and pages, patch, server-side apply, delete, on one reused connection")
    func crud() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let connection = try Kubeconfig.load(explicitPath: server.kubeconfig).connection()
        let transport = try HTTPSTransport(connection: connection)
        let client = DynamicClient(transport: transport, defaultNamespace: connection.namespace)

        for index in 0..<3 {
            _ = try await client.create(Self.configMap("c\(index)", labels: ["app": index < 2 ? "web" : "db"]))
        }
        let fetched = try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", name: "c1"))
        #expect(fetched["metadata"]?["namespace"] == "default")

        let web = try await client.listAll(
            apiVersion: "v1", kind: "ConfigMap", namespace: "default",
            options: ListOptions(labelSelector: "app=web", limit: 1))
        #expect(web.items.compactMap { $0["metadata"]?["name"]?.stringValue }.sorted() == ["c0", "c1"])

        let reference = ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "c0")
        let merged = try await client.patch(reference, .merge(["data": ["extra": "1"]]))
        #expect(merged["data"]?["extra"] == "1")
        let jsonPatched = try await client.patch(
            reference, .json([["op": "replace", "path": "/data/k", "value": "w"]]))
        #expect(jsonPatched["data"]?["k"] == "w")

        // Server-side apply creates, then a second manager conflicts unless it forces.
        let applied = try await client.apply(Self.configMap("applied", data: ["owner": "kgit"]), fieldManager: "kgit")
        #expect(applied["data"]?["owner"] == "kgit")
        do {
            _ = try await client.apply(Self.configMap("applied", data: ["owner": "other"]), fieldManager: "other")
            Issue.record("a conflicting apply succeeded")
        } catch let error as ClientError {
            #expect(error.isConflict)
        }
        let forced = try await client.apply(
            Self.configMap("applied", data: ["owner": "other"]), fieldManager: "other", force: true)
        #expect(forced["data"]?["owner"] == "other")
        let dry = try await client.apply(
            Self.configMap("dry-run-only"), fieldManager: "kgit", dryRun: true)
        #expect(dry["metadata"]?["name"] == "dry-run-only")
        #expect(try await client.getIfPresent(ObjectReference(apiVersion: "v1", kind: "ConfigMap", name: "dry-run-only")) == nil)

        try await client.delete(reference, propagationPolicy: .background)
        do {
            _ = try await client.get(reference)
            Issue.record("the deleted object is still there")
        } catch let error as ClientError {
            #expect(error.isNotFound)
            #expect(error.status?.message.contains("c0") == true)
        }
        // A delete whose precondition names another incarnation is refused.
        let applied2 = try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", name: "applied"))
        do {
            try await client.delete(
                ObjectReference(apiVersion: "v1", kind: "ConfigMap", name: "applied"), preconditionUID: "not-its-uid")
            Issue.record("a delete with a wrong uid precondition succeeded")
        } catch let error as ClientError {
            #expect(error.isConflict)
        }
        let uid = applied2["metadata"]?["uid"]?.stringValue
        try await client.delete(
            ObjectReference(apiVersion: "v1", kind: "ConfigMap", name: "applied"), preconditionUID: uid)
        let generated = try await client.create([
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["generateName": "gen-"],
        ])
        #expect(generated["metadata"]?["name"]?.stringValue?.hasPrefix("gen-") == true)
        #expect(transport.connectionsOpened == 1)
        await transport.shutdown()
    }

    @Test("watch reports ADDED, MODIFIED and DELETED from a list's resourceVersion")
    func watch() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let client = try DynamicClient(kubeconfig: server.kubeconfig, context: nil)
        let start = try await client.list(apiVersion: "v1", kind: "ConfigMap", namespace: "default")
        let events = try await client.watch(
            apiVersion: "v1", kind: "ConfigMap", namespace: "default",
            options: WatchOptions(resourceVersion: start.resourceVersion, allowBookmarks: false))
        _ = try await client.create(Self.configMap("watched"))
        let reference = ObjectReference(apiVersion: "v1", kind: "ConfigMap", name: "watched")
        _ = try await client.patch(reference, .merge(["data": ["k": "changed"]]))
        try await client.delete(reference)
        var seen: [String] = []
        for try await event in events {
            switch event {
            case .added(let object): seen.append("added \(object["metadata"]?["name"]?.stringValue ?? "")")
            case .modified(let object): seen.append("modified \(object["data"]?["k"]?.stringValue ?? "")")
            case .deleted: seen.append("deleted")
            case .bookmark: continue
            case .error(let status): seen.append("error \(status.code)")
            }
            if seen.count == 3 { break }
        }
        #expect(seen == ["added watched", "modified changed", "deleted"])
    }

    @Test("update replaces an object and a stale resourceVersion is a Conflict; certificate files work as -data does")
    func updateWithFileCredentials() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let scratch = try Scratch()
        let pki = server.dataDirectory + "/pki"
        let kubeconfig = """
            apiVersion: v1
            kind: Config
            clusters: [{name: local, cluster: {server: "\(server.url)", certificate-authority: "\(pki)/ca.crt"}}]
            users: [{name: admin, user: {client-certificate: "\(pki)/admin.crt", client-key: "\(pki)/admin.key"}}]
            contexts: [{name: files, context: {cluster: local, user: admin, namespace: team}}]
            """
        try kubeconfig.write(toFile: scratch.url("config"), atomically: true, encoding: .utf8)
        let client = try DynamicClient(kubeconfig: scratch.url("config"), context: "files")
        _ = try await client.create(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team"]])
        let created = try await client.create(Self.configMap("settings"))
        #expect(created["metadata"]?["namespace"] == "team")
        var changed = created
        changed["data"] = ["k": "new"]
        let updated = try await client.update(changed)
        #expect(updated["data"]?["k"] == "new")
        changed["data"] = ["k": "newer"]
        do {
            _ = try await client.update(changed)  // still carries the old resourceVersion
            Issue.record("an update with a stale resourceVersion succeeded")
        } catch let error as ClientError {
            #expect(error.isConflict)
        }
    }

    @Test("an unreachable server is a transport error naming the address")
    func unreachable() async throws {
        let port = try GitDaemon.freePort()
        let transport = try HTTPSTransport(
            connection: Connection(endpoint: Endpoint(tls: true, host: "127.0.0.1", port: Int(port))))
        do {
            _ = try await DynamicClient(transport: transport).get(
                ObjectReference(apiVersion: "v1", kind: "ConfigMap", name: "x"))
            Issue.record("a request to a closed port succeeded")
        } catch let error as ClientError {
            guard case .transport(let message) = error else {
                Issue.record("expected a transport error, got \(error)")
                return
            }
            #expect(message.contains("127.0.0.1:\(port)"))
        }
    }

    @Test("a server certificate signed by another CA is refused")
    func untrustedServer() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        var connection = try Kubeconfig.load(explicitPath: server.kubeconfig).connection()
        connection.caPEM = nil  // trust the system roots only
        let client = DynamicClient(transport: try HTTPSTransport(connection: connection))
        await #expect(throws: ClientError.self) {
            _ = try await client.list(apiVersion: "v1", kind: "Namespace")
        }
    }
}
