import Crypto
import Foundation
import KgitStore
import KgitAPIMachinery
import NIOCore
import NIOPosix
import NIOSSL

/// `kgit server`: the Kubernetes-compatible API server over HTTPS.
///
/// ``start()`` prepares the data directory (PKI, kubeconfig, token file), seeds the default
/// namespaces, binds the listener and returns once the server accepts connections; ``run()``
/// serves until cancelled.
public final class APIServer: Sendable {
    /// How the server is set up.
    public struct Configuration: Sendable {
        /// Where certificates, the kubeconfig, the token file and the store journal live.
        public var dataDirectory: URL
        public var host: String
        /// 0 picks a free port (see ``APIServer/port``).
        public var port: Int
        /// Larger request bodies get 413.
        public var maxRequestBodyBytes: Int
        /// How often store history is compacted (resourceVersions older than about one interval get 410).
        public var compactionInterval: Duration = .seconds(300)
        /// The store to use; nil keeps objects in KgitStore's SQLite store under `DIR/store`.
        public var store: (any KeyValueStore)?
        /// Extra endpoints by exact path (`/webhooks/git`), answered before authentication: each handler
        /// authenticates its callers itself (a webhook checks a shared secret's signature).
        public var routes: [String: @Sendable (APIRequest) async -> APIResponse] = [:]
        /// Per-client request limits (``ClientRateLimiter``); benchmarks that drive the server from one
        /// identity far above a client's fair share raise them.
        public var rateLimits: ClientRateLimiter.Limits = .standard
        /// Events each resource's watch cache keeps for watchers resuming from a resourceVersion; 0 turns
        /// the watch cache off (every watch then opens its own store watch, as before the cache).
        public var watchCacheWindow = 4096
        /// TLS handshake, request-read and idle keep-alive limits per connection (``ConnectionTimeouts``).
        public var connectionTimeouts = ConnectionTimeouts()

        public init(dataDirectory: URL, host: String = "127.0.0.1", port: Int = 6443,
                    maxRequestBodyBytes: Int = 3 * 1024 * 1024, store: (any KeyValueStore)? = nil) {
            self.dataDirectory = dataDirectory
            self.host = host
            self.port = port
            self.maxRequestBodyBytes = maxRequestBodyBytes
            self.store = store
        }
    }

    public let configuration: Configuration
    let group: MultiThreadedEventLoopGroup
    let http: HTTPServer
    let serverChannel: NIOAsyncChannel<HTTPServer.Connection, Never>
    /// The bound port.
    public let port: Int
    public let handler: APIHandler

    private init(configuration: Configuration, group: MultiThreadedEventLoopGroup, http: HTTPServer,
                 serverChannel: NIOAsyncChannel<HTTPServer.Connection, Never>, port: Int, handler: APIHandler) {
        self.configuration = configuration
        self.group = group
        self.http = http
        self.serverChannel = serverChannel
        self.port = port
        self.handler = handler
    }

    /// Prepares the data directory, binds the listener and writes `kubeconfig` (the admin's) and
    /// `scheduler.kubeconfig` (the `system:kube-scheduler` user's, for `kgit scheduler`).
    public static func start(_ configuration: Configuration) async throws -> APIServer {
        let dir = configuration.dataDirectory
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let pki = try ClusterPKI.loadOrCreate(in: dir, hosts: [configuration.host])

        let tokenFile = dir.appendingPathComponent("tokens.csv")
        var tokens: [String: UserInfo] = [:]
        if let text = try? String(contentsOf: tokenFile, encoding: .utf8) {
            tokens = Authenticator.parseTokenFile(text)
        }

        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(pki.server.certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(pki.server.privateKeyPEM.utf8), format: .pem)))
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pki.ca.certificatePEM.utf8)))
        tls.certificateVerification = .optionalVerification
        tls.minimumTLSVersion = .tlsv12
        let sslContext = try NIOSSLContext(configuration: tls)

        let store: any KeyValueStore
        if let configured = configuration.store {
            store = configured
        } else {
            let storeDirectory = dir.appendingPathComponent("store")
            try FileManager.default.createDirectory(at: storeDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            store = KgitStoreBackend(try SQLiteStore(directory: storeDirectory.path))
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(2, System.coreCount))
        let box = HandlerBox()
        let http = HTTPServer(host: configuration.host, port: configuration.port, tls: sslContext,
                              maxBodyBytes: configuration.maxRequestBodyBytes,
                              timeouts: configuration.connectionTimeouts, group: group) { [routes = configuration.routes] request in
            if let route = routes[request.path] { return await route(request) }
            return await box.handler?.handle(request) ?? .error(.internalError("the server is starting"))
        }
        let (channel, port) = try await http.bind()
        let displayHost = configuration.host == "0.0.0.0" || configuration.host == "::" ? "127.0.0.1" : configuration.host
        let hostPort = displayHost.contains(":") ? "[\(displayHost)]:\(port)" : "\(displayHost):\(port)"
        let authenticator = Authenticator.with(
            staticTokens: tokens, signingKey: try P256.Signing.PrivateKey(pemRepresentation: pki.serviceAccountKeyPEM),
            store: store)
        let encryption = try EncryptionAtRest.loadOrCreate(in: dir)
        let handler = APIHandler(
            store: store, authenticator: authenticator,
            authorizer: AuthorizerChain([
                PrivilegedGroupAuthorizer(), RBACAuthorizer(registry: Registry(store: store, catalog: .builtIn)),
            ]),
            serverAddress: hostPort, audit: try AuditLog(url: dir.appendingPathComponent("audit.log")),
            encryption: encryption, rateLimits: configuration.rateLimits,
            watchCacheWindow: configuration.watchCacheWindow)
        box.handler = handler
        // Build the OpenAPI documents off the request path, so the first `kubectl apply` is quick.
        Task.detached(priority: .background) { _ = handler.openAPI.root }
        try await handler.bootstrap()

        let kubeconfig = Kubeconfig(server: "https://\(hostPort)", caPEM: pki.ca.certificatePEM,
                                    clientCertificatePEM: pki.admin.certificatePEM, clientKeyPEM: pki.admin.privateKeyPEM)
        try SecureFile.write(kubeconfig.text, to: dir.appendingPathComponent("kubeconfig"), mode: 0o600)
        var schedulerKubeconfig = Kubeconfig(
            server: "https://\(hostPort)", caPEM: pki.ca.certificatePEM,
            clientCertificatePEM: pki.scheduler.certificatePEM, clientKeyPEM: pki.scheduler.privateKeyPEM)
        schedulerKubeconfig.userName = ClusterPKI.schedulerUser
        try SecureFile.write(schedulerKubeconfig.text, to: dir.appendingPathComponent("scheduler.kubeconfig"), mode: 0o600)
        return APIServer(configuration: configuration, group: group, http: http, serverChannel: channel, port: port,
                         handler: handler)
    }

    /// Each watch cache's counters, by storage prefix and API version (`/registry/pods/ v1`): lists,
    /// store-watch restarts, resets, watchers ended as too slow.
    public func watchCacheStatistics() async -> [String: WatchCacheStatistics] {
        await handler.watchCaches.statistics()
    }

    /// Serves until the task is cancelled, then shuts the event loops down and closes the store.
    public func run() async throws {
        let backend = handler.registry.store as? KgitStoreBackend
        let compaction = backend.map { backend in
            Task { [interval = configuration.compactionInterval] in
                await Compactor(store: backend.store).run(every: interval)
            }
        }
        defer { compaction?.cancel() }
        do {
            try await http.serve(serverChannel)
        } catch is CancellationError {
        }
        try? await group.shutdownGracefully()
        if let backend = handler.registry.store as? KgitStoreBackend { await backend.store.close() }
    }
}

/// Late-bound handler reference, so the listener can be bound (and its port known) before the
/// handler that reports the port is built.
final class HandlerBox: @unchecked Sendable {
    // Written once before the first connection is accepted, read afterwards.
    private let lock = NSLock()
    private var _handler: APIHandler?

    var handler: APIHandler? {
        get { lock.withLock { _handler } }
        set { lock.withLock { _handler = newValue } }
    }
}

extension APIHandler {
    /// Creates what every cluster has when it is missing: the namespaces `default`, `kube-system`,
    /// `kube-public` and `kube-node-lease`, the bootstrap RBAC policy and the two system
    /// PriorityClasses; then serves the custom
    /// resources of the CRDs already stored.
    public func bootstrap() async throws(APIError) {
        var objects: [(info: ResourceInfo, object: JSONValue)] = []
        if let info = catalog.lookup(group: "", version: "v1", resource: "namespaces") {
            for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
                objects.append((info, ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]))
            }
        }
        for (resource, object) in BootstrapPolicy.objects {
            guard let info = catalog.lookup(group: "rbac.authorization.k8s.io", version: "v1", resource: resource) else {
                continue
            }
            objects.append((info, object))
        }
        if let info = catalog.lookup(group: "scheduling.k8s.io", version: "v1", resource: "priorityclasses") {
            for object in PriorityAdmission.systemClassObjects { objects.append((info, object)) }
        }
        for (info, object) in objects {
            let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
            if try await registry.read(info, namespace: nil, name: name) != nil { continue }
            var prepared = object
            try Strategy.prepareForCreate(&prepared, info: info, now: clock())
            _ = try await registry.create(info, object: prepared, dryRun: false)
        }
        for namespace in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            try await ensureDefaultServiceAccount(in: namespace)
        }
        try await reconcileCustomResourceDefinitions()
        try await resumeNamespaceFinalizers()
    }
}

extension Authenticator {
    /// An authenticator for static tokens and service-account tokens signed by `signingKey`, whose
    /// accounts are looked up in `store`.
    static func with(staticTokens: [String: UserInfo], signingKey: P256.Signing.PrivateKey, store: any KeyValueStore)
        -> Authenticator
    {
        let accounts = Registry(store: store, catalog: .builtIn)
        return Authenticator(
            staticTokens: staticTokens, serviceAccounts: ServiceAccountTokens(signingKey: signingKey),
            accountUID: { namespace, name in
                guard let info = accounts.catalog.lookup(group: "", version: "v1", resource: "serviceaccounts"),
                      let found = try? await accounts.read(info, namespace: namespace, name: name)
                else { return nil }
                return found.object.value(at: ["metadata", "uid"])?.stringValue
            })
    }
}
