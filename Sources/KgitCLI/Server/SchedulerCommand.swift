import ArgumentParser
import Foundation
import KgitClient
import KgitControlPlane

/// `kgit scheduler`: the scheduler alone, against any API server.
struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Run the scheduler against an API server: bind pending pods to nodes.",
        discussion: """
            Watches pods and nodes through the kubeconfig's server and binds every pod whose spec.schedulerName is \
            --scheduler-name (default-scheduler) to a node, as `kgit up` does in-process. A pod no node fits stays \
            Pending with a PodScheduled=False condition and a FailedScheduling event that explains why, node by \
            node. Several replicas elect a leader on the Lease kube-system/kube-scheduler; only the leader \
            schedules. SIGTERM or SIGINT stops it (and releases the Lease).

            Against `kgit server --data-dir DIR` (or `kgit up`), run it as its own user with \
            --kubeconfig DIR/scheduler.kubeconfig: the server issues that client certificate (CN \
            system:kube-scheduler) from its CA, and the default RBAC grants it only what a scheduler needs.
            """
    )

    @Option(help: "The kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context (default: its current-context).")
    var context: String?

    @Option(name: .customLong("scheduler-name"), help: "The spec.schedulerName this scheduler serves.")
    var schedulerName: String = SchedulerRunner.defaultName

    @Flag(inversion: .prefixedEnableDisable, help: "Elect a leader among replicas on a Lease in kube-system.")
    var leaderElect: Bool = true

    func run() async throws {
        let client: DynamicClient
        do {
            client = try DynamicClient(connection: Kubeconfig.load(explicitPath: kubeconfig).connection(context: context))
        } catch {
            throw ExitWith(message: "kgit scheduler: \(error)", code: 2)
        }
        let log: @Sendable (String) -> Void = { Console.error("kgit scheduler: \($0)\n") }
        let runner = SchedulerRunner(client: client, schedulerName: schedulerName, log: log)
        let identity = "\(ProcessInfo.processInfo.hostName)_\(UUID().uuidString.prefix(8).lowercased())"
        let electing = leaderElect
        let running = Task { () async throws in
            if electing {
                let elector = LeaderElector(
                    client: client,
                    configuration: .init(namespace: "kube-system", name: "kube-scheduler", identity: identity))
                log("waiting for the Lease kube-system/kube-scheduler as \(identity)")
                await elector.run {
                    log("leading as \(identity)")
                    await runner.run()
                }
                if !Task.isCancelled { throw ExitWith(message: "kgit scheduler: lost the Lease kube-system/kube-scheduler", code: 1) }
            } else {
                await runner.run()
            }
        }
        let sources = stopOnSignals(running, name: "kgit scheduler")
        try await running.value
        withExtendedLifetime(sources) {}
        log("stopped")
    }
}
