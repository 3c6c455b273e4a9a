import KgitAPIMachinery
import KgitAPIServer
import KgitClient

/// A ``KgitClient/Transport`` that hands requests straight to an API server's handler in the same process: no
/// sockets, no TLS, no serialization of the connection, so controllers, the scheduler and node agents can run
/// inside `kgit up` (and tests can run them against a real API server) exactly as they would over HTTPS.
///
/// Every request is made as `user`, by default ``controlPlaneUser``: a privileged internal identity in
/// `system:masters`, as upstream's components are when they talk to their own API server over loopback.
public struct InProcessTransport: Transport {
    /// The identity of the control plane's own components.
    public static let controlPlaneUser = UserInfo(name: "system:kgit-control-plane", groups: ["system:masters"])

    /// The handler requests go to.
    public let handler: APIHandler
    /// Who the requests are made as.
    public let user: UserInfo

    /// A transport to `handler`, authenticated as `user`.
    public init(handler: APIHandler, user: UserInfo = InProcessTransport.controlPlaneUser) {
        self.handler = handler
        self.user = user
    }

    private func request(_ request: TransportRequest) -> APIRequest {
        APIRequest(
            method: request.method, target: request.path, headers: request.headers.map { ($0.name, $0.value) },
            body: request.body, transportUser: user, remoteAddress: "in-process")
    }

    /// Answers `request` through the handler; a streamed answer is collected whole.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let response = await handler.handle(self.request(request))
        let headers = response.headers.map { TransportRequest.Header($0.name, $0.value) }
        switch response.body {
        case .bytes(let bytes):
            return TransportResponse(status: response.status, headers: headers, body: bytes)
        case .parts:
            return TransportResponse(status: response.status, headers: headers, body: response.body.completeBytes ?? [])
        case .stream(let chunks):
            var bytes: [UInt8] = []
            for await chunk in chunks { bytes += chunk }
            return TransportResponse(status: response.status, headers: headers, body: bytes)
        }
    }

    /// Answers `request` with the handler's stream (a watch); ending the iteration ends the server's watch.
    public func stream(_ request: TransportRequest) async throws -> TransportStream {
        let response = await handler.handle(self.request(request))
        let headers = response.headers.map { TransportRequest.Header($0.name, $0.value) }
        switch response.body {
        case .bytes, .parts:
            let bytes = response.body.completeBytes ?? []
            let body = AsyncThrowingStream<[UInt8], any Error> { continuation in
                continuation.yield(bytes)
                continuation.finish()
            }
            return TransportStream(status: response.status, headers: headers, body: body)
        case .stream(let chunks):
            let body = AsyncThrowingStream<[UInt8], any Error> { continuation in
                let pump = Task {
                    for await chunk in chunks {
                        if Task.isCancelled { break }
                        continuation.yield(chunk)
                    }
                    continuation.finish()
                }
                continuation.onTermination = { _ in pump.cancel() }
            }
            return TransportStream(status: response.status, headers: headers, body: body)
        }
    }

    /// Nothing to close.
    public func shutdown() async {}
}
