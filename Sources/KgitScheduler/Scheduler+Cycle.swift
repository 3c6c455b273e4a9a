/// What one turn of the scheduling loop did.
public enum CycleOutcome: Sendable, Equatable {
    /// No pod was ready.
    case idle
    /// The pod was placed and bound.
    case bound(Pod, Placement)
    /// No node fits; the pod waits in the queue. When preemption found room, the error names the nominated
    /// node and the victims the caller should evict.
    case unschedulable(Pod, FitError)
    /// A Reserve plugin or the binding refused; the pod backs off and its assumption is undone.
    case failed(Pod, nodeName: String, message: String)
}

extension Scheduler {
    /// One turn of the loop: pop the next pod, schedule it against the snapshot, assume it on the chosen
    /// node, run Reserve, then bind through `binder` (the only I/O). On failure the assumption is undone and
    /// the pod goes back to the queue: unschedulable (waiting for a helpful event) or backoff (after an error).
    public mutating func scheduleOne(
        queue: inout SchedulingQueue, snapshot: inout Snapshot, binder: some Binder
    ) async -> CycleOutcome {
        guard let info = queue.pop() else { return .idle }
        let pod = info.pod
        switch schedule(pod, in: snapshot) {
        case .unschedulable(let error):
            let plugins = Set(error.nodeStatuses.values.compactMap(\.plugin))
            queue.addUnschedulable(info, rejectedBy: plugins)
            return .unschedulable(pod, error)
        case .scheduled(let placement):
            let node = placement.nodeName
            let state = CycleState()
            snapshot.assume(pod, on: node)
            var reserved: [any ReservePlugin] = []
            for plugin in framework.reservePlugins {
                let status = plugin.reserve(pod, on: node, state: state)
                reserved.append(plugin)
                if !status.isSuccess {
                    undo(pod, on: node, reserved: reserved, state: state, snapshot: &snapshot)
                    queue.addBackoff(info)
                    return .failed(pod, nodeName: node, message: "\(plugin.name): \(status.message)")
                }
            }
            do {
                try await binder.bind(pod, to: node)
            } catch {
                undo(pod, on: node, reserved: reserved, state: state, snapshot: &snapshot)
                queue.addBackoff(info)
                return .failed(pod, nodeName: node, message: "binding rejected: \(error)")
            }
            queue.moveAllToActiveOrBackoff(on: .assignedPodAdded)
            return .bound(pod, placement)
        }
    }

    private func undo(
        _ pod: Pod, on node: String, reserved: [any ReservePlugin], state: CycleState, snapshot: inout Snapshot
    ) {
        for plugin in reserved.reversed() { plugin.unreserve(pod, on: node, state: state) }
        snapshot.removePod(key: pod.key)
    }
}
