import KgitAPIMachinery
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import X509

/// The HTTPS transport: accepts TLS connections, establishes the client-certificate identity,
/// assembles HTTP/1.1 requests (with a body size limit) and writes ``APIResponse``s, streaming
/// chunked bodies for watches.
///
/// ```
/// TCP -> NIOSSLServerHandler -> deadlines (bytes) -> HTTP/1.1 codec + pipelining -> deadlines (parts)
///     -> NIOAsyncChannel
///     -> per connection: read request -> handler(request) -> write response (bytes | chunks)
/// ```
/// A connection's in-flight streaming response is cancelled when the client closes the connection.
/// ``ConnectionTimeouts`` bound the TLS handshake, reading a request and idle keep-alive, so stalled
/// clients are closed rather than held open.
final class HTTPServer: Sendable {
    typealias Handler = @Sendable (APIRequest) async -> APIResponse

    let host: String
    let port: Int
    let tls: NIOSSLContext
    let maxBodyBytes: Int
    let timeouts: ConnectionTimeouts
    let handler: Handler
    let group: MultiThreadedEventLoopGroup

    init(host: String, port: Int, tls: NIOSSLContext, maxBodyBytes: Int, timeouts: ConnectionTimeouts = ConnectionTimeouts(),
         group: MultiThreadedEventLoopGroup, handler: @escaping Handler) {
        self.host = host
        self.port = port
        self.tls = tls
        self.maxBodyBytes = maxBodyBytes
        self.timeouts = timeouts
        self.group = group
        self.handler = handler
    }

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// About how many bytes of a ``APIResponse/Body/parts(_:)`` body go into one write.
    static let partsChunk = 256 << 10

    /// Binds the listening socket. Returns the bound server channel and the port actually bound.
    func bind() async throws -> (NIOAsyncChannel<Connection, Never>, Int) {
        let tls = self.tls
        let timeouts = self.timeouts
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let deadlines = ConnectionDeadlines(timeouts: timeouts)
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    try channel.pipeline.syncOperations.addHandler(ConnectionDeadlines.ByteWatcher(deadlines))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ConnectionDeadlines.PartWatcher(deadlines))
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        let boundPort = server.channel.localAddress?.port ?? port
        return (server, boundPort)
    }

    /// Serves connections until the task is cancelled.
    func serve(_ server: NIOAsyncChannel<Connection, Never>) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { inbound in
                for try await connection in inbound {
                    group.addTask { await self.handle(connection) }
                }
            }
        }
    }

    private func handle(_ connection: Connection) async {
        let channel = connection.channel
        do {
            try await connection.executeThenClose { inbound, outbound in
                var user: UserInfo?
                var userResolved = false
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                var tooLarge = false
                for try await part in inbound {
                    switch part {
                    case .head(let h):
                        head = h
                        body = []
                        tooLarge = false
                    case .body(let buffer):
                        if body.count + buffer.readableBytes > maxBodyBytes {
                            tooLarge = true
                            body = []
                        } else if !tooLarge {
                            body.append(contentsOf: buffer.readableBytesView)
                        }
                    case .end:
                        guard let requestHead = head else { continue }
                        head = nil
                        if !userResolved {
                            user = await HTTPServer.clientCertificateUser(channel)
                            userResolved = true
                        }
                        let response: APIResponse
                        if tooLarge {
                            response = .error(.requestEntityTooLarge(limit: maxBodyBytes))
                        } else {
                            let request = APIRequest(
                                method: requestHead.method.rawValue, target: requestHead.uri,
                                headers: requestHead.headers.map { ($0.name, $0.value) }, body: body,
                                transportUser: user, remoteAddress: channel.remoteAddress?.ipAddress)
                            response = await handler(request)
                        }
                        body = []
                        let keepAlive = try await write(response, for: requestHead, to: outbound, channel: channel)
                        if !keepAlive || tooLarge { return }
                    }
                }
            }
        } catch {
            // The connection failed (TLS error, reset, client gone); nothing to answer.
        }
    }

    /// Writes one response; returns whether the connection may be reused.
    private func write(_ response: APIResponse, for request: HTTPRequestHead,
                       to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, channel: Channel)
        async throws -> Bool
    {
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        let keepAlive = request.isKeepAlive
        let status = HTTPResponseStatus(statusCode: response.status)
        switch response.body {
        case .bytes(let bytes):
            headers.replaceOrAdd(name: "Content-Length", value: String(bytes.count))
            if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
            // Head, body and end in one write: one trip to the event loop, one flush (one TLS record and
            // one system call for a small response) instead of three.
            let head = HTTPServerResponsePart.head(HTTPResponseHead(version: request.version, status: status, headers: headers))
            if !bytes.isEmpty && request.method != .HEAD {
                try await outbound.write(contentsOf: [head, .body(.byteBuffer(ByteBuffer(bytes: bytes))), .end(nil)])
            } else {
                try await outbound.write(contentsOf: [head, .end(nil)])
            }
            return keepAlive
        case .parts(let parts):
            headers.replaceOrAdd(name: "Content-Length", value: String(parts.reduce(0) { $0 + $1.count }))
            if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
            try await outbound.write(.head(HTTPResponseHead(version: request.version, status: status, headers: headers)))
            if request.method != .HEAD {
                // Copied out in buffers of about `partsChunk` bytes, each written (encrypted and sent) while
                // the next is filled, and held back while the client is not reading.
                var buffer = channel.allocator.buffer(capacity: HTTPServer.partsChunk)
                for part in parts {
                    if buffer.readableBytes > 0 && buffer.readableBytes + part.count > HTTPServer.partsChunk {
                        try await outbound.write(.body(.byteBuffer(buffer)))
                        buffer = channel.allocator.buffer(capacity: max(HTTPServer.partsChunk, part.count))
                    }
                    buffer.writeBytes(part)
                }
                if buffer.readableBytes > 0 { try await outbound.write(.body(.byteBuffer(buffer))) }
            }
            try await outbound.write(.end(nil))
            return keepAlive
        case .stream(let chunks):
            headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
            try await outbound.write(.head(HTTPResponseHead(version: request.version, status: status, headers: headers)))
            let (closed, closedContinuation) = AsyncStream<Void>.makeStream()
            channel.closeFuture.whenComplete { _ in closedContinuation.finish() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await chunk in chunks where !chunk.isEmpty {
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: chunk))))
                    }
                }
                group.addTask {
                    // End the stream when the client goes away.
                    for await _ in closed {}
                    throw CancellationError()
                }
                try await group.next()
                group.cancelAll()
            }
            try await outbound.write(.end(nil))
            return keepAlive
        }
    }

    /// The user named by a verified client certificate: CN is the user, O entries are groups.
    static func clientCertificateUser(_ channel: Channel) async -> UserInfo? {
        guard let certificate = try? await channel.nioSSL_peerCertificate().get(),
              let der = try? certificate.toDERBytes(),
              let parsed = try? Certificate(derEncoded: der)
        else { return nil }
        var name: String?
        var groups: [String] = []
        for rdn in parsed.subject {
            for attribute in rdn {
                if attribute.type == .RDNAttributeType.commonName { name = String(attribute.value) }
                if attribute.type == .RDNAttributeType.organizationName, let o = String(attribute.value) {
                    groups.append(o)
                }
            }
        }
        guard let name, !name.isEmpty else { return nil }
        return UserInfo(name: name, groups: groups)
    }
}
