import Foundation
import KgitAPIServer
import KgitAgent
import KgitClient

/// The whole cluster in one process, as `kgit up` runs it: the API server (HTTPS for kubectl and other
/// clients), the controller manager, the scheduler and the nodes, the latter three talking to the server
/// in-process as the control plane's own identity.
///
/// ```
/// kubectl ──HTTPS──▶ APIServer ◀──InProcessTransport── DynamicClient ◀── ControllerManager
///                                                                     ◀── SchedulerRunner
///                                                                     ◀── SimulatedNodeAgent (N nodes)
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
    /// The simulated nodes (their kubelets).
    public let nodes: SimulatedNodeAgent
    /// The scheduler.
    public let scheduler: SchedulerRunner
    private let components: [Component]
    private let log: @Sendable (String) -> Void

    private init(server: APIServer, client: DynamicClient, controllerManager: ControllerManager, nodes: SimulatedNodeAgent,
                 scheduler: SchedulerRunner, components: [Component], log: @escaping @Sendable (String) -> Void) {
        self.scheduler = scheduler
        self.server = server
        self.client = client
        self.controllerManager = controllerManager
        self.nodes = nodes
        self.components = components
        self.log = log
    }

    /// Starts the API server (binding its port, writing `DIR/kubeconfig`) and prepares the components:
    /// `count` simulated nodes `kgit-node-1` ... with `agent` options, the scheduler, and the controller manager
    /// with `controllers` options; with `cloud`, the controller manager also runs the cloud controllers (load
    /// balancer and node addresses).
    public static func start(
        _ configuration: APIServer.Configuration, nodes count: Int, cloud: LocalCloudProvider? = nil,
        components: [Component] = [], agent: SimulatedNodeAgent.Options = .init(),
        controllers: ControllerManager.Options = .init(), log: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> LocalCluster {
        // The components below share the in-process identity; a per-client limit meant for outside clients
        // would throttle thousands of nodes' Lease renewals as one client's flood.
        var configuration = configuration
        configuration.rateLimits.exemptClients.insert(InProcessTransport.controlPlaneUser.name)
        let server = try await APIServer.start(configuration)
        let client = DynamicClient(transport: InProcessTransport(handler: server.handler))
        let manager = await ControllerManager.make(client: client, options: controllers, cloud: cloud, log: log)
        let nodes = SimulatedNodeAgent(
            client: client,
            nodes: SimulatedNodeAgent.fleet(
                prefix: "kgit-node", count: count, capacity: ["cpu": "4", "memory": "16Gi", "pods": "110"]),
            options: agent, log: log)
        let scheduler = SchedulerRunner(client: client, log: log)
        return LocalCluster(server: server, client: client, controllerManager: manager, nodes: nodes,
                            scheduler: scheduler, components: components, log: log)
    }

    /// Serves and reconciles until the task is cancelled.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [server] in try await server.run() }
            group.addTask { [controllerManager] in await controllerManager.run() }
            group.addTask { [nodes] in await nodes.run() }
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
