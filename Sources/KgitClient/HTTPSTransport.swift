import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// HTTPS/1.1 to one API server on SwiftNIO and NIOSSL, with keep-alive connection reuse.
///
/// ```
/// send(request) ─▶ an idle connection, or the first one freed or opened ─▶ write head/body/end ─▶ read head/body/end
///                  └── to the longest waiting request, or the idle list, when the server keeps the connection alive
/// stream(request) ─▶ a connection of its own ─▶ head ─▶ body chunks until the end, or until the caller stops
/// ```
/// Each connection runs one request at a time in a task of its own. A request that finds no idle connection
/// waits for one (``ConnectionPool``): new connections are opened only while requests wait for them, a few at a
/// time, and count as open once their TLS handshake completed (a connection freed sooner serves the request). A
/// request that fails on a reused connection before any answer arrived (the server closed it while
/// idle) is retried once on a fresh connection.
public final class HTTPSTransport: Transport {
    /// The server and credentials.
    public let connection: Connection
    /// How long a whole non-streaming request may take.
    public let requestTimeout: TimeAmount
    private let tls: NIOSSLContext?
    private let group: any EventLoopGroup
    private typealias Waiter = CheckedContinuation<(HTTPConnection, Bool), any Error>
    private let pool = Mutex(ConnectionPool<HTTPConnection, Waiter>(
        maxIdle: HTTPSTransport.maxIdleConnections, maxDials: HTTPSTransport.maxConcurrentDials))
    private let opened = Atomic<Int>(0)

    /// The most idle keep-alive connections kept for reuse.
    public static let maxIdleConnections = 32
    /// The most connections opened at once while requests wait for one.
    public static let maxConcurrentDials = 4

    /// A transport for `connection`.
    /// - Throws: `ClientError.configuration` when the certificates or key cannot be read.
    public init(connection: Connection, requestTimeout: Duration = .seconds(60)) throws(ClientError) {
        self.connection = connection
        self.requestTimeout = .nanoseconds(
            Int64(requestTimeout.components.seconds) * 1_000_000_000 + requestTimeout.components.attoseconds / 1_000_000_000)
        self.group = MultiThreadedEventLoopGroup.singleton
        guard connection.endpoint.tls else {
            tls = nil
            return
        }
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let ca = connection.caPEM {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(ca))
            }
            if connection.insecureSkipTLSVerify { configuration.certificateVerification = .none }
            if let certificate = connection.clientCertificatePEM, let key = connection.clientKeyPEM {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificate).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            }
            tls = try NIOSSLContext(configuration: configuration)
        } catch {
            throw .configuration("cannot set up TLS for \(connection.endpoint): \(error)")
        }
    }

    /// How many connections this transport has opened so far (reuse keeps it low).
    public var connectionsOpened: Int { opened.load(ordering: .relaxed) }

    /// Sends a request and returns the whole answer.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let head = try makeHead(request)
        for attempt in 0..<2 {
            let (link, reused) = try await checkOut()
            do {
                return try await link.perform(head: head, body: request.body, timeout: requestTimeout, reused: reused)
            } catch let error as StaleConnection where attempt == 0 {
                _ = error  // the server closed the idle connection: retry on a fresh one
                continue
            } catch let error as StaleConnection {
                throw ClientError.transport("\(connection.endpoint): \(error.underlying)")
            }
        }
        throw ClientError.transport("\(connection.endpoint): the connection kept closing")
    }

    /// Sends a request on a connection of its own and streams the answer's body.
    public func stream(_ request: TransportRequest) async throws -> TransportStream {
        let head = try makeHead(request)
        let link = try await connect()
        do {
            return try await link.performStreaming(head: head, body: request.body)
        } catch let error as StaleConnection {
            throw ClientError.transport("\(connection.endpoint): \(error.underlying)")
        }
    }

    /// Closes every idle connection; requests still waiting for one fail.
    public func shutdown() async {
        let (idle, waiters) = pool.withLock { $0.drain() }
        for link in idle { link.close() }
        for waiter in waiters {
            waiter.resume(throwing: ClientError.transport("\(connection.endpoint): the transport was shut down"))
        }
    }

    deinit {
        for link in pool.withLock({ $0.idle }) { link.close() }
    }

    // MARK: - Connections

    /// A connection for one request, and whether it served requests before.
    private func checkOut() async throws -> (HTTPConnection, Bool) {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            switch pool.withLock({ $0.checkOut(waiter) { $0.isOpen } }) {
            case .link(let link): waiter.resume(returning: (link, true))
            case .wait(let dial): if dial { startDial() }
            }
        }
    }

    /// A connection finished a request and the server keeps it alive.
    private func checkIn(_ link: HTTPConnection) {
        guard link.isOpen else { return }
        hand(link, to: pool.withLock { $0.checkIn(link) }, reused: true)
    }

    /// Opens a connection for the waiting requests.
    private func startDial() {
        Task {
            let result: Result<HTTPConnection, any Error>
            do {
                result = .success(try await connect())
            } catch {
                result = .failure(error)
            }
            let link = try? result.get()
            let (handoff, failed, again) = pool.withLock { $0.dialEnded(link) }
            if let link, let handoff { hand(link, to: handoff, reused: false) }
            if let failed, case .failure(let error) = result { failed.resume(throwing: error) }
            if again { startDial() }
        }
    }

    private func hand(_ link: HTTPConnection, to handoff: ConnectionPool<HTTPConnection, Waiter>.Handoff, reused: Bool) {
        switch handoff {
        case .waiter(let waiter): waiter.resume(returning: (link, reused))
        case .idle: break
        case .close: link.close()
        }
    }

    private func connect() async throws -> HTTPConnection {
        let endpoint = connection.endpoint
        let tls = self.tls
        let serverName = connection.tlsServerName ?? (Self.isIPAddress(endpoint.host) ? nil : endpoint.host)
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            // TCP, then the TLS handshake, then HTTP: as Go's transport dials, a connection counts as open only
            // once its handshake completed, so a request waiting for one meanwhile is served by whichever comes
            // first, this connection or one another request frees. The NIOAsyncChannel wrapper is made only
            // after the handshake, on the event loop, and handed straight to ``HTTPConnection``, which runs it
            // until it closes: a wrapper dropped without being run traps, so a failed handshake closes the
            // plain channel, never a wrapper.
            let (plain, handshake) = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(10))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: endpoint.host, port: endpoint.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handshake = channel.eventLoop.makePromise(of: Void.self)
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: tls, serverHostname: serverName))
                            try channel.pipeline.syncOperations.addHandler(
                                HandshakeCompletion(promise: handshake, timeout: Self.handshakeTimeout))
                        } else {
                            handshake.succeed()
                        }
                        return (channel, handshake.futureResult)
                    }
                }
            do {
                try await handshake.get()
                channel = try await plain.eventLoop.submit {
                    guard plain.isActive else { throw ChannelError.ioOnClosedChannel }
                    try plain.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: plain)
                }.get()
            } catch {
                plain.close(promise: nil)
                throw error
            }
        } catch {
            throw ClientError.transport("\(endpoint): \(Self.describe(error))")
        }
        opened.add(1, ordering: .relaxed)
        let link = HTTPConnection(channel: channel, endpoint: endpoint) { [weak self] link in self?.checkIn(link) }
        link.start()
        return link
    }

    /// How long a new connection's TLS handshake may take before the connection is closed.
    static let handshakeTimeout = TimeAmount.seconds(10)

    private func makeHead(_ request: TransportRequest) throws -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: Self.hostHeader(connection.endpoint))
        headers.add(name: "User-Agent", value: "kgit/0.1.0")
        for header in request.headers { headers.add(name: header.name, value: header.value) }
        if let authorization = try connection.authorization(), request.header("Authorization") == nil {
            headers.add(name: "Authorization", value: authorization)
        }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            headers.replaceOrAdd(name: "Content-Length", value: String(request.body.count))
        }
        return HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: request.path, headers: headers)
    }

    static func hostHeader(_ endpoint: Endpoint) -> String {
        let host = endpoint.host.contains(":") ? "[\(endpoint.host)]" : endpoint.host
        let defaultPort = endpoint.tls ? 443 : 80
        return endpoint.port == defaultPort ? host : "\(host):\(endpoint.port)"
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    /// A readable reason for a NIO or TLS failure.
    static func describe(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            let reasons = Set(error.connectionErrors.map { describe($0.error) }).sorted()
            if reasons.isEmpty {
                return "cannot resolve the host (\(error.dnsAError.map { "\($0)" } ?? "no address"))"
            }
            return reasons.joined(separator: "; ")
        }
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode)).lowercased()
        }
        if error is ChannelError, case .connectTimeout = error as? ChannelError {
            return "connection timed out"
        }
        return "\(error)"
    }
}

/// Completes `promise` once the connection's TLS handshake completes; fails it when the handshake fails, the
/// connection closes first, or the handshake takes longer than `timeout` (then it also closes the connection).
private final class HandshakeCompletion: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let promise: EventLoopPromise<Void>
    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    private var done = false

    init(promise: EventLoopPromise<Void>, timeout: TimeAmount) {
        self.promise = promise
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) {
            handler.value.finish(HandshakeTimeout())
            channel.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { finish(nil) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(ChannelError.ioOnClosedChannel)
    }

    private func finish(_ error: (any Error)?) {
        guard !done else { return }
        done = true
        timer?.cancel()
        if let error { promise.fail(error) } else { promise.succeed() }
    }
}

/// A TLS handshake that did not finish in time.
struct HandshakeTimeout: Error, CustomStringConvertible {
    var description: String { "the TLS handshake timed out" }
}

/// A failure on a connection before any answer arrived: the request may be retried elsewhere.
struct StaleConnection: Error {
    var underlying: String
}

/// One HTTP/1.1 connection: a task that runs queued requests one at a time.
final class HTTPConnection: Sendable {
    typealias Channel = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    enum Reply: Sendable {
        case whole(CheckedContinuation<TransportResponse, any Error>)
        case streaming(CheckedContinuation<TransportStream, any Error>)

        func fail(_ error: any Error) {
            switch self {
            case .whole(let continuation): continuation.resume(throwing: error)
            case .streaming(let continuation): continuation.resume(throwing: error)
            }
        }
    }

    final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    struct QueuedJob: Sendable {
        var head: HTTPRequestHead
        var body: [UInt8]
        var reply: Reply
        var reused: Bool
        var timeoutFlag: Flag?
    }

    /// The most a response's Content-Length makes the connection reserve up front.
    static let maximumReservedBody = 64 << 20

    let channel: Channel
    let endpoint: Endpoint
    let onIdle: @Sendable (HTTPConnection) -> Void
    private let jobs: AsyncStream<QueuedJob>
    private let queue: AsyncStream<QueuedJob>.Continuation
    private let open = Atomic<Bool>(true)

    init(channel: Channel, endpoint: Endpoint, onIdle: @escaping @Sendable (HTTPConnection) -> Void) {
        self.channel = channel
        self.endpoint = endpoint
        self.onIdle = onIdle
        (jobs, queue) = AsyncStream.makeStream(of: QueuedJob.self)
    }

    var isOpen: Bool { open.load(ordering: .acquiring) && channel.channel.isActive }

    func close() {
        open.store(false, ordering: .releasing)
        queue.finish()
        channel.channel.close(promise: nil)
    }

    func start() {
        Task { await run() }
    }

    func perform(head: HTTPRequestHead, body: [UInt8], timeout: TimeAmount, reused: Bool) async throws
        -> TransportResponse
    {
        let flag = Flag()
        let nioChannel = channel.channel
        let timer = nioChannel.eventLoop.scheduleTask(in: timeout) {
            flag.value.store(true, ordering: .releasing)
            nioChannel.close(promise: nil)
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            let job = QueuedJob(head: head, body: body, reply: .whole(continuation), reused: reused, timeoutFlag: flag)
            if case .terminated = queue.yield(job) {
                continuation.resume(throwing: StaleConnection(underlying: "the connection was closed"))
            }
        }
    }

    func performStreaming(head: HTTPRequestHead, body: [UInt8]) async throws -> TransportStream {
        try await withCheckedThrowingContinuation { continuation in
            let job = QueuedJob(head: head, body: body, reply: .streaming(continuation), reused: false, timeoutFlag: nil)
            if case .terminated = queue.yield(job) {
                continuation.resume(throwing: StaleConnection(underlying: "the connection was closed"))
            }
        }
    }

    private func run() async {
        var pending = jobs.makeAsyncIterator()
        var current: QueuedJob?
        do {
            try await channel.executeThenClose { inbound, outbound in
                var responses = inbound.makeAsyncIterator()
                while let job = await pending.next() {
                    current = job
                    var headReceived = false
                    do {
                        // One write (one flush, one trip to the event loop) for the whole request.
                        if job.body.isEmpty {
                            try await outbound.write(contentsOf: [.head(job.head), .end(nil)])
                        } else {
                            try await outbound.write(contentsOf: [.head(job.head), .body(.byteBuffer(ByteBuffer(bytes: job.body))),
                                                                  .end(nil)])
                        }
                        var responseHead: HTTPResponseHead?
                        while responseHead == nil {
                            guard let part = try await responses.next() else {
                                throw ClientError.transport("\(endpoint): the server closed the connection")
                            }
                            if case .head(let head) = part, head.status.code >= 200 { responseHead = head }
                        }
                        guard let head = responseHead else { return }
                        headReceived = true
                        let headers = head.headers.map { TransportRequest.Header($0.name, $0.value) }
                        switch job.reply {
                        case .whole(let continuation):
                            var body: [UInt8] = []
                            // One allocation for the announced length (bounded: the header is the server's word)
                            // instead of regrowing and copying a large body as it arrives.
                            if let length = head.headers.first(name: "Content-Length").flatMap({ Int($0) }), length > 0 {
                                body.reserveCapacity(min(length, HTTPConnection.maximumReservedBody))
                            }
                            reading: while let part = try await responses.next() {
                                switch part {
                                case .head: continue
                                case .body(let buffer): body.append(contentsOf: buffer.readableBytesView)
                                case .end: break reading
                                }
                            }
                            current = nil
                            // Back to the idle list before the caller resumes, so its next request reuses it.
                            if head.isKeepAlive { onIdle(self) }
                            continuation.resume(
                                returning: TransportResponse(status: Int(head.status.code), headers: headers, body: body))
                            if !head.isKeepAlive { return }
                        case .streaming(let continuation):
                            let (stream, sink) = AsyncThrowingStream.makeStream(of: [UInt8].self)
                            let nioChannel = channel.channel
                            sink.onTermination = { _ in nioChannel.close(promise: nil) }
                            current = nil
                            continuation.resume(
                                returning: TransportStream(status: Int(head.status.code), headers: headers, body: stream))
                            do {
                                reading: while let part = try await responses.next() {
                                    switch part {
                                    case .head: continue
                                    case .body(let buffer): sink.yield(Array(buffer.readableBytesView))
                                    case .end: break reading
                                    }
                                }
                                sink.finish()
                            } catch {
                                sink.finish(throwing: ClientError.transport("\(endpoint): \(error)"))
                            }
                            return
                        }
                    } catch {
                        current = nil
                        let timedOut = job.timeoutFlag?.value.load(ordering: .acquiring) ?? false
                        if timedOut {
                            job.reply.fail(ClientError.transport("\(endpoint): the request timed out"))
                        } else if !headReceived && job.reused {
                            job.reply.fail(StaleConnection(underlying: "\(error)"))
                        } else if let error = error as? ClientError {
                            job.reply.fail(error)
                        } else {
                            job.reply.fail(ClientError.transport("\(endpoint): \(HTTPSTransport.describe(error))"))
                        }
                        return
                    }
                }
            }
        } catch {
            current?.reply.fail(ClientError.transport("\(endpoint): \(HTTPSTransport.describe(error))"))
            current = nil
        }
        open.store(false, ordering: .releasing)
        queue.finish()
        // A job queued while the connection was ending gets a retryable failure.
        while let job = await pending.next() {
            job.reply.fail(StaleConnection(underlying: "the connection was closed"))
        }
    }
}
