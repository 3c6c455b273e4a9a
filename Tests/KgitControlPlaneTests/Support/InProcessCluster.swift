import Foundation
import KgitAPIMachinery
import KgitAPIServer
import KgitClient
import KgitControlPlane
import KgitTesting

/// A real API server (KgitAPIServer over an in-memory store) reached in-process, with the controller manager
/// running against it: reconcilers are tested against the server, not against mocks of it. The test plays the
/// kubelet where it needs pods ready.
final class InProcessCluster: @unchecked Sendable {
    let server: APIServer
    let client: DynamicClient
    let manager: ControllerManager?
    private let running: Task<Void, Never>?
    private let scratch: Scratch

    init(controllers: Bool = true, options: ControllerManager.Options = .init()) async throws {
        scratch = try Scratch("kgit-controlplane")
        server = try await APIServer.start(
            .init(dataDirectory: URL(fileURLWithPath: scratch.url("data")), port: 0, store: MemoryStore()))
        client = DynamicClient(transport: InProcessTransport(handler: server.handler))
        if controllers {
            let manager = await ControllerManager.make(
                client: client, informerOptions: Informer.Options(initialBackoff: .milliseconds(10)), options: options,
                log: { message in FileHandle.standardError.write(Data("controller: \(message)\n".utf8)) })
            self.manager = manager
            running = Task { await manager.run() }
            await manager.informers.waitForSync()
        } else {
            manager = nil
            running = nil
        }
    }

    func stop() {
        running?.cancel()
    }

    deinit { running?.cancel() }

    /// Polls `probe` until it returns a value (the test's time limit bounds the wait).
    func eventually<T>(_ what: String, _ probe: () async throws -> T?) async throws -> T {
        while true {
            if let value = try await probe() { return value }
            try Task.checkCancellation()
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func pods(_ namespace: String = "default", selector: String? = nil) async throws -> [JSONValue] {
        try await client.list(apiVersion: "v1", kind: "Pod", namespace: namespace, options: ListOptions(labelSelector: selector)).items
    }

    /// Marks a pod Running and Ready with an IP, as a kubelet would.
    func makeReady(_ pod: JSONValue, ip: String) async throws {
        let name = pod["metadata"]?["name"]?.stringValue ?? ""
        let namespace = pod["metadata"]?["namespace"]?.stringValue
        let now = JSONValue.string(RFC3339.format(Date()))
        _ = try await client.patch(
            ObjectReference(apiVersion: "v1", kind: "Pod", namespace: namespace, name: name),
            .merge(["status": [
                "phase": "Running", "podIP": .string(ip), "podIPs": [["ip": .string(ip)]], "startTime": now,
                "conditions": [["type": "Ready", "status": "True", "lastTransitionTime": now]],
            ]]), subresource: "status")
    }

    static func deployment(_ name: String, replicas: Int, namespace: String = "default") -> JSONValue {
        [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": [
                "replicas": .int(Int64(replicas)),
                "selector": ["matchLabels": ["app": .string(name)]],
                "template": [
                    "metadata": ["labels": ["app": .string(name)]],
                    "spec": ["containers": [["name": "web", "image": "nginx:1.27", "ports": [["containerPort": 80, "name": "http"]]]]],
                ],
            ],
        ]
    }
}
