import ArgumentParser
import Foundation
import KgitAgent
import KgitClient
import KgitControlPlane

/// `kgit agent --simulate N`: simulated kubelets for N nodes against any API server.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run simulated node agents (kubelets) against an API server.",
        discussion: """
            Registers N nodes named PREFIX-1 ... PREFIX-N with the given capacity, labels and taints, renews their \
            Leases in kube-node-lease every 10 s, and moves the pods bound to them through their phases \
            (ContainerCreating, Running, and for Jobs Succeeded) by writing pods/status. A pod's run time comes \
            from its kgit.dev/simulate-run-for annotation or a `sleep N` in its command. A deleted pod is \
            confirmed with a delete of grace period 0. SIGTERM or SIGINT stops the agent; its nodes then stop \
            heartbeating and the node lifecycle controller marks them NotReady.

              kgit agent --simulate 100 --kubeconfig ./data/kubeconfig --name-prefix pool-a --labels pool=a
            """
    )

    @Option(help: "How many nodes to simulate.")
    var simulate: Int

    @Option(help: "The kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context (default: its current-context).")
    var context: String?

    @Option(name: .customLong("name-prefix"), help: "Nodes are named PREFIX-1 ... PREFIX-N.")
    var namePrefix: String = "kgit-sim"

    @Option(help: "CPU capacity of each node.")
    var cpu: String = "4"

    @Option(help: "Memory capacity of each node.")
    var memory: String = "16Gi"

    @Option(help: "The most pods each node runs.")
    var pods: String = "110"

    @Option(help: "Labels of each node, k=v,k2=v2.")
    var labels: String = ""

    @Option(help: "Taints of each node, k=v:Effect,k2:Effect.")
    var taints: String = ""

    @Option(name: .customLong("startup-delay"), help: "How long a pod takes from binding to Running (1s, 500ms).")
    var startupDelay: String = "1s"

    @Option(name: .customLong("failure-rate"), help: "The share of pods (0 to 1) whose containers crash.")
    var failureRate: Double = 0

    @Option(help: "How often each node renews its Lease (10s, as the kubelet).")
    var heartbeat: String = "10s"

    func validate() throws {
        guard simulate >= 0 && simulate <= 100_000 else { throw ValidationError("--simulate must be between 0 and 100000") }
        guard (0...1).contains(failureRate) else { throw ValidationError("--failure-rate must be between 0 and 1") }
        guard let beat = SimulatedPod.parseDuration(heartbeat), beat > .zero else {
            throw ValidationError("--heartbeat must be a positive duration such as 10s")
        }
        guard SimulatedPod.parseDuration(startupDelay) != nil else {
            throw ValidationError("--startup-delay must be a duration such as 1s or 500ms")
        }
        _ = try parsedLabels()
        _ = try parsedTaints()
    }

    func parsedLabels() throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in labels.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--labels: \"\(pair)\" is not key=value")
            }
            result[String(parts[0])] = String(parts[1])
        }
        return result
    }

    func parsedTaints() throws -> [SimulatedNode.Taint] {
        do {
            return try taints.split(separator: ",").map { try SimulatedNode.Taint(parsing: String($0)) }
        } catch {
            throw ValidationError("--taints: \(error)")
        }
    }

    func run() async throws {
        let client: DynamicClient
        do {
            let config = try Kubeconfig.load(explicitPath: kubeconfig)
            client = try DynamicClient(connection: config.connection(context: context))
        } catch {
            throw ExitWith(message: "kgit agent: \(error)", code: 2)
        }
        var options = SimulatedNodeAgent.Options()
        options.startupDelay = SimulatedPod.parseDuration(startupDelay) ?? .seconds(1)
        options.failureRate = failureRate
        options.renewInterval = SimulatedPod.parseDuration(heartbeat) ?? .seconds(10)
        // Spread fleets with different prefixes over the pod CIDR space so their pod IPs differ.
        var hash: UInt32 = 2_166_136_261
        for byte in namePrefix.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let nodes = SimulatedNodeAgent.fleet(
            prefix: namePrefix, count: simulate, capacity: ["cpu": cpu, "memory": memory, "pods": pods],
            labels: try parsedLabels(), taints: try parsedTaints(), firstIndex: Int(hash % 24 + 4) * 1024)
        let agent = SimulatedNodeAgent(
            client: client, nodes: nodes, options: options,
            log: { Console.error("kgit agent: \($0)\n") })
        let running = Task<Void, any Error> { await agent.run() }
        let sources = stopOnSignals(running, name: "kgit agent")
        Console.error("kgit agent: simulating \(simulate) nodes \(namePrefix)-1 ...\n")
        _ = try? await running.value
        withExtendedLifetime(sources) {}
        Console.error("kgit agent stopped\n")
    }
}
