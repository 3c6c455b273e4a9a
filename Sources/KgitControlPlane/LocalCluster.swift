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
        // One pod informer for the controllers, the scheduler and the nodes: each informer keeps every pod
        // decoded, and three copies of 50,000 pods were most of kgit up's memory.
        let pods = manager.informers.informer(apiVersion: "v1", kind: "Pod")
        let nodes = SimulatedNodeAgent(
            client: client,
            nodes: SimulatedNodeAgent.fleet(
                prefix: "kgit-node", count: count, capacity: ["cpu": "4", "memory": "16Gi", "pods": "110"]),
            options: agent, pods: pods, log: log)
        let scheduler = SchedulerRunner(client: client, informers: manager.informers, log: log)
        return LocalCluster(server: server, client: client, controllerManager: manager, nodes: nodes,
                            scheduler: scheduler, components: components, log: log)
    }

    /// One line of counters for telling a cluster that is busy from one that keeps starting over: per watch
    /// cache that did more than list once (lists, store-watch restarts, resets, watchers ended as too slow), the
    /// informers that relisted (by cause, with their watch requests), and the controllers' queued keys.
    public func statistics() async -> String {
        var parts: [String] = []
        let caches = await server.watchCacheStatistics()
        for (name, s) in caches.sorted(by: { $0.key < $1.key })
        where s.lists > 1 || s.storeWatchRestarts > 0 || s.resets > 0 || s.slowWatchersEnded > 0 {
            let resource = name.split(separator: " ").first.map(String.init) ?? name
            parts.append("cache \(resource) lists=\(s.lists) restarts=\(s.storeWatchRestarts) resets=\(s.resets) "
                         + "slow=\(s.slowWatchersEnded) watchers=\(s.watchers) objects=\(s.objects)")
        }
        func informers(_ label: String, _ list: [Informer]) {
            for informer in list.sorted(by: { $0.kind < $1.kind }) {
                let s = informer.statistics
                guard s.relists > 0 else { continue }
                parts.append("\(label) \(informer.kind) relists expired=\(s.relistsExpired) failure=\(s.relistsFailure) "
                             + "watches=\(s.watches) rv=\(informer.resourceVersion)")
            }
        }
        // The scheduler and the nodes share the controller manager's informers.
        informers("informer", controllerManager.informers.informers)
        let queued = controllerManager.controllers.filter { $0.queue.count > 0 }.map { "\($0.name)=\($0.queue.count)" }
        if !queued.isEmpty { parts.append("queued " + queued.joined(separator: " ")) }
        return parts.isEmpty ? "no relists, restarts or queued keys" : parts.joined(separator: "; ")
    }

    /// Serves and reconciles until the task is cancelled (or the server fails, whose error it throws).
    ///
    /// When cancelled, the components stop first (controllers, scheduler, nodes: no new work, in-flight requests
    /// answered by the still running server), then the server closes; the other order left thousands of nodes'
    /// writes failing against a closed store while shutdown waited for them.
    public func run() async throws {
        let (serverEnded, serverEndedContinuation) = AsyncStream<Never>.makeStream()
        // Not a child: it must outlive the components' cancellation.
        let serving = Task { [server] in
            defer { serverEndedContinuation.finish() }
            try await server.run()
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [controllerManager] in await controllerManager.run() }
            group.addTask { [nodes] in await nodes.run() }
            group.addTask { [scheduler] in await scheduler.run() }
            for component in components {
                group.addTask { [client] in await component(client) }
            }
            // Ends when the server stops on its own, or at once when this task is cancelled.
            group.addTask { for await _ in serverEnded {} }
            _ = await group.next()
            group.cancelAll()
        }
        serving.cancel()
        try await serving.value
    }
}
