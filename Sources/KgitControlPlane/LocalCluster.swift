import Foundation
import KgitAPIServer
import KgitClient

/// The whole cluster in one process, as `kgit up` runs it: the API server (HTTPS for kubectl and other
/// clients), the controller manager, the scheduler and the nodes, the latter three talking to the server
/// in-process as the control plane's own identity.
///
/// ```
/// kubectl ──HTTPS──▶ APIServer ◀──InProcessTransport── DynamicClient ◀── ControllerManager
///                                                                     ◀── SchedulerRunner
///                                                                     ◀── NodeRegistrar (N nodes)
///                                                                     ◀── more components (agents)
/// ```
public final class LocalCluster: Sendable {
    /// A component run beside the control plane with the in-process client (the scheduler, node agents).
    public typealias Component = @Sendable (DynamicClient) async -> Void

    /// The API server.
    public let server: APIServer
    /// The in-process client the components use.
    public let client: DynamicClient
    /// The controller manager.
    public let controllerManager: ControllerManager
    /// The simulated nodes' registration.
    public let nodes: NodeRegistrar
    /// The scheduler.
    public let scheduler: SchedulerRunner
    private let components: [Component]
    private let log: @Sendable (String) -> Void

    private init(server: APIServer, client: DynamicClient, controllerManager: ControllerManager, nodes: NodeRegistrar,
                 scheduler: SchedulerRunner, components: [Component], log: @escaping @Sendable (String) -> Void) {
        self.scheduler = scheduler
        self.server = server
        self.client = client
        self.controllerManager = controllerManager
        self.nodes = nodes
        self.components = components
        self.log = log
    }

    /// Starts the API server (binding its port, writing `DIR/kubeconfig`) and prepares the components; with
    /// `cloud`, the controller manager also runs the cloud controllers (load balancer and node addresses).
    public static func start(
        _ configuration: APIServer.Configuration, nodes count: Int, cloud: LocalCloudProvider? = nil,
        components: [Component] = [], log: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> LocalCluster {
        let server = try await APIServer.start(configuration)
        let client = DynamicClient(transport: InProcessTransport(handler: server.handler))
        let manager = await ControllerManager.make(client: client, cloud: cloud, log: log)
        let nodes = NodeRegistrar(client: client, count: count)
        let scheduler = SchedulerRunner(client: client, log: log)
        return LocalCluster(server: server, client: client, controllerManager: manager, nodes: nodes,
                            scheduler: scheduler, components: components, log: log)
    }

    /// Serves and reconciles until the task is cancelled.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [server] in try await server.run() }
            group.addTask { [controllerManager] in await controllerManager.run() }
            group.addTask { [nodes, log] in await nodes.run(log: log) }
            group.addTask { [scheduler] in await scheduler.run() }
            for component in components {
                group.addTask { [client] in await component(client) }
            }
            // The server returns when cancelled; then everything else stops.
            _ = try await group.next()
            group.cancelAll()
        }
    }
}
