import Foundation
import KgitAPIMachinery
@testable import KgitControllers

/// A small control loop over the in-memory cluster: each tick runs the Deployment and ReplicaSet
/// controllers once for every object, then plays the kubelet by moving pods to Running and Ready.
actor Simulation {
    let cluster: InMemoryCluster
    let namespace: String
    /// Whether new pods become ready on the next tick (false: they stay Pending).
    var podsBecomeReady = true
    /// Checked after each controller step; tests record invariant violations here.
    var observations: [(pods: Int, available: Int)] = []

    init(namespace: String = "shop", now: Date = Fixture.t0) {
        cluster = InMemoryCluster(now: now)
        self.namespace = namespace
    }

    func setPodsBecomeReady(_ ready: Bool) { podsBecomeReady = ready }

    func key(_ kind: String, _ name: String, apiVersion: String = "apps/v1") -> ObjectKey {
        ObjectKey(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
    }

    /// Runs every controller once and the kubelet once; returns how many actions the controllers took
    /// (besides requeues).
    @discardableResult
    func tick() async throws -> Int {
        let now = await cluster.now
        var taken = 0
        for d in await cluster.list("Deployment", namespace: namespace) {
            let actions = try DeploymentController.reconcile(
                d, replicaSets: await cluster.list("ReplicaSet", namespace: namespace),
                pods: await cluster.list("Pod", namespace: namespace), now: now)
            taken += try await perform(actions, component: DeploymentController.component, now: now)
        }
        for rs in await cluster.list("ReplicaSet", namespace: namespace) {
            let actions = try ReplicaSetController.reconcile(rs, pods: await cluster.list("Pod", namespace: namespace), now: now)
            taken += try await perform(actions, component: ReplicaSetController.component, now: now)
            await observe()
        }
        if podsBecomeReady {
            for pod in await cluster.list("Pod", namespace: namespace)
            where pod.value(at: ["status", "phase"]) == nil {
                _ = try await cluster.patch(try ObjectMeta(pod).key, mergePatch: [
                    "spec": ["nodeName": "node-1"],
                ], status: false)
                _ = try await cluster.patch(try ObjectMeta(pod).key, mergePatch: [
                    "status": ["phase": "Running", "conditions": [[
                        "type": "Ready", "status": "True", "lastTransitionTime": .string(RFC3339.format(now)),
                    ]]],
                ], status: true)
            }
        }
        await cluster.advance(by: 1)
        return taken
    }

    func perform(_ actions: [ControllerAction], component: String, now: Date) async throws -> Int {
        let outcome = await ControllerDriver(writer: cluster, component: component).perform(actions, now: now)
        if let failure = outcome.failures.first { throw SimulationError(message: "\(failure.action): \(failure.error)") }
        return actions.filter { if case .requeue = $0 { return false } else { return true } }.count
    }

    /// Records the number of active pods and of available pods.
    func observe() async {
        let pods = await cluster.list("Pod", namespace: namespace).compactMap { try? Pod($0) }.filter(\.isActive)
        observations.append((pods.count, pods.filter(\.isReady).count))
    }

    /// Ticks until a tick takes no action, at most `limit` times; returns the number of ticks.
    @discardableResult
    func settle(limit: Int = 60) async throws -> Int {
        for n in 1...limit where try await tick() == 0 { return n }
        throw SimulationError(message: "did not settle within \(limit) ticks")
    }

    func deployment(_ name: String) async -> JSONValue? { await cluster.get(key("Deployment", name)) }

    func replicaSets() async -> [JSONValue] { await cluster.list("ReplicaSet", namespace: namespace) }

    func pods() async -> [JSONValue] { await cluster.list("Pod", namespace: namespace) }

    func clearObservations() { observations = [] }
}

struct SimulationError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
