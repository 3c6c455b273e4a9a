import Foundation
import KgitAPIMachinery
import KgitClient
import KgitTesting
import Testing

/// How ``HTTPSTransport`` opens connections: a new connection counts as open only once its TLS handshake
/// completes, so a request waiting for one is served by a connection another request frees meanwhile, and a
/// handshake that fails is a clean transport error. A ``TCPRelay`` between the transport and a real
/// `kgit server` decides what each new connection gets.
@Suite("HTTPSTransport: opening connections", .serialized, .timeLimit(.minutes(3)))
struct HTTPSTransportDialTests {
    static let version = TransportRequest(method: "GET", path: "/version")

    /// The server's connection settings, with the relay's port instead of the server's.
    static func viaRelay(_ server: KgitServerProcess, _ relay: TCPRelay) throws -> Connection {
        var connection = try Kubeconfig.load(explicitPath: server.kubeconfig).connection()
        connection.endpoint.port = relay.port
        return connection
    }

    /// Sends `requests` requests one after another and expects each to fail with a transport error that names
    /// `address`.
    static func expectTransportErrors(_ transport: HTTPSTransport, naming address: String, requests: Int) async throws {
        for _ in 0..<requests {
            do {
                _ = try await transport.send(version)
                Issue.record("a request succeeded where the connection cannot be opened")
            } catch let error as ClientError {
                guard case .transport(let message) = error else {
                    Issue.record("expected a transport error, got \(error)")
                    continue
                }
                #expect(message.contains(address), "\(message)")
            }
        }
    }

    @Test("a request waiting while a new connection's handshake is unfinished is served by a connection freed meanwhile")
    func freedConnectionWins() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        // Connection 1 is relayed; connection 2 is accepted but its handshake never gets an answer.
        let relay = try await TCPRelay.start(upstreamPort: server.port) { $0 == 1 ? .forward : .silent }
        defer { relay.stop() }
        // A request that ends up on connection 2 would never be answered: the request timeout fails it.
        let transport = try HTTPSTransport(connection: try Self.viaRelay(server, relay), requestTimeout: .seconds(30))

        #expect(try await transport.send(Self.version).status == 200)
        #expect(transport.connectionsOpened == 1)
        // The answer to the next request on connection 1 waits at the relay, so connection 1 stays busy.
        relay.hold(1)
        async let first = transport.send(Self.version)
        await relay.wait { $0.holding.contains(1) }
        // Another request finds no idle connection and starts opening connection 2.
        async let second = transport.send(Self.version)
        await relay.wait { $0.accepted == 2 }
        relay.release(1)
        let (firstResponse, secondResponse) = try await (first, second)
        #expect(firstResponse.status == 200)
        #expect(secondResponse.status == 200)
        // Connection 2 never finished its handshake, so it was never counted as open nor given a request.
        #expect(transport.connectionsOpened == 1)
        await transport.shutdown()
    }

    @Test("a server that closes the connection during the handshake is a transport error naming the address")
    func serverClosesDuringHandshake() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let relay = try await TCPRelay.start(upstreamPort: server.port) { _ in .close }
        defer { relay.stop() }
        let transport = try HTTPSTransport(connection: try Self.viaRelay(server, relay))
        try await Self.expectTransportErrors(transport, naming: "127.0.0.1:\(relay.port)", requests: 3)
        #expect(transport.connectionsOpened == 0)
        await transport.shutdown()
    }

    @Test("a server certificate from another CA fails the request with a TLS error, and nothing counts as open")
    func untrustedServer() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        var connection = try Kubeconfig.load(explicitPath: server.kubeconfig).connection()
        connection.caPEM = nil  // trust the system roots only
        let transport = try HTTPSTransport(connection: connection)
        try await Self.expectTransportErrors(transport, naming: "127.0.0.1:\(server.port)", requests: 2)
        #expect(transport.connectionsOpened == 0)
        await transport.shutdown()
    }
}
