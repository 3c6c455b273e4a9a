import Foundation
import KgitAPIMachinery
import KgitClient
import KgitScheduler
import Synchronization

/// The scheduler as a running component: KgitScheduler's pure core fed by informers and writing through the
/// API, the same in `kgit up` (in-process client) and in `kgit scheduler` (HTTPS).
///
/// ```
/// informers: pods, nodes, namespaces ──handlers──▶ Snapshot (assigned pods) + SchedulingQueue (pending pods)
///                                                   cluster events move unschedulable pods back
/// loop: pop ─▶ Scheduler.schedule ─▶ assume in the snapshot ─▶ POST pods/NAME/binding ─▶ Scheduled event
///                     └─ no fit ─▶ PodScheduled=False (pods/status) + FailedScheduling event
///                                  preemption: status.nominatedNodeName, victims deleted, Preempted events
/// ```
///
/// A pod is assumed on its node between the binding and the watch event that shows it bound, so the next
/// cycles already count it. Only pods whose `spec.schedulerName` is this scheduler's are scheduled.
public final class SchedulerRunner: Sendable {
    /// The scheduler's name, matched against `spec.schedulerName`, and the events' reporting component.
    public static let defaultName = "default-scheduler"

    /// The client every read and write goes through.
    public let client: DynamicClient
    /// The name pods ask for in `spec.schedulerName`.
    public let schedulerName: String
    let informers: InformerFactory
    private let pods: Informer
    private let nodes: Informer
    private let namespaces: Informer
    private let state: Mutex<State>
    private let log: @Sendable (String) -> Void

    struct State: @unchecked Sendable {
        var scheduler: Scheduler
        var queue: SchedulingQueue
        var snapshot = Snapshot()
        /// Pods assumed on a node whose binding the watch has not shown yet, by `namespace/name`.
        var assumed: [String: String] = [:]
        /// The last FailedScheduling message recorded per pod, so a repeated attempt records no duplicate.
        var lastFailure: [String: String] = [:]
        var scheduled = 0
    }

    /// A scheduler over `client` with upstream's default profile. With `informers` (another component's factory
    /// in the same process, `kgit up`'s controller manager) it shares that factory's pod, node and namespace
    /// informers instead of keeping its own copy of every pod; it then starts and, when stopped, shuts down
    /// that factory too.
    public init(
        client: DynamicClient, schedulerName: String = SchedulerRunner.defaultName,
        framework: Framework = .default, informerOptions: Informer.Options = Informer.Options(),
        informers shared: InformerFactory? = nil, log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.client = client
        self.schedulerName = schedulerName
        self.log = log
        let factory = shared ?? InformerFactory(client: client, options: informerOptions)
        informers = factory
        pods = factory.informer(apiVersion: "v1", kind: "Pod")
        nodes = factory.informer(apiVersion: "v1", kind: "Node")
        namespaces = factory.informer(apiVersion: "v1", kind: "Namespace")
        state = Mutex(State(
            scheduler: Scheduler(framework: framework),
            queue: SchedulingQueue(framework: framework, initialBackoff: .seconds(1), maxBackoff: .seconds(10),
                                   maxInUnschedulable: .seconds(60))))
        nodes.addHandler { [self] in handleNode($0) }
        pods.addHandler { [self] in handlePod($0) }
        namespaces.addHandler { [self] in handleNamespace($0) }
    }

    /// How many pods this scheduler has bound.
    public var scheduledCount: Int { state.withLock { $0.scheduled } }

    /// How many pods wait in the queue.
    public var pendingCount: Int { state.withLock { $0.queue.count } }

    // MARK: - Cluster state from informers

    private func handleNode(_ event: InformerEvent) {
        switch event {
        case .added(let object), .updated(_, let object):
            let node: KgitScheduler.Node
            do {
                node = try KgitScheduler.Node(json: object)
            } catch {
                log("scheduler: ignoring node: \(error)")
                return
            }
            let isNew: Bool
            if case .added = event { isNew = true } else { isNew = false }
            state.withLock { s in
                let changed = s.snapshot[node.name]?.node != node
                s.snapshot.upsert(node)
                if isNew {
                    s.queue.moveAllToActiveOrBackoff(on: .nodeAdded)
                } else if changed {
                    s.queue.moveAllToActiveOrBackoff(on: .nodeUpdated)
                }
            }
        case .deleted(let object):
            guard let name = object["metadata"]?["name"]?.stringValue else { return }
            state.withLock { $0.snapshot.removeNode(named: name) }
        }
    }

    private func handleNamespace(_ event: InformerEvent) {
        guard let name = event.object["metadata"]?["name"]?.stringValue else { return }
        let labels = (event.object["metadata"]?["labels"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        state.withLock { s in
            if case .deleted = event { s.snapshot.namespaceLabels[name] = nil } else { s.snapshot.namespaceLabels[name] = labels }
        }
    }

    private func handlePod(_ event: InformerEvent) {
        let object = event.object
        let key = cacheKey(of: object)
        if case .deleted = event {
            state.withLock { s in
                s.queue.delete(key)
                s.lastFailure[key] = nil
                if s.snapshot.nodeName(ofPod: key) != nil {
                    s.snapshot.removePod(key: key)
                    s.assumed[key] = nil
                    s.queue.moveAllToActiveOrBackoff(on: .assignedPodDeleted)
                }
            }
            return
        }
        let phase = object["status"]?["phase"]?.stringValue ?? ""
        let nodeName = object["spec"]?["nodeName"]?.stringValue ?? ""
        let terminal = phase == "Succeeded" || phase == "Failed"
        let pod: KgitScheduler.Pod
        do {
            pod = try KgitScheduler.Pod(json: object)
        } catch {
            log("scheduler: ignoring pod \(key): \(error)")
            return
        }
        state.withLock { s in
            if terminal {
                // A finished pod holds no resources.
                s.queue.delete(key)
                if s.snapshot.nodeName(ofPod: key) != nil {
                    s.snapshot.removePod(key: key)
                    s.queue.moveAllToActiveOrBackoff(on: .assignedPodDeleted)
                }
                return
            }
            if !nodeName.isEmpty {
                let known = s.snapshot.nodeName(ofPod: key) != nil
                s.assumed[key] = nil
                s.queue.delete(key)
                s.lastFailure[key] = nil
                s.snapshot.add(pod)
                s.queue.moveAllToActiveOrBackoff(on: known ? .assignedPodUpdated : .assignedPodAdded)
                return
            }
            guard pod.schedulerName == schedulerName, !pod.isTerminating, s.assumed[key] == nil else { return }
            if s.queue.contains(key) { s.queue.update(pod) } else { s.queue.add(pod) }
        }
    }

    // MARK: - The scheduling loop

    /// What one turn decided, computed under the lock and carried out (I/O) outside it.
    enum Decision: Sendable {
        case bind(QueuedPod, Placement)
        case unschedulable(QueuedPod, FitError, record: Bool)
    }

    /// Starts the informers, waits for their first lists, then schedules until the task is cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [informers] in
                informers.start()
                await withTaskCancellationHandler {
                    while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                } onCancel: {
                    informers.shutdown()
                }
            }
            group.addTask { [self] in
                await informers.waitForSync()
                await loop()
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// How many decisions (bindings with their events) are carried out at once. The scheduling cycle stays one
    /// at a time: a placement is assumed in the snapshot before the next pod is scheduled, so bindings in
    /// flight never double-book a node, as upstream's binding cycle runs beside the next scheduling cycle.
    static let bindingConcurrency = 16

    private func loop() async {
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            while !Task.isCancelled {
                if inFlight >= Self.bindingConcurrency {
                    _ = await group.next()
                    inFlight -= 1
                    continue
                }
                guard let decision = next() else {
                    if inFlight > 0 {
                        _ = await group.next()
                        inFlight -= 1
                    } else {
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                    continue
                }
                if case .unschedulable(_, let error, _) = decision, error.nominatedNodeName != nil {
                    await carryOut(decision)  // preemption: victims go before the next pod is placed
                    continue
                }
                inFlight += 1
                group.addTask { [self] in await carryOut(decision) }
            }
        }
    }

    /// Pops the next pod and decides; an assumed placement is in the snapshot when this returns.
    func next() -> Decision? {
        state.withLock { s in
            guard let info = s.queue.pop() else { return nil }
            let pod = info.pod
            switch s.scheduler.schedule(pod, in: s.snapshot) {
            case .scheduled(let placement):
                s.snapshot.assume(pod, on: placement.nodeName)
                s.assumed[pod.key] = placement.nodeName
                return .bind(info, placement)
            case .unschedulable(let error):
                let plugins = Set(error.nodeStatuses.values.compactMap(\.plugin))
                s.queue.addUnschedulable(info, rejectedBy: plugins)
                let message = error.message
                let record = s.lastFailure[pod.key] != message || error.nominatedNodeName != nil
                s.lastFailure[pod.key] = message
                return .unschedulable(info, error, record: record)
            }
        }
    }

    func carryOut(_ decision: Decision) async {
        switch decision {
        case .bind(let info, let placement):
            let pod = info.pod
            do {
                try await bind(pod, to: placement.nodeName)
                state.withLock { $0.scheduled += 1 }
                await recordEvent(
                    about: pod, type: "Normal", reason: "Scheduled",
                    message: "Successfully assigned \(pod.namespace)/\(pod.name) to \(placement.nodeName)")
            } catch let error as ClientError where error.isConflict || error.isNotFound {
                // Bound by someone else or deleted meanwhile: the watch brings the truth.
                state.withLock { s in
                    if s.assumed.removeValue(forKey: pod.key) != nil { s.snapshot.removePod(key: pod.key) }
                }
            } catch {
                log("scheduler: binding \(pod.key) to \(placement.nodeName): \(error)")
                state.withLock { s in
                    if s.assumed.removeValue(forKey: pod.key) != nil { s.snapshot.removePod(key: pod.key) }
                    s.queue.addBackoff(info)
                }
            }
        case .unschedulable(let info, let error, let record):
            let pod = info.pod
            if let node = error.nominatedNodeName {
                await preempt(for: pod, on: node, victims: error.victims)
            }
            guard record else { return }
            await markUnschedulable(pod, message: error.message, nominatedNode: error.nominatedNodeName)
            await recordEvent(about: pod, type: "Warning", reason: "FailedScheduling", message: error.message)
        }
    }

    /// POST `pods/NAME/binding`.
    func bind(_ pod: KgitScheduler.Pod, to node: String) async throws {
        var metadata: JSONValue = ["name": .string(pod.name), "namespace": .string(pod.namespace)]
        if !pod.uid.isEmpty { metadata["uid"] = .string(pod.uid) }
        let binding: JSONValue = [
            "apiVersion": "v1", "kind": "Binding", "metadata": metadata,
            "target": ["apiVersion": "v1", "kind": "Node", "name": .string(node)],
        ]
        try await client.create(
            binding, subresource: "binding",
            of: ObjectReference(apiVersion: "v1", kind: "Pod", namespace: pod.namespace, name: pod.name))
    }

    /// Sets the pod's `PodScheduled=False` condition (reason `Unschedulable`) and, after preemption, its
    /// nominated node, through `pods/status`.
    func markUnschedulable(_ pod: KgitScheduler.Pod, message: String, nominatedNode: String?) async {
        let current = pods.cache.get(pod.key)
        var conditions = current?["status"]?["conditions"]?.arrayValue ?? []
        let previous = conditions.first { $0["type"]?.stringValue == "PodScheduled" }
        let unchanged = previous?["status"]?.stringValue == "False"
            && previous?["reason"]?.stringValue == "Unschedulable"
        let condition: JSONValue = [
            "type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": .string(message),
            "lastProbeTime": .null,
            "lastTransitionTime": unchanged
                ? (previous?["lastTransitionTime"] ?? .string(RFC3339.format(Date())))
                : .string(RFC3339.format(Date())),
        ]
        conditions.removeAll { $0["type"]?.stringValue == "PodScheduled" }
        conditions.append(condition)
        var status: JSONValue = ["conditions": .array(conditions)]
        if let nominatedNode { status["nominatedNodeName"] = .string(nominatedNode) }
        do {
            _ = try await client.patch(
                ObjectReference(apiVersion: "v1", kind: "Pod", namespace: pod.namespace, name: pod.name),
                .merge(["status": status]), subresource: "status")
        } catch {
            log("scheduler: updating the status of \(pod.key): \(error)")
        }
    }

    /// Deletes preemption's victims (only the incarnations it chose) and tells each why.
    func preempt(for pod: KgitScheduler.Pod, on node: String, victims: [KgitScheduler.Pod]) async {
        for victim in victims {
            do {
                try await client.delete(
                    ObjectReference(apiVersion: "v1", kind: "Pod", namespace: victim.namespace, name: victim.name),
                    preconditionUID: victim.uid.isEmpty ? nil : victim.uid)
                await recordEvent(
                    about: victim, type: "Normal", reason: "Preempted",
                    message: "Preempted by pod \(pod.uid.isEmpty ? pod.key : pod.uid) on node \(node)")
            } catch {
                log("scheduler: preempting \(victim.key) for \(pod.key): \(error)")
            }
        }
    }

    /// Records a core/v1 Event about the pod, as `default-scheduler` reports it.
    func recordEvent(about pod: KgitScheduler.Pod, type: String, reason: String, message: String) async {
        let now = Date()
        let stamp = String(UInt64(now.timeIntervalSince1970 * 1_000_000_000), radix: 16)
        let event: JSONValue = [
            "apiVersion": "v1", "kind": "Event",
            "metadata": ["name": .string("\(pod.name).\(stamp)"), "namespace": .string(pod.namespace)],
            "involvedObject": [
                "apiVersion": "v1", "kind": "Pod", "namespace": .string(pod.namespace), "name": .string(pod.name),
                "uid": .string(pod.uid),
            ],
            "type": .string(type), "reason": .string(reason), "message": .string(message),
            "source": ["component": .string(schedulerName)],
            "reportingComponent": .string(schedulerName), "reportingInstance": .string(schedulerName),
            "firstTimestamp": .string(RFC3339.format(now)), "lastTimestamp": .string(RFC3339.format(now)),
            "count": 1, "action": type == "Warning" ? "Scheduling" : "Binding",
        ]
        do {
            _ = try await client.create(event)
        } catch {
            log("scheduler: recording event \(reason) for \(pod.key): \(error)")
        }
    }
}
