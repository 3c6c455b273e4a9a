import NIOCore
import NIOPosix
import Synchronization

/// A TCP relay on loopback in front of a server, for transport tests: it forwards bytes both ways, and a test
/// decides what becomes of each connection (numbered from 1 in the order accepted): forwarded, accepted and
/// left silent (a TLS handshake that never finishes), or closed at once (a server that hangs up). A test can
/// also hold the server's bytes on one connection (a request left unanswered) and wait for what the relay saw.
final class TCPRelay: Sendable {
    /// What the relay does with a connection.
    enum Policy: Sendable {
        case forward
        case silent
        case close
    }

    private struct State {
        var accepted = 0
        var held: Set<Int> = []
        /// Connections whose server bytes wait at the relay, with the writers waiting for release.
        var heldWriters: [Int: [CheckedContinuation<Void, Never>]] = [:]
        var waiters: [(condition: @Sendable (Snapshot) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
        var children: [any Channel] = []
    }

    /// What a test can wait for.
    struct Snapshot: Sendable {
        /// Connections accepted so far.
        var accepted: Int
        /// Connections whose server bytes are being held at the relay.
        var holding: Set<Int>
    }

    let port: Int
    private let policy: @Sendable (Int) -> Policy
    private let state = Mutex(State())
    private let listener: any Channel

    private init(port: Int, listener: any Channel, policy: @escaping @Sendable (Int) -> Policy) {
        self.port = port
        self.listener = listener
        self.policy = policy
    }

    /// Listens on a free loopback port and relays to `upstreamPort` as `policy` says for each connection.
    static func start(upstreamPort: Int, policy: @escaping @Sendable (Int) -> Policy) async throws -> TCPRelay {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let relay = TCPRelay(port: server.channel.localAddress?.port ?? 0, listener: server.channel, policy: policy)
        Task {
            try? await server.executeThenClose { inbound in
                for try await child in inbound {
                    let index = relay.accept(child.channel)
                    Task { await relay.serve(child, index: index, upstreamPort: upstreamPort) }
                }
            }
        }
        return relay
    }

    /// Holds the server's bytes on connection `index` until ``release(_:)``.
    func hold(_ index: Int) {
        state.withLock { _ = $0.held.insert(index) }
    }

    /// Lets connection `index`'s held bytes (and later ones) through.
    func release(_ index: Int) {
        let writers = state.withLock { state in
            state.held.remove(index)
            return state.heldWriters.removeValue(forKey: index) ?? []
        }
        for writer in writers { writer.resume() }
        changed()
    }

    /// Returns once `condition` holds.
    func wait(until condition: @escaping @Sendable (Snapshot) -> Bool) async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if condition(Self.snapshot(state)) { return true }
                state.waiters.append((condition, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Closes the listener and every connection.
    func stop() {
        let (children, writers) = state.withLock { state in
            let writers = state.heldWriters.values.flatMap { $0 }
            state.heldWriters = [:]
            state.held = []
            return (state.children, writers)
        }
        for writer in writers { writer.resume() }
        listener.close(promise: nil)
        for child in children { child.close(promise: nil) }
    }

    private static func snapshot(_ state: State) -> Snapshot {
        Snapshot(accepted: state.accepted, holding: Set(state.heldWriters.keys))
    }

    private func accept(_ channel: any Channel) -> Int {
        let index = state.withLock { state in
            state.accepted += 1
            state.children.append(channel)
            return state.accepted
        }
        changed()
        return index
    }

    private func changed() {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            let snapshot = Self.snapshot(state)
            var ready: [CheckedContinuation<Void, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.condition(snapshot) else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// Waits while the server's bytes on connection `index` are held.
    private func gate(_ index: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let pass = state.withLock { state -> Bool in
                guard state.held.contains(index) else { return true }
                state.heldWriters[index, default: []].append(continuation)
                return false
            }
            if pass { continuation.resume() } else { changed() }
        }
    }

    private func serve(_ child: NIOAsyncChannel<ByteBuffer, ByteBuffer>, index: Int, upstreamPort: Int) async {
        switch policy(index) {
        case .close:
            try? await child.executeThenClose { _, _ in }
        case .silent:
            try? await child.executeThenClose { inbound, _ in
                for try await _ in inbound {}
            }
        case .forward:
            let upstream = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: upstreamPort) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            guard let upstream else {
                try? await child.executeThenClose { _, _ in }
                return
            }
            try? await child.executeThenClose { clientIn, clientOut in
                try await upstream.executeThenClose { serverIn, serverOut in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await bytes in clientIn { try await serverOut.write(bytes) }
                        }
                        group.addTask {
                            for try await bytes in serverIn {
                                await self.gate(index)
                                try await clientOut.write(bytes)
                            }
                        }
                        // Either side ending ends the relayed connection.
                        _ = try await group.next()
                        group.cancelAll()
                    }
                }
            }
        }
    }
}
