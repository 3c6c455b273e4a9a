import Foundation
import KgitTesting
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import Testing
@testable import KgitAPIServer

/// Slow or stalled clients never stall others: over real TCP and TLS, connections that send nothing,
/// half a TLS handshake, half a request header or nothing more after a response are closed by the
/// server after their (short, test-configured) timeout, while another client is served meanwhile.
@Suite("Connection timeouts", .timeLimit(.minutes(4)))
struct ConnectionTimeoutTests {
    /// Sends `initial` as soon as the connection is up (on the event loop, so a busy test runner cannot delay it
    /// past a deadline; TLS holds it until the handshake is done) and collects what the server answers.
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let initial: [UInt8]
        let received = Mutex<[UInt8]>([])

        init(initial: [UInt8]) {
            self.initial = initial
        }

        func channelActive(context: ChannelHandlerContext) {
            if !initial.isEmpty { context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: initial)), promise: nil) }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLock { $0.append(contentsOf: buffer.readableBytesView) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }

        var text: String { received.withLock { String(decoding: $0, as: UTF8.self) } }
    }

    struct Server {
        let api: APIServer
        let running: Task<Void, any Error>
        let scratch: Scratch
    }

    static func startServer(_ timeouts: ConnectionTimeouts) async throws -> Server {
        let scratch = try Scratch("kgit-timeouts")
        var configuration = APIServer.Configuration(dataDirectory: URL(fileURLWithPath: scratch.url("data")), port: 0,
                                                    store: MemoryStore())
        configuration.connectionTimeouts = timeouts
        let api = try await APIServer.start(configuration)
        return Server(api: api, running: Task { try await api.run() }, scratch: scratch)
    }

    /// A plain TCP connection to the server that sends `initial`; `tls` adds a TLS client (no certificate checks).
    static func connect(port: Int, tls: Bool, sending initial: [UInt8] = []) async throws -> (Channel, Collector) {
        let collector = Collector(initial: initial)
        let context = try NIOSSLContext(configuration: {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return configuration
        }())
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if tls { try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil)) }
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return (channel, collector)
    }

    /// Waits until the channel is closed (by the server); a hang guard, not a timing assertion.
    static func closedByServer(_ channel: Channel, within limit: Duration = .seconds(120)) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await channel.closeFuture.get()) != nil || !channel.isActive }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Sends one whole request on a fresh TLS connection and returns the response text.
    static func get(port: Int, _ path: String) async throws -> String {
        let (channel, collector) = try await connect(
            port: port, tls: true, sending: Array("GET \(path) HTTP/1.1\r\nHost: kgit\r\nConnection: close\r\n\r\n".utf8))
        _ = await closedByServer(channel)
        return collector.text
    }

    @Test("stalled connections are closed after their timeouts while another client is served")
    func stalledConnectionsAreClosed() async throws {
        // Short enough to keep the test short, long enough that the client that is served (a TLS handshake and
        // a request, on a machine loaded by the whole suite) does not run into them itself.
        let server = try await Self.startServer(ConnectionTimeouts(handshake: .seconds(10), requestRead: .seconds(10), idle: .seconds(10)))
        defer { server.running.cancel() }
        let port = server.api.port

        // Silent: connects and never starts TLS.
        var stalled: [(String, Channel)] = []
        for i in 0..<4 { stalled.append(("silent \(i)", try await Self.connect(port: port, tls: false).0)) }
        // Half a TLS handshake: the first bytes of a ClientHello record, then nothing.
        for i in 0..<2 {
            let (channel, _) = try await Self.connect(port: port, tls: false, sending: [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01])
            stalled.append(("half handshake \(i)", channel))
        }
        // Half a request header over a completed handshake.
        for i in 0..<2 {
            let (channel, _) = try await Self.connect(port: port, tls: true, sending: Array("GET /version HTTP/1.1\r\nHost: kgit\r\nX-Slow: ".utf8))
            stalled.append(("half header \(i)", channel))
        }

        // Another client is answered meanwhile.
        let answer = try await Self.get(port: port, "/readyz")
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")

        for (name, channel) in stalled {
            #expect(await Self.closedByServer(channel), "\(name) was not closed by the server")
        }
    }

    @Test("a kept-alive connection is closed after the idle timeout once its response is written")
    func idleKeepAlive() async throws {
        let server = try await Self.startServer(ConnectionTimeouts(handshake: .seconds(30), requestRead: .seconds(30), idle: .seconds(2)))
        defer { server.running.cancel() }
        let (channel, collector) = try await Self.connect(port: server.api.port, tls: true,
                                                          sending: Array("GET /readyz HTTP/1.1\r\nHost: kgit\r\n\r\n".utf8))
        #expect(await Self.closedByServer(channel), "the idle connection stayed open")
        #expect(collector.text.hasPrefix("HTTP/1.1 200"), "\(collector.text)")
    }

    @Test("defaults are upstream's: 10 s handshake, 60 s request read, 90 s idle")
    func defaults() {
        let timeouts = ConnectionTimeouts()
        #expect(timeouts.handshake == .seconds(10) && timeouts.requestRead == .seconds(60) && timeouts.idle == .seconds(90))
        #expect(Duration.milliseconds(1500).nanoseconds == 1_500_000_000)
    }
}
