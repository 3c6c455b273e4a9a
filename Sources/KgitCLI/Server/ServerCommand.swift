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
            On first start, creates a cluster CA, a serving certificate and an admin client certificate under
            the data directory and writes DIR/kubeconfig; later starts reuse them. Use it with
            `kubectl --kubeconfig DIR/kubeconfig get namespaces`.

            Requests must authenticate with a client certificate signed by the cluster CA or with a bearer
            token listed in DIR/tokens.csv (`token,user,uid,"group1,group2"` per line).

            Objects are stored in an embedded store under DIR/store, or in an etcd cluster with
            --etcd-endpoints (over TLS with --etcd-cacert, --etcd-cert and --etcd-key).
            """
    )

    @Option(name: .customLong("data-dir"), help: "The directory holding certificates, the kubeconfig and tokens.")
    var dataDirectory: String

    @Option(help: "The address to listen on, HOST:PORT (port 0 picks a free port).")
    var listen: String = "127.0.0.1:6443"

    @Option(name: .customLong("git-cache-dir"), help: "Where the Application controller keeps git mirrors (default: DIR/git).")
    var gitCacheDirectory: String?

    @Flag(help: "Do not install the Application definition nor run its controller.")
    var noApplications = false

    @Option(help: ArgumentHelp(
        "A file holding the shared secret of POST /webhooks/git (GitHub X-Hub-Signature-256, GitLab X-Gitlab-Token, or a bearer token); without it webhooks are off.",
        valueName: "file"))
    var webhookSecretFile: String?

    @Option(name: .customLong("shutdown-timeout"), help: ArgumentHelp(
        "Seconds a SIGTERM or SIGINT may take to close connections and the store before the process exits with status 1.",
        valueName: "seconds"))
    var shutdownTimeout: Int = 5

    @OptionGroup(title: "Storage in etcd (default: embedded under DIR/store)")
    var etcd: EtcdOptions

    func validate() throws {
        guard shutdownTimeout > 0 else { throw ValidationError("--shutdown-timeout must be a positive number of seconds") }
        guard ListenAddress(listen) != nil else {
            throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:6443 or [::1]:6443")
        }
    }

    func run() async throws {
        guard let address = ListenAddress(listen) else { throw ValidationError("invalid --listen \(listen)") }
        let directory = URL(fileURLWithPath: dataDirectory)
        var secret: [UInt8]?
        if let webhookSecretFile {
            guard let data = FileManager.default.contents(atPath: webhookSecretFile) else {
                throw ExitWith(message: "kgit server: cannot read --webhook-secret-file \(webhookSecretFile)", code: 2)
            }
            secret = Array(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        }
        let webhook = GitWebhook(secret: secret)
        let server: APIServer
        do {
            let store: (any KeyValueStore)? = etcd.endpointList == nil ? nil : KgitStoreBackend(try etcd.open())
            var configuration = APIServer.Configuration(
                dataDirectory: directory, host: address.host, port: address.port, store: store)
            configuration.routes[GitWebhook.path] = { request in await webhook.handle(request) }
            server = try await APIServer.start(configuration)
        } catch {
            throw ExitWith(message: "kgit server: cannot start: \(error)", code: 2)
        }
        FileHandle.standardError.write(Data("""
            kgit server listening on https://\(address.host.contains(":") ? "[\(address.host)]" : address.host):\(server.port)
            kubeconfig: \(directory.appendingPathComponent("kubeconfig").path)

            """.utf8))
        // SIGTERM and SIGINT stop the server gracefully (connections closed, store closed); if that
        // takes longer than --shutdown-timeout, the process says so and exits with status 1.
        let serving = Task { try await server.run() }
        let applications = noApplications ? nil : Task {
            await Self.runApplications(
                kubeconfig: directory.appendingPathComponent("kubeconfig").path,
                cacheDirectory: gitCacheDirectory ?? directory.appendingPathComponent("git").path, webhook: webhook)
        }
        let sources = stopOnSignals(serving, name: "kgit server", timeout: shutdownTimeout)
        defer { applications?.cancel() }
        try await serving.value
        withExtendedLifetime(sources) {}
        FileHandle.standardError.write(Data("kgit server stopped\n".utf8))
    }
}

extension ServerCommand {
    /// Installs the `Application` definition and runs its controller, as the admin the kubeconfig names, until
    /// cancelled. A failure to install is reported and leaves the server serving without it.
    static func runApplications(kubeconfig: String, cacheDirectory: String, webhook: GitWebhook) async {
        do {
            let client = try DynamicClient(connection: Kubeconfig.load(explicitPath: kubeconfig).connection())
            try await ApplicationController.install(client: client)
            let controller = ApplicationController(client: client, cacheDirectory: cacheDirectory)
            webhook.attach(controller)
            await controller.run()
        } catch {
            FileHandle.standardError.write(Data("kgit server: Applications are not reconciled: \(error)\n".utf8))
        }
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
