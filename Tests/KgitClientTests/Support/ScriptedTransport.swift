import KgitAPIMachinery
import KgitClient
import Synchronization

/// A fake API server for one kind (v1 ConfigMaps) whose lists and watches a test scripts: each list answers
/// the next scripted list, each watch opens a stream the test feeds line by line.
final class ScriptedTransport: Transport {
    struct Watch: Sendable {
        var path: String
        var continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    }
    private struct State {
        var lists: [(items: [JSONValue], resourceVersion: String)] = []
        var listRequests: [String] = []
        var watches: [Watch] = []
    }
    private let state = Mutex(State())

    /// Scripts the answer to the next list.
    func queueList(_ items: [JSONValue], resourceVersion: String) {
        state.withLock { $0.lists.append((items, resourceVersion)) }
    }

    var listRequests: [String] { state.withLock { $0.listRequests } }
    var watches: [Watch] { state.withLock { $0.watches } }

    /// Waits until `count` watches have been opened and returns the last.
    func watch(number count: Int) async throws -> Watch {
        while true {
            if let watch = state.withLock({ $0.watches.count >= count ? $0.watches[count - 1] : nil }) { return watch }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        if request.path == "/api/v1" {
            return FakeTransport.json([
                "kind": "APIResourceList", "groupVersion": "v1",
                "resources": [["name": "configmaps", "kind": "ConfigMap", "namespaced": true]],
            ])
        }
        let answer = state.withLock { state -> (items: [JSONValue], resourceVersion: String)? in
            state.listRequests.append(request.path)
            return state.lists.isEmpty ? nil : state.lists.removeFirst()
        }
        guard let answer else {
            return FakeTransport.json(["kind": "Status", "code": 500, "reason": "InternalError", "message": "no list scripted"], status: 500)
        }
        return FakeTransport.json([
            "kind": "ConfigMapList", "apiVersion": "v1", "metadata": ["resourceVersion": .string(answer.resourceVersion)],
            "items": .array(answer.items),
        ])
    }

    func stream(_ request: TransportRequest) async throws -> TransportStream {
        let (body, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        state.withLock { $0.watches.append(Watch(path: request.path, continuation: continuation)) }
        return TransportStream(status: 200, headers: [], body: body)
    }

    func shutdown() async {}

    static func configMap(_ name: String, namespace: String = "default", rv: String, data: String = "v",
                          labels: [String: String] = [:], owner: String? = nil) -> JSONValue {
        var meta: JSONValue = ["name": .string(name), "namespace": .string(namespace), "resourceVersion": .string(rv)]
        if !labels.isEmpty { meta["labels"] = .object(labels.mapValues(JSONValue.string)) }
        if let owner { meta["ownerReferences"] = [["apiVersion": "v1", "kind": "Owner", "name": "o", "uid": .string(owner)]] }
        return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": ["k": .string(data)]]
    }

    static func line(_ type: String, _ object: JSONValue) -> [UInt8] {
        JSONValue.object(["type": .string(type), "object": object]).serializedBytes() + [UInt8(ascii: "\n")]
    }
}

/// Collects what an informer's handler hears.
final class EventLog: Sendable {
    private let events = Mutex<[InformerEvent]>([])
    func append(_ event: InformerEvent) { events.withLock { $0.append(event) } }
    var all: [InformerEvent] { events.withLock { $0 } }

    /// The events as `added a`, `updated a`, `deleted a`.
    var summary: [String] {
        all.map { event in
            let name = event.object["metadata"]?["name"]?.stringValue ?? "?"
            switch event {
            case .added: return "added \(name)"
            case .updated(let old, let new): return old == new ? "resync \(name)" : "updated \(name)"
            case .deleted: return "deleted \(name)"
            }
        }
    }

    /// Waits until `predicate` holds of the summary.
    func wait(until predicate: @Sendable ([String]) -> Bool) async throws {
        while !predicate(summary) { try await Task.sleep(for: .milliseconds(2)) }
    }
}

/// A value behind a lock, as a class so tests can share it with escaping closures.
final class Box<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}
