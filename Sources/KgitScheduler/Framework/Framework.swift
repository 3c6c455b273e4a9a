/// A scheduling profile: the plugins at each extension point, in order, and each scorer's weight.
///
/// `Framework.default` is upstream's default profile for the plugins kgit has, with upstream's weights.
public struct Framework: Sendable {
    /// The plugins run at PreFilter, in order.
    public private(set) var preFilterPlugins: [any PreFilterPlugin]
    /// The plugins run at Filter, in order; the first rejection decides for a node.
    public private(set) var filterPlugins: [any FilterPlugin]
    /// The plugins run at PostFilter when no node fits.
    public private(set) var postFilterPlugins: [any PostFilterPlugin]
    /// The plugins run at Score, with their weights.
    public private(set) var scorePlugins: [(plugin: any ScorePlugin, weight: Int64)]
    /// The plugins run at Reserve, in order (Unreserve runs in reverse).
    public private(set) var reservePlugins: [any ReservePlugin]
    /// Every plugin, for the queue's requeue decisions.
    public private(set) var plugins: [any Plugin]

    /// A profile of these plugins; each runs at the extension points it implements. Scorers weigh 1 unless
    /// `weights` names them.
    public init(plugins: [any Plugin], weights: [String: Int64] = [:]) {
        self.plugins = plugins
        preFilterPlugins = plugins.compactMap { $0 as? any PreFilterPlugin }
        filterPlugins = plugins.compactMap { $0 as? any FilterPlugin }
        postFilterPlugins = plugins.compactMap { $0 as? any PostFilterPlugin }
        scorePlugins = plugins.compactMap { p in (p as? any ScorePlugin).map { ($0, weights[$0.name] ?? 1) } }
        reservePlugins = plugins.compactMap { $0 as? any ReservePlugin }
    }

    /// Upstream's default profile for the plugins kgit implements, in upstream's filter order and with
    /// upstream's score weights (TaintToleration 3; NodeAffinity, PodTopologySpread, InterPodAffinity 2;
    /// NodeResourcesFit, NodeResourcesBalancedAllocation 1).
    public static var `default`: Framework {
        Framework(
            plugins: [
                NodeUnschedulable(), NodeName(), TaintToleration(), NodeAffinity(), NodeResourcesFit(),
                PodTopologySpread(), InterPodAffinity(), NodeResourcesBalancedAllocation(), DefaultPreemption(),
            ],
            weights: [
                "TaintToleration": 3, "NodeAffinity": 2, "PodTopologySpread": 2, "InterPodAffinity": 2,
                "NodeResourcesFit": 1, "NodeResourcesBalancedAllocation": 1,
            ])
    }

    /// Runs every PreFilter plugin; stops at the first that does not succeed or skip. Returns the status and
    /// the names of plugins that skipped (their Filter is not run for this pod).
    public func runPreFilter(_ pod: Pod, state: CycleState, snapshot: Snapshot) -> (Status, Set<String>) {
        var skipped: Set<String> = []
        for plugin in preFilterPlugins {
            var status = plugin.preFilter(pod, state: state, snapshot: snapshot)
            switch status.code {
            case .success: continue
            case .skip: skipped.insert(plugin.name)
            default:
                status.plugin = plugin.name
                return (status, skipped)
            }
        }
        return (.success, skipped)
    }

    /// The Filter plugins to run for a pod, leaving out those whose PreFilter skipped.
    public func filterPlugins(skipping skipped: Set<String>) -> [any FilterPlugin] {
        skipped.isEmpty ? filterPlugins : filterPlugins.filter { !skipped.contains($0.name) }
    }

    /// Runs the Filter plugins on one node; the first rejection is the node's status.
    public func runFilter(_ pod: Pod, node: NodeInfo, state: CycleState, skipping skipped: Set<String> = []) -> Status {
        runFilter(pod, node: node, state: state, plugins: filterPlugins(skipping: skipped))
    }

    /// Runs the given Filter plugins on one node; the first rejection is the node's status.
    public func runFilter(_ pod: Pod, node: NodeInfo, state: CycleState, plugins: [any FilterPlugin]) -> Status {
        for plugin in plugins {
            var status = plugin.filter(pod, node: node, state: state)
            if !status.isSuccess {
                status.plugin = plugin.name
                return status
            }
        }
        return .success
    }

    /// Tells every PreFilter plugin's state that `podToAdd` runs on `node`.
    public func runAddPod(_ podToAdd: Pod, to node: NodeInfo, for pod: Pod, state: CycleState, snapshot: Snapshot) {
        for plugin in preFilterPlugins { plugin.addPod(podToAdd, to: node, for: pod, state: state, snapshot: snapshot) }
    }

    /// Tells every PreFilter plugin's state that `podToRemove` left `node`.
    public func runRemovePod(
        _ podToRemove: Pod, from node: NodeInfo, for pod: Pod, state: CycleState, snapshot: Snapshot
    ) {
        for plugin in preFilterPlugins {
            plugin.removePod(podToRemove, from: node, for: pod, state: state, snapshot: snapshot)
        }
    }

    /// Scores the feasible nodes (indices into `snapshot.nodes`): each plugin's raw scores, normalized,
    /// times its weight, summed per node.
    public func runScore(_ pod: Pod, feasible: [Int], state: CycleState, snapshot: Snapshot) -> [Int64] {
        var totals = [Int64](repeating: 0, count: feasible.count)
        var scores = [Int64](repeating: 0, count: feasible.count)
        for (plugin, weight) in scorePlugins {
            if plugin.preScore(pod, feasible: feasible, state: state, snapshot: snapshot).code == .skip { continue }
            for (i, index) in feasible.enumerated() {
                scores[i] = plugin.score(pod, node: snapshot.nodes[index], state: state)
            }
            plugin.normalize(&scores, pod: pod, state: state)
            for i in totals.indices { totals[i] &+= scores[i] &* weight }
        }
        return totals
    }

    /// The plugins whose rejections the event may resolve.
    public func plugins(resolvedBy event: ClusterEvent) -> Set<String> {
        Set(plugins.filter { $0.requeueEvents.contains(event) }.map(\.name))
    }
}

/// The highest node score a plugin returns after normalization.
public let maxNodeScore: Int64 = 100

/// Scales scores so the largest becomes `maxNodeScore` (or, `reverse`, so the largest becomes 0 and zero
/// becomes `maxNodeScore`), as upstream's `DefaultNormalizeScore`.
public func normalizeToMax(_ scores: inout [Int64], reverse: Bool) {
    let highest = scores.max() ?? 0
    if highest == 0 {
        if reverse { for i in scores.indices { scores[i] = maxNodeScore } }
        return
    }
    for i in scores.indices {
        var s = maxNodeScore * scores[i] / highest
        if reverse { s = maxNodeScore - s }
        scores[i] = s
    }
}
