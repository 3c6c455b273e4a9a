import ArgumentParser
import Foundation
import KgitAPIServer
import KgitClient
import KgitStore

/// `kgit server`: runs the Kubernetes-compatible API server.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the Kubernetes-compatible API server over HTTPS.",
        discussion: """
            On first start, creates a cluster CA, a serving certificate and an admin client certificate under \
            the data directory and writes DIR/kubeconfig; later starts reuse them. Use it with \
            `kubectl --kubeconfig DIR/kubeconfig get namespaces`.

            Requests must authenticate with a client certificate signed by the cluster CA or with a bearer \
            token listed in DIR/tokens.csv (`token,user,uid,"group1,group2"` per line).

            Objects are stored in an embedded store under DIR/store, or in an etcd cluster with \
            --etcd-endpoints (over TLS with --etcd-cacert, --etcd-cert and --etcd-key).
            """
    )

    @OptionGroup var server: ServerOptions

    func run() async throws {
        let webhook = try server.webhook(command: "server")
        let api: APIServer
        do {
            api = try await APIServer.start(try server.configuration(webhook: webhook))
        } catch {
            throw ExitWith(message: "kgit server: cannot start: \(error)", code: 2)
        }
        // SIGTERM and SIGINT stop the server gracefully (connections closed, store closed); if that
        // takes longer than --shutdown-timeout, the process says so and exits with status 1. The handlers are in
        // place before the server says it is listening: a supervisor may signal it as soon as it reads that line.
        let serving = Task { try await api.run() }
        let sources = stopOnSignals(serving, name: "kgit server", timeout: server.shutdownTimeout)
        let applications = server.applications(webhook: webhook, command: "server")
        Console.error("""
            kgit server listening on \(server.url(port: api.port))
            kubeconfig: \(server.kubeconfig)

            """)
        defer { applications?.cancel() }
        try await serving.value
        withExtendedLifetime(sources) {}
        Console.error("kgit server stopped\n")
    }
}

/// A parsed `HOST:PORT` (IPv6 hosts in brackets).
struct ListenAddress: Equatable {
    var host: String
    var port: Int

    init?(_ text: String) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard let port = Int(portPart), (0...65535).contains(port) else { return nil }
        host = hostPart.isEmpty ? "127.0.0.1" : String(hostPart)
        self.port = port
    }
}
