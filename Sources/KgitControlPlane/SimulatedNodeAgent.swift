import Foundation
import KgitAPIMachinery
import KgitAgent
import KgitClient
import Synchronization

/// Simulated kubelets for many nodes in one process, talking to the API server only through a client:
/// KgitAgent's pure models (``KgitAgent/SimulatedNode``, ``KgitAgent/LeaseSchedule``,
/// ``KgitAgent/PodLifecycle``, ``KgitAgent/SimulatedPod``) driven by real time and real API calls.
///
/// ```
/// register: create Node, post status ──▶ LeaseSchedule: renew kube-node-lease Leases every 10 s
///                                    ──▶ status schedule: post node status every minute
/// one pod informer (spec.nodeName set, indexed by node name)
///   ──▶ pods on these nodes ──▶ PodLifecycle per pod ──▶ pods/status (phase, conditions, containers, IPs)
///   ──▶ deletionTimestamp ──▶ delete with gracePeriodSeconds=0 and a UID precondition
/// ```
///
/// Nothing is per node but a few dictionary entries: thousands of nodes share one watch, one timer loop for
/// Leases, one for node status and one for pods; writes go out a few at a time (``Options/concurrency``).
public final class SimulatedNodeAgent: Sendable {
    /// How the simulated nodes behave.
    public struct Options: Sendable {
        /// From binding to ContainerCreating.
        public var createDelay: Duration = .milliseconds(0)
        /// From ContainerCreating to Running (`--startup-delay`).
        public var startupDelay: Duration = .seconds(1)
        /// The share of pods (0...1, chosen by UID) whose containers crash after ``crashAfter``.
        public var failureRate: Double = 0
        /// How long a failing pod runs before it crashes.
        public var crashAfter: Duration = .seconds(10)
        /// How long a pod that does not always restart (a Job's) runs when neither the
        /// `kgit.dev/simulate-run-for` annotation nor a `sleep N` command says.
        public var jobRunTime: Duration = .seconds(5)
        /// `spec.leaseDurationSeconds` of node Leases.
        public var leaseDuration: Duration = .seconds(40)
        /// How often a node renews its Lease (the kubelet: every 10 s).
        public var renewInterval: Duration = .seconds(10)
        /// How often a node posts its status when nothing changed (the kubelet: 5 minutes; 1 minute here so a
        /// node the controller marked Unknown while the agent was slow recovers soon).
        public var statusInterval: Duration = .seconds(60)
        /// How many API writes are in flight at once.
        public var concurrency: Int = 16
        /// The seed of the failure sampling.
        public var seed: UInt64 = 0

        /// The defaults.
        public init() {}
    }

    /// One write the agent sends.
    enum Write: Sendable {
        case podStatus(ObjectReference, uid: String, JSONValue)
        case confirmDeletion(ObjectReference, uid: String)
    }

    /// A pod the agent runs.
    struct Tracked {
        var uid: String
        var node: String
        var lifecycle: PodLifecycle
        var startTime: String
        var podIP: String?
        var posted: PodLifecycle.State?
        var lastExitCode: Int?
        var terminating = false
        var deletionSent = false
    }

    struct State {
        var pods: [String: Tracked] = [:]
        var ipCounters: [String: Int] = [:]
        var leases: LeaseSchedule
        var reports: LeaseSchedule
        /// Pods to look at on the next turn: new, changed, or whose status write failed.
        var dirty: Set<String> = []
        /// When each pod's next transition (or write retry) is due; entries may be stale and are checked
        /// against the pod when they come up, so a turn touches only the pods it has to, not all of them.
        var timers = DueQueue()
    }

    /// The client every call goes through.
    public let client: DynamicClient
    /// The nodes, by name.
    public let nodes: [SimulatedNode]
    /// Their behaviour.
    public let options: Options
    private let byName: [String: SimulatedNode]
    private let state: Mutex<State>
    private let wakeup = Wakeup()
    private let origin = ContinuousClock.now
    private let originDate = Date()
    private let log: @Sendable (String) -> Void
    /// The one pod informer all nodes share.
    public let pods: Informer
    /// Whether the agent runs `pods` itself (false: another component in the process shares and runs it).
    private let runsPods: Bool

    /// Agents for `nodes` over `client`.
    public init(
        client: DynamicClient, nodes: [SimulatedNode], options: Options = Options(),
        informerOptions: Informer.Options = Informer.Options(), pods shared: Informer? = nil,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.client = client
        self.nodes = nodes
        self.options = options
        self.log = log
        var byName: [String: SimulatedNode] = [:]
        for node in nodes { byName[node.name] = node }
        self.byName = byName
        let names = nodes.map(\.name)
        state = Mutex(State(
            leases: LeaseSchedule(nodes: names, now: .zero, leaseDuration: options.leaseDuration,
                                  renewInterval: options.renewInterval),
            reports: LeaseSchedule(nodes: names, now: options.statusInterval, leaseDuration: options.statusInterval * 4,
                                   renewInterval: options.statusInterval)))
        if let shared {
            pods = shared
            runsPods = false
        } else {
            var podOptions = informerOptions
            podOptions.fieldSelector = "spec.nodeName!="
            pods = Informer(client: client, apiVersion: "v1", kind: "Pod", options: podOptions)
            runsPods = true
        }
        pods.cache.addIndexer(Indexers.nodeName, Indexers.byNodeName)
    }

    /// `count` nodes named `prefix-1` ... `prefix-N` with the same capacity, labels and taints, addressed by
    /// ``KgitAgent/SimulatedNode/addressing(index:)`` from `firstIndex`.
    public static func fleet(
        prefix: String, count: Int, capacity: [String: String], labels: [String: String] = [:],
        taints: [SimulatedNode.Taint] = [], firstIndex: Int = 0
    ) -> [SimulatedNode] {
        (0..<max(0, count)).map { i in
            let (cidr, ip) = SimulatedNode.addressing(index: firstIndex + i)
            return SimulatedNode(name: "\(prefix)-\(i + 1)", capacity: capacity, labels: labels, taints: taints,
                                 podCIDR: cidr, internalIP: ip)
        }
    }

    private var now: Duration { ContinuousClock.now - origin }

    private func timestamp(_ at: Duration) -> String {
        let seconds = Double(at.components.seconds) + Double(at.components.attoseconds) / 1e18
        return RFC3339.format(originDate.addingTimeInterval(seconds))
    }

    // MARK: - Running

    /// Registers the nodes, then keeps their Leases and status fresh and runs their pods until cancelled.
    public func run() async {
        pods.addHandler { [self] event in observe(event) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in await register() }
            if runsPods { group.addTask { [pods] in await pods.run() } }
            group.addTask { [self] in await podLoop() }
            // Leases from the start: a node registered late in a large fleet must not look stale.
            group.addTask { [self] in await leaseLoop() }
            group.addTask { [self] in await statusLoop() }
            await group.waitForAll()
        }
    }

    /// Creates the nodes that are missing and posts every node's status once.
    public func register() async {
        await concurrently(nodes) { [self] node in
            do {
                try await registerNode(node, at: timestamp(now))
            } catch {
                if !Task.isCancelled { log("node \(node.name): cannot register: \(error)") }
            }
        }
    }

    private func registerNode(_ node: SimulatedNode, at: String) async throws {
        var object = node.object(now: at)
        let status = object["status"] ?? [:]
        object["status"] = nil
        do {
            _ = try await client.create(object)
        } catch let error as ClientError where error.isAlreadyExists {
        }
        _ = try await retryingConflicts {
            try await client.patch(
                ObjectReference(apiVersion: "v1", kind: "Node", name: node.name), .merge(["status": status]),
                subresource: "status")
        }
    }

    private func leaseLoop() async {
        let leases = (try? await client.resource(apiVersion: "coordination.k8s.io/v1", kind: "Lease")) != nil
        guard leases else { return log("nodes: the server serves no coordination.k8s.io/v1 Leases; not renewing") }
        while !Task.isCancelled {
            let at = now
            let due = state.withLock { $0.leases.due(at: at) }
            await concurrently(due) { [self] name in
                // Stamped when this node's write goes out, not when the batch began: behind a long batch, an
                // early stamp would make the Lease look older than it is.
                let sent = now
                let ok = await renewLease(name, renewTime: MicroTime.format(Date()))
                state.withLock { ok ? $0.leases.renewed(name, at: sent) : $0.leases.failed(name, at: sent) }
            }
            let next = state.withLock { $0.leases.nextDue } ?? (now + .seconds(1))
            try? await Task.sleep(for: min(max(next - now, .milliseconds(10)), .seconds(1)))
        }
    }

    private func renewLease(_ name: String, renewTime: String) async -> Bool {
        let reference = ObjectReference(
            apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: "kube-node-lease", name: name)
        let spec: JSONValue = [
            "holderIdentity": .string(name),
            "leaseDurationSeconds": .int(options.leaseDuration.components.seconds), "renewTime": .string(renewTime),
        ]
        do {
            _ = try await retryingConflicts { try await client.patch(reference, .merge(["spec": spec])) }
            return true
        } catch let error as ClientError where error.isNotFound {
            do {
                _ = try await client.create([
                    "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                    "metadata": ["name": .string(name), "namespace": "kube-node-lease"],
                    "spec": spec,
                ])
                return true
            } catch {
                return false
            }
        } catch {
            if !Task.isCancelled { log("lease \(name): \(error)") }
            return false
        }
    }

    private func statusLoop() async {
        while !Task.isCancelled {
            let at = now
            let due = state.withLock { $0.reports.due(at: at) }
            let stamp = timestamp(at)
            await concurrently(due) { [self] name in
                guard let node = byName[name] else { return }
                let ok: Bool
                do {
                    try await postStatus(node, at: stamp)
                    ok = true
                } catch {
                    if !Task.isCancelled { log("node \(name): status: \(error)") }
                    ok = false
                }
                state.withLock { ok ? $0.reports.renewed(name, at: at) : $0.reports.failed(name, at: at) }
            }
            let next = state.withLock { $0.reports.nextDue } ?? (now + .seconds(1))
            try? await Task.sleep(for: min(max(next - now, .milliseconds(10)), .seconds(1)))
        }
    }

    private func postStatus(_ node: SimulatedNode, at: String) async throws {
        let reference = ObjectReference(apiVersion: "v1", kind: "Node", name: node.name)
        do {
            _ = try await retryingConflicts {
                try await client.patch(reference, .merge(["status": node.status(now: at)]), subresource: "status")
            }
        } catch let error as ClientError where error.isNotFound {
            try await registerNode(node, at: at)  // deleted: register again, as a kubelet does
        }
    }

    // MARK: - Pods

    /// The status of a pod's Ready condition ("True", "False"), nil without one.
    static func readyCondition(_ pod: JSONValue) -> String? {
        pod["status"]?["conditions"]?.arrayValue?.first { $0["type"] == "Ready" }?["status"]?.stringValue
    }

    /// Records what the informer saw about a pod on one of these nodes.
    private func observe(_ event: InformerEvent) {
        let object = event.object
        guard let node = object["spec"]?["nodeName"]?.stringValue, let simulated = byName[node] else { return }
        let key = cacheKey(of: object)
        let uid = object["metadata"]?["uid"]?.stringValue ?? ""
        let at = now
        let changed: Bool = state.withLock { s in
            if case .deleted = event {
                if s.pods[key]?.uid == uid { s.pods[key] = nil }
                return false
            }
            if var tracked = s.pods[key], tracked.uid == uid {
                if tracked.terminating { return false }
                if object["metadata"]?["deletionTimestamp"] != nil {
                    tracked.terminating = true
                    s.pods[key] = tracked
                    s.dirty.insert(key)
                    return true
                }
                // Someone else turned the Ready condition the agent posted around (the node lifecycle controller
                // marks a NotReady node's pods not ready): post the pod's status again, as a kubelet's status
                // manager does. Only when the phase is what was posted, so the echo of an earlier write of
                // this agent is not mistaken for it.
                guard let posted = tracked.posted, object["status"]?["phase"]?.stringValue == posted.phase,
                      Self.readyCondition(object) != (posted == .running ? "True" : "False")
                else { return false }
                tracked.posted = nil
                s.pods[key] = tracked
                s.dirty.insert(key)
                return true
            }
            let phase = object["status"]?["phase"]?.stringValue
            let deleting = object["metadata"]?["deletionTimestamp"] != nil
            if (phase == "Succeeded" || phase == "Failed") && !deleting { s.pods[key] = nil; return false }
            let counter = s.ipCounters[node, default: 0]
            s.ipCounters[node] = counter + 1
            let timings = PodLifecycle.Timings(
                createDelay: options.createDelay, startDelay: options.startupDelay,
                runFor: SimulatedPod.runFor(object, jobDefault: options.jobRunTime))
            let failures = PodLifecycle.Failures.sampled(
                uid: uid, rate: options.failureRate, seed: options.seed, crashAfter: options.crashAfter)
            var lifecycle = PodLifecycle(boundAt: at, restartPolicy: SimulatedPod.restartPolicy(object),
                                         timings: timings, failures: failures)
            var posted: PodLifecycle.State?
            var podIP = simulated.podCIDR.flatMap { SimulatedNode.podIP(in: $0, n: counter) }
            var startTime = timestamp(at)
            if phase == "Running", object["status"]?["hostIP"] != nil {
                // Already running (the agent restarted): take it over where it is, without a new write.
                lifecycle = PodLifecycle(boundAt: at - options.createDelay - options.startupDelay,
                                         restartPolicy: lifecycle.restartPolicy, timings: timings, failures: failures)
                _ = lifecycle.advance(to: at)
                posted = lifecycle.state
                podIP = object["status"]?["podIP"]?.stringValue ?? podIP
                startTime = object["status"]?["startTime"]?.stringValue ?? startTime
            }
            s.pods[key] = Tracked(
                uid: uid, node: node, lifecycle: lifecycle, startTime: startTime, podIP: podIP, posted: posted,
                terminating: deleting)
            s.dirty.insert(key)
            return true
        }
        if changed { wakeup.signal() }
    }

    private func podLoop() async {
        while !Task.isCancelled {
            let writes = collectWrites(at: now)
            await concurrently(writes) { [self] write in await perform(write) }
            let next: Duration? = state.withLock { $0.dirty.isEmpty ? $0.timers.nextDue : .zero }
            let wait = next.map { max($0 - now, .zero) } ?? .seconds(1)
            if wait > .zero { await wakeup.wait(timeout: min(wait, .seconds(1))) }
        }
    }

    /// Advances every pod due by `at` (and every changed one); returns the writes to send.
    func collectWrites(at: Duration) -> [Write] {
        state.withLock { s in
            var writes: [Write] = []
            var keys = s.dirty
            s.dirty = []
            for key in s.timers.popDue(at: at) { keys.insert(key) }
            for key in keys {
                guard var pod = s.pods[key] else { continue }
                let (namespace, name) = splitKey(key)
                let reference = ObjectReference(apiVersion: "v1", kind: "Pod", namespace: namespace, name: name)
                if pod.terminating {
                    if !pod.deletionSent {
                        pod.deletionSent = true
                        s.pods[key] = pod
                        writes.append(.confirmDeletion(reference, uid: pod.uid))
                    }
                    continue
                }
                if let due = pod.lifecycle.nextTransition, due <= at {
                    let transitions = pod.lifecycle.advance(to: at)
                    if let code = transitions.last(where: { $0.exitCode != nil })?.exitCode { pod.lastExitCode = code }
                }
                if pod.lifecycle.state != pod.posted, pod.lifecycle.state != .pending {
                    pod.posted = pod.lifecycle.state
                    let placement = SimulatedPod.Placement(
                        hostIP: byName[pod.node]?.internalIP, podIP: pod.podIP, startTime: pod.startTime,
                        since: timestamp(pod.lifecycle.since), restartCount: pod.lifecycle.restartCount,
                        lastExitCode: pod.lastExitCode)
                    let object = pods.cache.get(key) ?? [:]
                    writes.append(.podStatus(reference, uid: pod.uid, [
                        "status": SimulatedPod.status(object, state: pod.lifecycle.state, placement: placement)
                    ]))
                }
                s.pods[key] = pod
                if let due = pod.lifecycle.nextTransition { s.timers.schedule(key, at: due) }
            }
            return writes
        }
    }

    private func perform(_ write: Write) async {
        do {
            switch write {
            case .podStatus(let reference, let uid, let patch):
                do {
                    _ = try await retryingConflicts { try await client.patch(reference, .merge(patch), subresource: "status") }
                } catch let error as ClientError where error.isNotFound {
                    throw error
                } catch {
                    // Not written: post the pod's state again on a later turn.
                    let key = cacheKey(namespace: reference.namespace, name: reference.name)
                    let retry = now + .seconds(1)
                    state.withLock { s in
                        guard s.pods[key]?.uid == uid else { return }
                        s.pods[key]?.posted = nil
                        s.timers.schedule(key, at: retry)
                    }
                    throw error
                }
            case .confirmDeletion(let reference, let uid):
                _ = try await client.delete(reference, preconditionUID: uid, gracePeriodSeconds: 0)
            }
        } catch let error as ClientError where error.isNotFound || error.isConflict {
            // Gone, or a new pod took the name: the informer brings what is current.
        } catch {
            if !Task.isCancelled { log("pods: \(write): \(error)") }
        }
    }

    /// The pods this agent runs, by `namespace/name`, with their simulated state.
    public var runningPods: [String: PodLifecycle.State] {
        state.withLock { $0.pods.mapValues(\.lifecycle.state) }
    }

    /// Runs `body` again when the server answers 409 Conflict to a write without a resourceVersion (it
    /// raced another writer of the same object), up to 5 times.
    private func retryingConflicts<T>(_ body: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch let error as ClientError where error.isConflict && attempt < 4 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(10 * attempt))
            }
        }
    }

    /// Runs `body` for each item, at most ``Options/concurrency`` at a time.
    private func concurrently<T: Sendable>(_ items: [T], _ body: @escaping @Sendable (T) async -> Void) async {
        guard !items.isEmpty else { return }
        await withTaskGroup(of: Void.self) { group in
            var iterator = items.makeIterator()
            for _ in 0..<max(1, options.concurrency) {
                guard let item = iterator.next() else { break }
                group.addTask { await body(item) }
            }
            // Cancelled (kgit up stopping): what is in flight finishes, nothing more starts.
            while await group.next() != nil {
                if !Task.isCancelled, let item = iterator.next() { group.addTask { await body(item) } }
            }
        }
    }
}

/// A wake-up call for one waiting loop: ``signal()`` ends the current (or next) ``wait(timeout:)`` early.
final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
        var generation = 0
    }
    private let state = Mutex(State())

    /// Wakes the waiter, or makes the next wait return at once.
    func signal() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns after `timeout`, at a ``signal()``, or at once when one came since the last wait.
    func wait(timeout: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let generation: Int? = state.withLock { s in
                if s.pending {
                    s.pending = false
                    return nil
                }
                s.generation += 1
                s.waiter = continuation
                return s.generation
            }
            guard let generation else { return continuation.resume() }
            Task { [self] in
                try? await Task.sleep(for: timeout)
                let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
                    guard s.generation == generation, let w = s.waiter else { return nil }
                    s.waiter = nil
                    return w
                }
                waiter?.resume()
            }
        }
    }
}

/// Pod keys by the time they are due, earliest first: a binary min-heap. A key may be in it more than once
/// (each schedule adds an entry); the caller checks a popped key against its current state.
struct DueQueue {
    private var heap: [(due: Duration, key: String)] = []

    /// The earliest due time, or nil when empty.
    var nextDue: Duration? { heap.first?.due }

    /// How many entries it holds.
    var count: Int { heap.count }

    /// Adds `key`, due at `due`.
    mutating func schedule(_ key: String, at due: Duration) {
        heap.append((due, key))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].due < heap[parent].due else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the keys due by `now`.
    mutating func popDue(at now: Duration) -> [String] {
        var keys: [String] = []
        while let first = heap.first, first.due <= now {
            keys.append(first.key)
            let last = heap.removeLast()
            guard !heap.isEmpty else { break }
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, heap[left].due < heap[smallest].due { smallest = left }
                if right < heap.count, heap[right].due < heap[smallest].due { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return keys
    }
}
