/// DefaultPreemption: when no node fits, finds a node where evicting lower-priority pods makes room, and the
/// fewest, least important pods to evict there.
///
/// On each node that was rejected for a reason preemption can change (not `UnschedulableAndUnresolvable`):
/// remove every pod of lower priority; if the pod then fits, put them back one by one, most important first
/// (higher priority, then earlier start), keeping each that still leaves room; the rest are the victims.
/// Among candidate nodes the one chosen has, in order: the lowest highest-victim priority, the lowest sum of
/// victim priorities, the fewest victims, the latest earliest-start among its highest-priority victims, then the
/// first in node order.
public struct DefaultPreemption: PostFilterPlugin {
    /// The status of nodes where the filters' rejection cannot be changed by evicting pods.
    public static let notHelpfulReason = "Preemption is not helpful for scheduling"
    /// The status of nodes with no lower-priority pods.
    public static let noVictimsReason = "No preemption victims found for incoming pod"

    /// Creates the plugin.
    public init() {}

    /// `DefaultPreemption`.
    public var name: String { "DefaultPreemption" }

    /// A node where preemption would work, and its victims.
    struct Candidate {
        var index: Int
        var victims: [Pod]
    }

    /// Finds the node and victims, or explains (as a `preemption: 0/N nodes are available: ...` message)
    /// why preemption cannot help.
    public func postFilter(
        _ pod: Pod, state: CycleState, snapshot: Snapshot, statuses: [String: Status], framework: Framework
    ) -> PostFilterResult {
        if pod.preemptionPolicy == .never {
            return PostFilterResult(message: "preemption: not eligible due to preemptionPolicy=Never.")
        }
        var outcomes: [String: Status] = [:]
        var candidates: [Candidate] = []
        for (index, info) in snapshot.nodes.enumerated() {
            if let status = statuses[info.name], status.code == .unschedulableAndUnresolvable {
                outcomes[info.name] = Status(.unschedulableAndUnresolvable, DefaultPreemption.notHelpfulReason)
                continue
            }
            switch selectVictims(for: pod, on: info, state: state, snapshot: snapshot, framework: framework) {
            case .success(let victims): candidates.append(Candidate(index: index, victims: victims))
            case .failure(let status): outcomes[info.name] = status
            }
        }
        guard let best = pick(candidates) else {
            let inner = FitError(podKey: pod.key, numAllNodes: snapshot.nodes.count, nodeStatuses: outcomes)
            return PostFilterResult(message: "preemption: " + inner.message)
        }
        return PostFilterResult(nominatedNodeName: snapshot.nodes[best.index].name, victims: best.victims)
    }

    /// Whether `a` matters more than `b`: higher priority, then earlier start.
    static func moreImportant(_ a: Pod, _ b: Pod) -> Bool {
        if a.priority != b.priority { return a.priority > b.priority }
        return (a.startTime ?? .infinity) < (b.startTime ?? .infinity)
    }

    enum Selection {
        case success([Pod])
        case failure(Status)
    }

    /// The fewest, least important lower-priority pods to remove from the node for the pod to fit.
    func selectVictims(
        for pod: Pod, on node: NodeInfo, state: CycleState, snapshot: Snapshot, framework: Framework
    ) -> Selection {
        let potential = node.pods.filter { $0.priority < pod.priority }.sorted(by: DefaultPreemption.moreImportant)
        if potential.isEmpty { return .failure(Status(.unschedulableAndUnresolvable, DefaultPreemption.noVictimsReason)) }
        let simulated = state.copy()
        var info = node
        for victim in potential {
            info.remove(podKey: victim.key)
            framework.runRemovePod(victim, from: info, for: pod, state: simulated, snapshot: snapshot)
        }
        let status = framework.runFilter(pod, node: info, state: simulated)
        if !status.isSuccess { return .failure(status) }
        var victims: [Pod] = []
        for candidate in potential {
            info.add(candidate)
            framework.runAddPod(candidate, to: info, for: pod, state: simulated, snapshot: snapshot)
            if !framework.runFilter(pod, node: info, state: simulated).isSuccess {
                info.remove(podKey: candidate.key)
                framework.runRemovePod(candidate, from: info, for: pod, state: simulated, snapshot: snapshot)
                victims.append(candidate)
            }
        }
        return .success(victims)
    }

    /// Upstream's order of preference among candidate nodes.
    func pick(_ candidates: [Candidate]) -> Candidate? {
        func key(_ c: Candidate) -> (Int64, Int64, Int, Double) {
            let highest = c.victims.map { Int64($0.priority) }.max() ?? Int64(Int32.min)
            // Shift each priority to be positive so that more victims never lowers the sum.
            let sum = c.victims.reduce(Int64(0)) { $0 + Int64($1.priority) + Int64(Int32.max) + 1 }
            let earliestStartOfHighest = c.victims.filter { Int64($0.priority) == highest }
                .map { $0.startTime ?? 0 }.min() ?? 0
            return (highest, sum, c.victims.count, -earliestStartOfHighest)
        }
        var best: (Candidate, (Int64, Int64, Int, Double))?
        for c in candidates {
            let k = key(c)
            if let current = best, !(k < current.1) { continue }
            best = (c, k)
        }
        return best?.0
    }
}
