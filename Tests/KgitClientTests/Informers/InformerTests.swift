import KgitAPIMachinery
import Testing

@testable import KgitClient

/// The time limit is a hang guard (see WorkQueueTests: a fully loaded machine has delayed a 1 ms timer by a minute).
@Suite("Informer: list, then watch from the list's resourceVersion", .timeLimit(.minutes(3)))
struct InformerTests {
    typealias T = ScriptedTransport

    func start(_ transport: ScriptedTransport, options: Informer.Options = Informer.Options(initialBackoff: .milliseconds(1)))
        -> (Informer, EventLog, Task<Void, Never>)
    {
        let informer = Informer(
            client: DynamicClient(transport: transport), apiVersion: "v1", kind: "ConfigMap", options: options)
        let log = EventLog()
        informer.addHandler { log.append($0) }
        let task = Task { await informer.run() }
        return (informer, log, task)
    }

    @Test("the first list fills the cache, tells handlers `added`, and the watch starts at its resourceVersion")
    func firstList() async throws {
        let transport = ScriptedTransport()
        transport.queueList([T.configMap("a", rv: "5"), T.configMap("b", rv: "7")], resourceVersion: "9")
        let (informer, log, task) = start(transport)
        defer { task.cancel() }
        await informer.waitForSync()
        #expect(informer.cache.keys() == ["default/a", "default/b"])
        #expect(log.summary == ["added a", "added b"])
        let watch = try await transport.watch(number: 1)
        #expect(watch.path.contains("watch=true"))
        #expect(watch.path.contains("resourceVersion=9"))
    }

    @Test("watch events change the cache, and a watch the server ends is resumed from the last resourceVersion")
    func watchEvents() async throws {
        let transport = ScriptedTransport()
        transport.queueList([T.configMap("a", rv: "5")], resourceVersion: "5")
        let (informer, log, task) = start(transport)
        defer { task.cancel() }
        let watch = try await transport.watch(number: 1)
        watch.continuation.yield(T.line("ADDED", T.configMap("b", rv: "6")))
        watch.continuation.yield(T.line("MODIFIED", T.configMap("a", rv: "7", data: "changed")))
        watch.continuation.yield(T.line("DELETED", T.configMap("b", rv: "8")))
        watch.continuation.yield(T.line("BOOKMARK", ["kind": "ConfigMap", "metadata": ["resourceVersion": "12"]]))
        watch.continuation.finish()
        let second = try await transport.watch(number: 2)
        #expect(second.path.contains("resourceVersion=12"))
        #expect(log.summary == ["added a", "added b", "updated a", "deleted b"])
        #expect(informer.cache.keys() == ["default/a"])
        #expect(informer.lister.get(namespace: "default", name: "a")?["data"]?["k"] == "changed")
        #expect(informer.listCount == 1)
    }

    @Test("410 Gone lists again at once, and objects that vanished meanwhile are reported deleted")
    func goneRelists() async throws {
        let transport = ScriptedTransport()
        transport.queueList([T.configMap("a", rv: "5"), T.configMap("b", rv: "6")], resourceVersion: "6")
        transport.queueList([T.configMap("a", rv: "5"), T.configMap("c", rv: "40")], resourceVersion: "40")
        let (informer, log, task) = start(transport)
        defer { task.cancel() }
        let watch = try await transport.watch(number: 1)
        watch.continuation.yield(
            T.line("ERROR", ["kind": "Status", "code": 410, "reason": "Expired", "message": "too old resource version"]))
        let second = try await transport.watch(number: 2)
        #expect(second.path.contains("resourceVersion=40"))
        #expect(informer.listCount == 2)
        #expect(log.summary == ["added a", "added b", "deleted b", "added c"])
        #expect(informer.cache.keys() == ["default/a", "default/c"])
    }

    @Test("a broken watch stream lists again after a backoff")
    func brokenStream() async throws {
        let transport = ScriptedTransport()
        transport.queueList([T.configMap("a", rv: "5")], resourceVersion: "5")
        transport.queueList([T.configMap("a", rv: "9", data: "new")], resourceVersion: "9")
        let (informer, log, task) = start(transport)
        defer { task.cancel() }
        let watch = try await transport.watch(number: 1)
        watch.continuation.finish(throwing: ClientError.transport("connection reset"))
        _ = try await transport.watch(number: 2)
        #expect(informer.listCount == 2)
        #expect(log.summary == ["added a", "updated a"])
    }

    @Test("a failed list is retried until it succeeds")
    func failedListRetries() async throws {
        let transport = ScriptedTransport()
        let (informer, _, task) = start(transport)
        defer { task.cancel() }
        while transport.listRequests.count < 2 { try await Task.sleep(for: .milliseconds(2)) }
        #expect(!informer.hasSynced)
        #expect(informer.lastError?.contains("no list scripted") == true)
        transport.queueList([T.configMap("a", rv: "5")], resourceVersion: "5")
        await informer.waitForSync()
        #expect(informer.cache.keys() == ["default/a"])
    }

    @Test("a resync hands every cached object to the handlers again as an update with old == new")
    func resync() async throws {
        let transport = ScriptedTransport()
        transport.queueList([T.configMap("a", rv: "5")], resourceVersion: "5")
        let (_, log, task) = start(
            transport, options: Informer.Options(resyncPeriod: .milliseconds(20), initialBackoff: .milliseconds(1)))
        defer { task.cancel() }
        try await log.wait { $0.filter { $0 == "resync a" }.count >= 2 }
        #expect(log.summary.first == "added a")
    }

    @Test("a handler added after the sync hears every cached object as added")
    func lateHandler() async throws {
        let transport = ScriptedTransport()
        transport.queueList([T.configMap("a", rv: "5"), T.configMap("b", rv: "6")], resourceVersion: "6")
        let (informer, _, task) = start(transport)
        defer { task.cancel() }
        await informer.waitForSync()
        let late = EventLog()
        informer.addHandler { late.append($0) }
        #expect(late.summary == ["added a", "added b"])
    }

    @Test("informers from one factory are shared per kind and namespace")
    func factoryShares() async throws {
        let factory = InformerFactory(client: DynamicClient(transport: ScriptedTransport()))
        let first = factory.informer(apiVersion: "v1", kind: "ConfigMap")
        let second = factory.informer(apiVersion: "v1", kind: "ConfigMap", indexers: [Indexers.ownerUID: Indexers.byOwnerUID])
        let other = factory.informer(apiVersion: "v1", kind: "ConfigMap", namespace: "shop")
        #expect(first === second)
        #expect(first !== other)
        #expect(first.cache.indexNames == [Indexers.namespace, Indexers.ownerUID])
    }
}
