import NIOCore
import NIOHTTP1
import NIOSSL
import NIOTLS

/// How long the server waits on a client before closing its connection, so that slow or stalled
/// clients hold no more than a socket each, and only for a bounded time.
public struct ConnectionTimeouts: Sendable, Equatable {
    /// From accepting the connection until the TLS handshake completes.
    public var handshake: Duration
    /// From the first byte of a request until its headers and body are fully read.
    public var requestRead: Duration
    /// Waiting for the next request on a kept-alive connection (and for the first one after the handshake).
    public var idle: Duration

    /// Upstream's defaults: 10 s handshake, 60 s to read a request, 90 s idle keep-alive.
    public init(handshake: Duration = .seconds(10), requestRead: Duration = .seconds(60), idle: Duration = .seconds(90)) {
        self.handshake = handshake
        self.requestRead = requestRead
        self.idle = idle
    }
}

/// Enforces ``ConnectionTimeouts`` on one connection. Two handlers share it: ``ByteWatcher`` sits
/// right after TLS (it sees the handshake complete and the first bytes of each request), and
/// ``PartWatcher`` after the HTTP codec (it sees each request end and each response end).
///
/// The deadline for a phase is set when the phase begins and is not moved by further bytes, so a
/// client trickling a header one byte at a time is still closed when its read deadline passes.
/// While the server works on a request (between its end and the response's end, which for a watch
/// is as long as the watch lasts) no deadline applies.
final class ConnectionDeadlines {
    enum Phase: Equatable {
        case handshaking, idle, reading, serving
    }

    let timeouts: ConnectionTimeouts
    private var phase: Phase?
    private var timer: Scheduled<Void>?
    private var handshakeDone = false
    private var partialRequest = false
    private var requestsInFlight = 0

    init(timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
    }

    /// The phase the connection is in now.
    private var current: Phase {
        if !handshakeDone { return .handshaking }
        if requestsInFlight > 0 { return .serving }
        return partialRequest ? .reading : .idle
    }

    /// Re-arms the timer when the phase changed.
    func update(_ context: ChannelHandlerContext) {
        let now = current
        guard now != phase else { return }
        phase = now
        timer?.cancel()
        timer = nil
        let limit: Duration
        switch now {
        case .handshaking: limit = timeouts.handshake
        case .idle: limit = timeouts.idle
        case .reading: limit = timeouts.requestRead
        case .serving: return
        }
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(limit.nanoseconds)) {
            channel.close(promise: nil)
        }
    }

    func stop() {
        timer?.cancel()
        timer = nil
    }

    func handshakeCompleted(_ context: ChannelHandlerContext) {
        handshakeDone = true
        update(context)
    }

    func bytesReceived(_ context: ChannelHandlerContext) {
        partialRequest = true
        update(context)
    }

    func requestEnded(_ context: ChannelHandlerContext) {
        partialRequest = false
        requestsInFlight += 1
        update(context)
    }

    func responseEnded(_ context: ChannelHandlerContext) {
        requestsInFlight = max(0, requestsInFlight - 1)
        update(context)
    }

    /// Between TLS and the HTTP codec: handshake completion and request bytes.
    final class ByteWatcher: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        let deadlines: ConnectionDeadlines

        init(_ deadlines: ConnectionDeadlines) {
            self.deadlines = deadlines
        }

        func handlerAdded(context: ChannelHandlerContext) {
            deadlines.update(context)
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            deadlines.stop()
        }

        func channelInactive(context: ChannelHandlerContext) {
            deadlines.stop()
            context.fireChannelInactive()
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .handshakeCompleted = event as? TLSUserEvent {
                deadlines.handshakeCompleted(context)
            }
            context.fireUserInboundEventTriggered(event)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if unwrapInboundIn(data).readableBytes > 0 {
                deadlines.bytesReceived(context)
            }
            context.fireChannelRead(data)
        }
    }

    /// After the HTTP codec: the end of each request and of each response.
    final class PartWatcher: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias InboundOut = HTTPServerRequestPart
        typealias OutboundIn = HTTPServerResponsePart
        typealias OutboundOut = HTTPServerResponsePart
        let deadlines: ConnectionDeadlines

        init(_ deadlines: ConnectionDeadlines) {
            self.deadlines = deadlines
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .end = unwrapInboundIn(data) {
                deadlines.requestEnded(context)
            }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) {
                deadlines.responseEnded(context)
            }
            context.write(data, promise: promise)
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return whole &+ attoseconds / 1_000_000_000
    }
}
