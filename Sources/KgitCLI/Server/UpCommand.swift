import ArgumentParser
import Foundation
import KgitAPIServer
import KgitAgent
import KgitControlPlane
import KgitControllers

/// `kgit up`: the whole cluster in one process.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run a whole cluster in one process: API server, controller manager, scheduler and nodes.",
        discussion: """
            Starts what `kgit server` starts (same options, data directory, certificates, DIR/kubeconfig, store \
            and Application controller), and beside it, talking to it in-process: the controller manager \
            (Deployments, ReplicaSets, DaemonSets, StatefulSets, Jobs, CronJobs, Endpoints and EndpointSlices, \
            ServiceAccounts, namespace deletion, garbage collection, node lifecycle, PodDisruptionBudgets), the \
            scheduler (binds pending pods to nodes), N simulated nodes kgit-node-1 ... (what `kgit agent --simulate` \
            runs: Leases, node status, pods moved through their phases), and a cloud controller manager with a local \
            provider: type: LoadBalancer Services get an EXTERNAL-IP from --lb-pool, nodes without an InternalIP get \
            one. Then `kubectl --kubeconfig DIR/kubeconfig get nodes,pods -A` shows the cluster. \
            SIGTERM or SIGINT stops it.
            """
    )

    @OptionGroup(title: "Options of kgit server")
    var server: ServerOptions

    @Option(help: "How many simulated nodes to register.")
    var nodes: Int = 3

    @Option(name: .customLong("lb-pool"),
            help: "Addresses for type: LoadBalancer Services, a CIDR or FIRST-LAST (IPv4).")
    var loadBalancerPool: String = AddressPool.defaultPool

    @Option(name: .customLong("node-monitor-grace-period"),
            help: "How long a node may miss Lease renewals before it is marked NotReady (40s, 5s).")
    var nodeMonitorGracePeriod: String = "40s"

    @Option(name: .customLong("startup-delay"), help: "How long a simulated pod takes from binding to Running.")
    var startupDelay: String = "1s"

    @Option(name: .customLong("failure-rate"), help: "The share of simulated pods (0 to 1) whose containers crash.")
    var failureRate: Double = 0

    @Option(name: .customLong("stats-interval"),
            help: "Log watch-cache and informer counters (relists, restarts, queued keys) this often (30s); off if unset.")
    var statsInterval: String?

    func validate() throws {
        guard nodes >= 0 && nodes <= 100_000 else { throw ValidationError("--nodes must be between 0 and 100000") }
        do {
            _ = try AddressPool(parsing: loadBalancerPool)
        } catch {
            throw ValidationError("--lb-pool: \(error)")
        }
        guard SimulatedPod.parseDuration(nodeMonitorGracePeriod) != nil else {
            throw ValidationError("--node-monitor-grace-period must be a duration such as 40s")
        }
        guard SimulatedPod.parseDuration(startupDelay) != nil else {
            throw ValidationError("--startup-delay must be a duration such as 1s or 500ms")
        }
        if let statsInterval, SimulatedPod.parseDuration(statsInterval) == nil {
            throw ValidationError("--stats-interval must be a duration such as 30s")
        }
        guard (0...1).contains(failureRate) else { throw ValidationError("--failure-rate must be between 0 and 1") }
    }

    func run() async throws {
        let webhook = try server.webhook(command: "up")
        let cluster: LocalCluster
        var agent = SimulatedNodeAgent.Options()
        agent.startupDelay = SimulatedPod.parseDuration(startupDelay) ?? .seconds(1)
        agent.failureRate = failureRate
        var controllers = ControllerManager.Options()
        controllers.nodeMonitorGracePeriod = SimulatedPod.parseDuration(nodeMonitorGracePeriod) ?? .seconds(40)
        // Renew at least four times per grace period, as the kubelet's 10 s does for the default 40 s.
        agent.renewInterval = min(.seconds(10), controllers.nodeMonitorGracePeriod / 4)
        do {
            cluster = try await LocalCluster.start(
                try server.configuration(webhook: webhook), nodes: nodes,
                cloud: LocalCloudProvider(loadBalancerPool: try AddressPool(parsing: loadBalancerPool)),
                agent: agent, controllers: controllers,
                log: { Console.error("kgit up: \($0)\n") })
        } catch {
            throw ExitWith(message: "kgit up: cannot start: \(error)", code: 2)
        }
        let interval = statsInterval.flatMap(SimulatedPod.parseDuration)
        let running = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await cluster.run() }
                if let interval {
                    group.addTask {
                        // Ends quietly when cancelled: a CancellationError here would make stopping look like a failure.
                        while !Task.isCancelled {
                            try? await Task.sleep(for: interval)
                            if Task.isCancelled { break }
                            let line = await cluster.statistics()
                            Console.error("kgit up: stats: \(line)\n")
                        }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
        let applications = server.applications(webhook: webhook, command: "up")
        let sources = stopOnSignals(running, name: "kgit up", timeout: server.shutdownTimeout)
        // Said once the signal handlers are in place (a supervisor may signal as soon as it reads this).
        Console.error("""
            kgit up listening on \(server.url(port: cluster.server.port))
            kubeconfig: \(server.kubeconfig)
            controllers: \(cluster.controllerManager.controllers.map(\.name).joined(separator: ", "))
            scheduler: \(SchedulerRunner.defaultName)
            load balancer pool: \(loadBalancerPool)
            nodes: \(nodes)

            """)
        defer { applications?.cancel() }
        try await running.value
        withExtendedLifetime(sources) {}
        Console.error("kgit up stopped\n")
    }
}

/// Cancels `task` on SIGTERM or SIGINT; if it has not finished `timeout` seconds later, says so and exits with
/// status 1. Returns once the handlers are in place, so a supervisor that signals the process as soon as it
/// announces itself is heard.
func stopOnSignals(_ task: Task<Void, any Error>, name: String, timeout: Int = 5) -> [DispatchSourceSignal] {
    SignalStop.handle([SIGTERM, SIGINT], timeout: .seconds(timeout)) {
        task.cancel()
    } onTimeout: {
        Console.error("\(name): graceful shutdown took over \(timeout) s; exiting\n")
        // At once: exit(3)'s atexit handlers and flushes could wait on the very threads still busy.
        Glibc._exit(1)
    }
}

/// Signal handling for the long-running commands, through Dispatch signal sources.
enum SignalStop {
    /// Runs `onSignal` when any of `signals` arrives, and `onTimeout` `timeout` later (each time one arrives).
    /// Keep the returned sources alive for as long as the signals should be handled.
    ///
    /// Returns only once every source is registered. On Linux, libdispatch installs its own handler for a
    /// signal (which forwards it to the thread reading its signalfd) when it registers the source, on its
    /// manager thread, some time after `resume()`; until then the signal's disposition is the `SIG_IGN` set
    /// here, and a signal arriving in that window is discarded. A server that printed "listening" before
    /// that point could miss a SIGTERM sent the moment the line appeared, and never stop.
    static func handle(
        _ signals: [Int32], timeout: DispatchTimeInterval, onSignal: @escaping @Sendable () -> Void,
        onTimeout: @escaping @Sendable () -> Void
    ) -> [DispatchSourceSignal] {
        let registered = DispatchGroup()
        var sources: [DispatchSourceSignal] = []
        for signalNumber in signals {
            // Ignored until libdispatch's handler replaces this, rather than the default action (which ends
            // the process).
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                onSignal()
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: onTimeout)
            }
            registered.enter()
            source.setRegistrationHandler { registered.leave() }
            source.resume()
            sources.append(source)
        }
        // Registration takes microseconds; the bound only keeps a wedged Dispatch from hanging startup.
        _ = registered.wait(timeout: .now() + 10)
        return sources
    }
}
