import KgitAPIMachinery
import KgitClient
import Testing

@Suite("DynamicClient with a fake transport")
struct DynamicClientTests {
    static let configMap: JSONValue = [
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "settings", "namespace": "shop"],
        "data": ["mode": "fast"],
    ]

    @Test("discovery maps a kind to its resource and scope, once per group and version")
    func discoveryIsCached() async throws {
        let fake = FakeTransport(handler: FakeTransport.withDiscovery { request in FakeTransport.json(Self.configMap) })
        let client = DynamicClient(transport: fake, defaultNamespace: "team")
        let resource = try await client.resource(apiVersion: "v1", kind: "Namespace")
        #expect(resource.name == "namespaces")
        #expect(resource.namespaced == false)
        _ = try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", name: "settings"))
        _ = try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "a b"))
        _ = try await client.get(ObjectReference(apiVersion: "v1", kind: "Namespace", name: "shop"))
        #expect(fake.requests.map(\.path) == [
            "/api/v1",
            "/api/v1/namespaces/team/configmaps/settings",
            "/api/v1/namespaces/shop/configmaps/a%20b",
            "/api/v1/namespaces/shop",
        ])
    }

    @Test("a kind the server does not serve is a typed error naming it")
    func unknownKind() async throws {
        let fake = FakeTransport(handler: FakeTransport.withDiscovery { _ in FakeTransport.json([:]) })
        let client = DynamicClient(transport: fake)
        await #expect(throws: ClientError.self) {
            _ = try await client.resource(apiVersion: "v1", kind: "Gadget")
        }
        do {
            _ = try await client.get(ObjectReference(apiVersion: "example.com/v1", kind: "Backup", name: "x"))
            Issue.record("an unserved group was found")
        } catch let error as ClientError {
            guard case .unknownKind(let apiVersion, _) = error else {
                Issue.record("expected unknownKind, got \(error)")
                return
            }
            #expect(apiVersion == "example.com/v1")
        }
    }

    @Test("list sends the label selector, limit and continue token, and fills in apiVersion and kind of items")
    func listPages() async throws {
        let fake = FakeTransport(handler: FakeTransport.withDiscovery { request in
            if request.path.contains("continue=") {
                return FakeTransport.json([
                    "kind": "ConfigMapList", "metadata": ["resourceVersion": "12"],
                    "items": [["metadata": ["name": "b"]]],
                ])
            }
            return FakeTransport.json([
                "kind": "ConfigMapList", "metadata": ["resourceVersion": "11", "continue": "tok/1"],
                "items": [["metadata": ["name": "a"]]],
            ])
        })
        let client = DynamicClient(transport: fake)
        let all = try await client.listAll(
            apiVersion: "v1", kind: "ConfigMap", namespace: "shop",
            options: ListOptions(labelSelector: "app=web,tier!=db", limit: 1))
        #expect(all.items.map { $0["metadata"]?["name"]?.stringValue } == ["a", "b"])
        #expect(all.items.allSatisfy { $0["kind"] == "ConfigMap" && $0["apiVersion"] == "v1" })
        #expect(all.resourceVersion == "12")
        #expect(fake.requests.dropFirst().map(\.path) == [
            "/api/v1/namespaces/shop/configmaps?labelSelector=app%3Dweb%2Ctier%21%3Ddb&limit=1",
            "/api/v1/namespaces/shop/configmaps?labelSelector=app%3Dweb%2Ctier%21%3Ddb&limit=1&continue=tok%2F1",
        ])
    }

    @Test("server-side apply is a PATCH of the whole object with the field manager, force and dry run")
    func applyRequest() async throws {
        let fake = FakeTransport(handler: FakeTransport.withDiscovery { request in FakeTransport.json(Self.configMap) })
        let client = DynamicClient(transport: fake)
        _ = try await client.apply(Self.configMap, fieldManager: "kgit", force: true, dryRun: true)
        let request = try #require(fake.requests.last)
        #expect(request.method == "PATCH")
        #expect(request.path == "/api/v1/namespaces/shop/configmaps/settings?dryRun=All&fieldManager=kgit&force=true")
        #expect(request.header("content-type") == "application/apply-patch+yaml")
        #expect(try JSONParser.parse(request.body) == Self.configMap)
    }

    @Test("merge and JSON patches carry their content types; delete carries the propagation policy")
    func patchAndDelete() async throws {
        let fake = FakeTransport(handler: FakeTransport.withDiscovery { _ in FakeTransport.json(Self.configMap) })
        let client = DynamicClient(transport: fake)
        let reference = ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web")
        _ = try await client.patch(reference, .merge(["spec": ["replicas": 3]]))
        _ = try await client.patch(reference, .json([["op": "replace", "path": "/spec/replicas", "value": 2]]))
        try await client.delete(reference, propagationPolicy: .foreground)
        let requests = fake.requests.filter { $0.path != "/apis/apps/v1" }
        #expect(requests.map(\.method) == ["PATCH", "PATCH", "DELETE"])
        #expect(requests.map { $0.header("Content-Type") } == [
            "application/merge-patch+json", "application/json-patch+json", nil,
        ])
        #expect(requests[2].path == "/apis/apps/v1/namespaces/shop/deployments/web?propagationPolicy=Foreground")
    }

    @Test("a failure Status becomes a typed error with reason, code and message")
    func statusErrors() async throws {
        let fake = FakeTransport(handler: FakeTransport.withDiscovery { request in
            if request.method == "POST" {
                return FakeTransport.json(
                    [
                        "kind": "Status", "status": "Failure", "reason": "AlreadyExists", "code": 409,
                        "message": "configmaps \"settings\" already exists",
                    ], status: 409)
            }
            return TransportResponse(status: 503, body: Array("upstream unavailable".utf8))
        })
        let client = DynamicClient(transport: fake)
        do {
            _ = try await client.create(Self.configMap)
            Issue.record("create succeeded")
        } catch let error as ClientError {
            #expect(error.isAlreadyExists)
            #expect(error.status?.message == "configmaps \"settings\" already exists")
        }
        do {
            _ = try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", name: "x"))
            Issue.record("get succeeded")
        } catch let error as ClientError {
            #expect(error.status == APIError(reason: "ServiceUnavailable", code: 503, message: "upstream unavailable"))
        }
        let missing = FakeTransport(handler: FakeTransport.withDiscovery { _ in
            FakeTransport.json(["kind": "Status", "reason": "NotFound", "code": 404, "message": "gone"], status: 404)
        })
        let absent = try await DynamicClient(transport: missing).getIfPresent(
            ObjectReference(apiVersion: "v1", kind: "ConfigMap", name: "x"))
        #expect(absent == nil)
    }

    @Test("watch decodes events split across chunks and ends after an ERROR event such as 410 Expired")
    func watchEvents() async throws {
        let added = #"{"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"5"}}}"#
        let bookmark = #"{"type":"BOOKMARK","object":{"kind":"ConfigMap","metadata":{"resourceVersion":"7"}}}"#
        let expired = #"{"type":"ERROR","object":{"kind":"Status","reason":"Expired","code":410,"message":"too old resource version"}}"#
        let afterError = #"{"type":"DELETED","object":{"metadata":{"name":"a"}}}"#
        let text = added + "\n" + bookmark + "\n" + expired + "\n" + afterError + "\n"
        let bytes = Array(text.utf8)
        let chunks = stride(from: 0, to: bytes.count, by: 17).map { Array(bytes[$0..<min($0 + 17, bytes.count)]) }
        let fake = FakeTransport(streamChunks: chunks, handler: FakeTransport.withDiscovery { _ in
            TransportResponse(status: 200)
        })
        let client = DynamicClient(transport: fake)
        var events: [WatchEvent] = []
        for try await event in try await client.watch(
            apiVersion: "v1", kind: "ConfigMap", namespace: "shop", options: WatchOptions(resourceVersion: "4"))
        {
            events.append(event)
        }
        #expect(events.count == 3)
        #expect(events.first?.resourceVersion == "5")
        #expect(events.dropFirst().first == .bookmark(resourceVersion: "7"))
        guard case .error(let status)? = events.last else {
            Issue.record("the last event is not an error: \(events)")
            return
        }
        #expect(status.code == 410)
        #expect(status.reason == "Expired")
        #expect(fake.requests.last?.path == "/api/v1/namespaces/shop/configmaps?watch=true&resourceVersion=4&allowWatchBookmarks=true")
    }

    @Test("a refused watch throws the Status")
    func refusedWatch() async throws {
        let fake = FakeTransport(handler: FakeTransport.withDiscovery { _ in
            FakeTransport.json(["kind": "Status", "reason": "Expired", "code": 410, "message": "too old"], status: 410)
        })
        do {
            _ = try await DynamicClient(transport: fake).watch(apiVersion: "v1", kind: "ConfigMap")
            Issue.record("the watch started")
        } catch let error as ClientError {
            #expect(error.isExpired)
        }
    }

    @Test("create accepts generateName; status patches go to the subresource; delete can carry preconditions")
    func controllerShapes() async throws {
        let fake = FakeTransport(handler: FakeTransport.withDiscovery { _ in FakeTransport.json(Self.configMap) })
        let client = DynamicClient(transport: fake)
        _ = try await client.create([
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["generateName": "web-", "namespace": "shop"],
        ])
        let reference = ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web")
        _ = try await client.patch(reference, .merge(["status": ["replicas": 1]]), subresource: "status")
        try await client.delete(reference, propagationPolicy: .foreground, preconditionUID: "u-1")
        let requests = fake.requests.filter { $0.path != "/apis/apps/v1" }
        #expect(requests.map(\.path) == [
            "/apis/apps/v1/namespaces/shop/deployments",
            "/apis/apps/v1/namespaces/shop/deployments/web/status",
            "/apis/apps/v1/namespaces/shop/deployments/web?propagationPolicy=Foreground",
        ])
        let options = try JSONParser.parse(requests[2].body)
        #expect(options["preconditions"]?["uid"] == "u-1")
        await #expect(throws: ClientError.self) {
            _ = try await client.create(["apiVersion": "v1", "kind": "ConfigMap", "metadata": [:]])
        }
    }
}
