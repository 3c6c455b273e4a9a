/// The scheduling algorithm as a pure function of a pod and a snapshot: PreFilter, Filter over the nodes
/// (round-robin from where the last cycle stopped, stopping once enough feasible nodes are found), Score,
/// pick the best; when nothing fits, PostFilter (preemption) and a `FitError` carrying upstream's message.
///
/// ```
/// pod ─▶ PreFilter ─▶ Filter (nodes from nextStartNodeIndex, until numFeasibleNodesToFind)
///                        ├─ none fit ─▶ PostFilter (preemption) ─▶ .unschedulable(FitError)
///                        └─ fit ─▶ PreScore/Score/Normalize × weight ─▶ highest ─▶ .scheduled
/// ```
public struct Scheduler: Sendable {
    /// The profile.
    public var framework: Framework
    /// The share of nodes to find feasible before scoring; nil is upstream's adaptive default
    /// (50% minus 1% per 125 nodes, at least 5%); 100 checks every node.
    public var percentageOfNodesToScore: Int?
    /// Where the next cycle starts filtering, so consecutive pods look at different nodes first.
    public private(set) var nextStartNodeIndex = 0

    /// A scheduler with a profile (default: upstream's).
    public init(framework: Framework = .default, percentageOfNodesToScore: Int? = nil) {
        self.framework = framework
        self.percentageOfNodesToScore = percentageOfNodesToScore
    }

    /// The fewest nodes checked before scoring when the cluster is big enough to cut the search short.
    public static let minFeasibleNodesToFind = 100
    /// The smallest adaptive percentage.
    public static let minFeasibleNodesPercentageToFind = 5

    /// How many feasible nodes to find before scoring, as upstream's `numFeasibleNodesToFind`.
    public func numFeasibleNodesToFind(_ numAllNodes: Int) -> Int {
        if numAllNodes < Scheduler.minFeasibleNodesToFind { return numAllNodes }
        var percentage = percentageOfNodesToScore ?? 0
        if percentage >= 100 { return numAllNodes }
        if percentage <= 0 {
            percentage = max(50 - numAllNodes / 125, Scheduler.minFeasibleNodesPercentageToFind)
        }
        let count = numAllNodes * percentage / 100
        return max(count, Scheduler.minFeasibleNodesToFind)
    }

    /// Picks a node for the pod, or explains why none fits (after trying preemption).
    public mutating func schedule(_ pod: Pod, in snapshot: Snapshot) -> ScheduleResult {
        let state = CycleState()
        let all = snapshot.nodes.count
        if all == 0 { return .unschedulable(FitError(podKey: pod.key, numAllNodes: 0, nodeStatuses: [:])) }

        let (preStatus, skipped) = framework.runPreFilter(pod, state: state, snapshot: snapshot)
        if !preStatus.isSuccess {
            var statuses: [String: Status] = [:]
            for info in snapshot.nodes { statuses[info.name] = preStatus }
            var error = FitError(
                podKey: pod.key, numAllNodes: all, nodeStatuses: statuses, preFilterMessage: preStatus.message)
            if preStatus.isRejected { runPostFilter(pod, state: state, snapshot: snapshot, into: &error) }
            return .unschedulable(error)
        }

        // Filter, round-robin from nextStartNodeIndex, until enough feasible nodes are found.
        let wanted = numFeasibleNodesToFind(all)
        var feasible: [Int] = []
        feasible.reserveCapacity(min(wanted, all))
        // Rejections by node index; named only when no node fits (a scheduled pod never reads them).
        var rejected: [(index: Int, status: Status)] = []
        var processed = 0
        let start = nextStartNodeIndex % all
        let filters = framework.filterPlugins(skipping: skipped)
        for offset in 0..<all {
            let index = (start + offset) % all
            processed += 1
            let status = framework.runFilter(pod, node: snapshot.nodes[index], state: state, plugins: filters)
            if status.isSuccess {
                feasible.append(index)
                if feasible.count >= wanted { break }
            } else {
                rejected.append((index, status))
            }
        }
        nextStartNodeIndex = (start + processed) % all

        if feasible.isEmpty {
            var statuses: [String: Status] = [:]
            statuses.reserveCapacity(rejected.count)
            for (index, status) in rejected { statuses[snapshot.nodes[index].name] = status }
            var error = FitError(podKey: pod.key, numAllNodes: all, nodeStatuses: statuses)
            runPostFilter(pod, state: state, snapshot: snapshot, into: &error)
            return .unschedulable(error)
        }
        if feasible.count == 1 {
            return .scheduled(
                Placement(nodeName: snapshot.nodes[feasible[0]].name, evaluatedNodes: processed, feasibleNodes: 1))
        }
        let scores = framework.runScore(pod, feasible: feasible, state: state, snapshot: snapshot)
        var best = 0
        for i in scores.indices where scores[i] > scores[best] { best = i }
        return .scheduled(
            Placement(
                nodeName: snapshot.nodes[feasible[best]].name, evaluatedNodes: processed,
                feasibleNodes: feasible.count, score: scores[best]))
    }

    private func runPostFilter(_ pod: Pod, state: CycleState, snapshot: Snapshot, into error: inout FitError) {
        for plugin in framework.postFilterPlugins {
            let result = plugin.postFilter(
                pod, state: state, snapshot: snapshot, statuses: error.nodeStatuses, framework: framework)
            if let node = result.nominatedNodeName {
                error.nominatedNodeName = node
                error.victims = result.victims
                error.postFilterMessage = nil
                return
            }
            if let message = result.message { error.postFilterMessage = message }
        }
    }
}

/// Where a pod goes, and how much of the cluster the decision looked at.
public struct Placement: Sendable, Equatable {
    /// The chosen node.
    public var nodeName: String
    /// How many nodes were filtered.
    public var evaluatedNodes: Int
    /// How many of them passed.
    public var feasibleNodes: Int
    /// The chosen node's weighted score (0 when only one node was feasible).
    public var score: Int64 = 0
}

/// The outcome of one scheduling attempt.
public enum ScheduleResult: Sendable, Equatable {
    /// The pod fits on a node.
    case scheduled(Placement)
    /// No node fits; the error explains why, and names a nominated node and victims when preemption helps.
    case unschedulable(FitError)

    /// The chosen node, if scheduled.
    public var nodeName: String? {
        if case .scheduled(let p) = self { return p.nodeName }
        return nil
    }

    /// The fit error, if unschedulable.
    public var fitError: FitError? {
        if case .unschedulable(let e) = self { return e }
        return nil
    }
}
