import KgitAPIMachinery
import KgitClient
import Synchronization

/// A transport that answers from a closure and records every request, for tests of what the client sends and
/// how it reads answers.
final class FakeTransport: Transport {
    typealias Handler = @Sendable (TransportRequest) -> TransportResponse
    private let handler: Handler
    private let recorded = Mutex<[TransportRequest]>([])
    private let streamChunks: [[UInt8]]

    init(streamChunks: [[UInt8]] = [], handler: @escaping Handler) {
        self.handler = handler
        self.streamChunks = streamChunks
    }

    var requests: [TransportRequest] { recorded.withLock { $0 } }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        recorded.withLock { $0.append(request) }
        return handler(request)
    }

    func stream(_ request: TransportRequest) async throws -> TransportStream {
        recorded.withLock { $0.append(request) }
        let answer = handler(request)
        let chunks = answer.isSuccess ? streamChunks : [answer.body]
        let body = AsyncThrowingStream<[UInt8], any Error> { continuation in
            for chunk in chunks { continuation.yield(chunk) }
            continuation.finish()
        }
        return TransportStream(status: answer.status, headers: answer.headers, body: body)
    }

    func shutdown() async {}

    /// A JSON answer.
    static func json(_ value: JSONValue, status: Int = 200) -> TransportResponse {
        TransportResponse(status: status, headers: [.init("Content-Type", "application/json")], body: value.serializedBytes())
    }

    /// Discovery for v1 (configmaps, namespaces) and apps/v1 (deployments), then `rest` for other requests.
    static func withDiscovery(_ rest: @escaping Handler) -> Handler {
        { request in
            switch request.path {
            case "/api/v1":
                return json([
                    "kind": "APIResourceList", "groupVersion": "v1",
                    "resources": [
                        ["name": "configmaps", "kind": "ConfigMap", "namespaced": true, "verbs": ["get", "list"]],
                        ["name": "namespaces", "kind": "Namespace", "namespaced": false, "verbs": ["get"]],
                        ["name": "namespaces/status", "kind": "Namespace", "namespaced": false, "verbs": ["get"]],
                    ],
                ])
            case "/apis/apps/v1":
                return json([
                    "kind": "APIResourceList", "groupVersion": "apps/v1",
                    "resources": [["name": "deployments", "kind": "Deployment", "namespaced": true]],
                ])
            case let path where path.hasPrefix("/apis/") && path.split(separator: "/").count == 3:
                return json(
                    ["kind": "Status", "status": "Failure", "reason": "NotFound", "code": 404, "message": "not found"],
                    status: 404)
            default:
                return rest(request)
            }
        }
    }
}
