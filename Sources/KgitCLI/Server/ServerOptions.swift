import ArgumentParser
import Foundation
import KgitAPIServer
import KgitClient
import KgitStore

/// The options `kgit server` and `kgit up` share: where the control plane keeps its state and listens, its
/// storage, the Application controller and its webhook, and how long a signal may take to stop it.
struct ServerOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"),
            help: "The directory holding certificates, the kubeconfig, tokens and the embedded store.")
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
        "Seconds a SIGTERM or SIGINT may take to stop everything gracefully before the process exits with status 1.",
        valueName: "seconds"))
    var shutdownTimeout: Int = 5

    @OptionGroup(title: "Storage in etcd (default: embedded under DIR/store)")
    var etcd: EtcdOptions

    func validate() throws {
        guard ListenAddress(listen) != nil else {
            throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:6443 or [::1]:6443")
        }
        guard shutdownTimeout > 0 else { throw ValidationError("--shutdown-timeout must be a positive number of seconds") }
    }

    var directory: URL { URL(fileURLWithPath: dataDirectory) }
    var kubeconfig: String { directory.appendingPathComponent("kubeconfig").path }

    /// The webhook `--webhook-secret-file` configures (off without it). Exits with status 2 when the file cannot
    /// be read.
    func webhook(command: String) throws -> GitWebhook {
        guard let webhookSecretFile else { return GitWebhook(secret: nil) }
        guard let data = FileManager.default.contents(atPath: webhookSecretFile) else {
            throw ExitWith(message: "kgit \(command): cannot read --webhook-secret-file \(webhookSecretFile)", code: 2)
        }
        return GitWebhook(secret: Array(String(decoding: data, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines).utf8))
    }

    /// The API server's configuration: address, data directory, the etcd store when endpoints are given, and the
    /// webhook's route.
    func configuration(webhook: GitWebhook) throws -> APIServer.Configuration {
        guard let address = ListenAddress(listen) else { throw ValidationError("invalid --listen \(listen)") }
        let store: (any KeyValueStore)? = etcd.endpointList == nil ? nil : KgitStoreBackend(try etcd.open())
        var configuration = APIServer.Configuration(
            dataDirectory: directory, host: address.host, port: address.port, store: store)
        configuration.routes[GitWebhook.path] = { request in await webhook.handle(request) }
        return configuration
    }

    /// The `https://HOST:PORT` a started server listens on (IPv6 hosts in brackets).
    func url(port: Int) -> String {
        let host = ListenAddress(listen)?.host ?? "127.0.0.1"
        return "https://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// Runs the Application controller until cancelled, unless `--no-applications`; nil then.
    func applications(webhook: GitWebhook, command: String) -> Task<Void, Never>? {
        if noApplications { return nil }
        let kubeconfig = kubeconfig
        let cache = gitCacheDirectory ?? directory.appendingPathComponent("git").path
        return Task {
            await Self.runApplications(kubeconfig: kubeconfig, cacheDirectory: cache, webhook: webhook, command: command)
        }
    }

    /// Installs the `Application` definition and runs its controller, as the admin the kubeconfig names, until
    /// cancelled. A failure to install is reported and leaves the server serving without it.
    static func runApplications(kubeconfig: String, cacheDirectory: String, webhook: GitWebhook, command: String) async {
        do {
            let client = try DynamicClient(connection: Kubeconfig.load(explicitPath: kubeconfig).connection())
            try await ApplicationController.install(client: client)
            let controller = ApplicationController(client: client, cacheDirectory: cacheDirectory)
            webhook.attach(controller)
            await controller.run()
        } catch {
            Console.error("kgit \(command): Applications are not reconciled: \(error)\n")
        }
    }
}
