import Foundation

/// PodTopologySpread: spreads matching pods evenly over topology domains (zones, hosts, ...).
///
/// A `DoNotSchedule` constraint is a filter: placing the pod in a domain must not make that domain hold more
/// than `maxSkew` matching pods beyond the domain with the fewest (taken as zero when fewer than
/// `minDomains` domains exist). A `ScheduleAnyway` constraint scores: domains with fewer matching pods
/// score higher. Only nodes that pass the pod's node affinity and selector (`nodeAffinityPolicy: Honor`,
/// the default) and carry every constraint's topology key count as domains.
public struct PodTopologySpread: PreFilterPlugin, FilterPlugin, ScorePlugin {
    /// The rejection reason when the skew would grow too large.
    public static let reason = "node(s) didn't match pod topology spread constraints"
    /// The rejection reason when the node lacks a constraint's topology key.
    public static let missingLabelReason = "node(s) didn't match pod topology spread constraints (missing required label)"

    /// Creates the plugin.
    public init() {}

    /// `PodTopologySpread`.
    public var name: String { "PodTopologySpread" }

    /// Any pod or node change can change the counts.
    public var requeueEvents: Set<ClusterEvent> { Set(ClusterEvent.allCases) }

    /// Matching-pod counts per domain, one table per constraint.
    struct Counts: Sendable {
        var constraints: [TopologySpreadConstraint]
        var counts: [[String: Int]]

        func minimum(_ c: Int) -> Int {
            if let minDomains = constraints[c].minDomains, counts[c].count < minDomains { return 0 }
            return counts[c].values.min() ?? 0
        }
    }

    /// What Filter reads, computed once per pod in PreFilter: the counts and, per constraint, the most
    /// matching pods a domain may already hold (`maxSkew + minimum − (1 if the pod matches itself)`), so a
    /// node costs one label lookup and one table lookup per constraint. A class, so reading it from the
    /// cycle state does not copy the tables; it is never changed once written (preemption writes a new one).
    final class Prepared: Sendable {
        let counts: Counts
        let limits: [Int]

        init(_ counts: Counts, for pod: Pod) {
            self.counts = counts
            limits = counts.constraints.indices.map { c in
                let constraint = counts.constraints[c]
                let selfMatch = constraint.labelSelector?.matches(pod.labels) == true ? 1 : 0
                return Int(constraint.maxSkew) + counts.minimum(c) - selfMatch
            }
        }
    }

    static let filterKey = "PodTopologySpread/filter"
    static let scoreKey = "PodTopologySpread/score"

    /// Whether the node counts as a domain for the pod's constraints.
    static func eligible(_ info: NodeInfo, for pod: Pod, constraints: [TopologySpreadConstraint]) -> Bool {
        let labels = info.node.labels
        for c in constraints where labels[c.topologyKey] == nil { return false }
        if constraints.contains(where: \.honorNodeAffinity),
            !NodeAffinity.requiredMatches(pod, labels: labels, name: info.node.name)
        {
            return false
        }
        if constraints.contains(where: \.honorNodeTaints) {
            for taint in info.node.taints where taint.effect != .preferNoSchedule && !pod.tolerations.tolerate(taint) {
                return false
            }
        }
        return true
    }

    /// How many pods on the node the constraint counts (same namespace, selected, not terminating).
    static func matching(_ constraint: TopologySpreadConstraint, on node: NodeInfo, namespace: String) -> Int {
        guard let selector = constraint.labelSelector else { return 0 }
        var n = 0
        for p in node.pods where p.namespace == namespace && !p.isTerminating && selector.matches(p.labels) { n += 1 }
        return n
    }

    static func counts(
        for pod: Pod, constraints: [TopologySpreadConstraint], nodes: some Sequence<NodeInfo>
    ) -> Counts {
        var tables = [[String: Int]](repeating: [:], count: constraints.count)
        let honorAffinity = constraints.contains(where: \.honorNodeAffinity)
        let honorTaints = constraints.contains(where: \.honorNodeTaints)
        var domains = [String](repeating: "", count: constraints.count)
        nodes: for info in nodes {
            // The same test as `eligible`, looking each topology key up once.
            let labels = info.node.labels
            for (c, constraint) in constraints.enumerated() {
                guard let domain = labels[constraint.topologyKey] else { continue nodes }
                domains[c] = domain
            }
            if honorAffinity && !NodeAffinity.requiredMatches(pod, labels: labels, name: info.node.name) { continue }
            if honorTaints {
                for taint in info.node.taints where taint.effect != .preferNoSchedule && !pod.tolerations.tolerate(taint) {
                    continue nodes
                }
            }
            for (c, constraint) in constraints.enumerated() {
                tables[c][domains[c], default: 0] += matching(constraint, on: info, namespace: pod.namespace)
            }
        }
        return Counts(constraints: constraints, counts: tables)
    }

    /// The counts from the snapshot's incremental index when every node with the topology key is a domain
    /// for this pod (one constraint; no node selector or required affinity to honor; taints not honored);
    /// nil when the nodes must be checked one by one.
    static func indexedCounts(for pod: Pod, constraints: [TopologySpreadConstraint], snapshot: Snapshot) -> Counts? {
        guard constraints.count == 1, let constraint = constraints.first, let selector = constraint.labelSelector,
              !constraint.honorNodeTaints,
              !constraint.honorNodeAffinity || (pod.nodeSelector.isEmpty && pod.nodeAffinity?.required == nil)
        else { return nil }
        let matched = snapshot.podCounts(TopologyIndex.Query(
            namespaces: [pod.namespace], selector: selector, topologyKey: constraint.topologyKey, excludeTerminating: true))
        var table: [String: Int] = [:]
        for domain in snapshot.nodesPerDomain(constraint.topologyKey).keys { table[domain] = matched[domain] ?? 0 }
        return Counts(constraints: constraints, counts: [table])
    }

    /// Counts matching pods per domain for the `DoNotSchedule` constraints; skips pods without any.
    public func preFilter(_ pod: Pod, state: CycleState, snapshot: Snapshot) -> Status {
        let hard = pod.topologySpreadConstraints.filter { $0.whenUnsatisfiable == .doNotSchedule }
        if hard.isEmpty { return Status(.skip) }
        let counts = PodTopologySpread.indexedCounts(for: pod, constraints: hard, snapshot: snapshot)
            ?? PodTopologySpread.counts(for: pod, constraints: hard, nodes: snapshot.nodes)
        state.write(PodTopologySpread.filterKey, Prepared(counts, for: pod))
        return .success
    }

    /// Rejects a node lacking a topology key (unresolvably), or whose domain would exceed `maxSkew`.
    public func filter(_ pod: Pod, node: NodeInfo, state: CycleState) -> Status {
        guard let prepared = state.read(PodTopologySpread.filterKey, as: Prepared.self) else { return .success }
        let constraints = prepared.counts.constraints
        for c in constraints.indices {
            guard let domain = node.node.labels[constraints[c].topologyKey] else {
                return Status(.unschedulableAndUnresolvable, PodTopologySpread.missingLabelReason)
            }
            if (prepared.counts.counts[c][domain] ?? 0) > prepared.limits[c] {
                return Status(.unschedulable, PodTopologySpread.reason)
            }
        }
        return .success
    }

    /// Counts `podToAdd` in its domain (preemption's simulation).
    public func addPod(_ podToAdd: Pod, to node: NodeInfo, for pod: Pod, state: CycleState, snapshot: Snapshot) {
        update(podToAdd, on: node, for: pod, state: state, by: 1)
    }

    /// Stops counting `podToRemove` (preemption's simulation).
    public func removePod(
        _ podToRemove: Pod, from node: NodeInfo, for pod: Pod, state: CycleState, snapshot: Snapshot
    ) {
        update(podToRemove, on: node, for: pod, state: state, by: -1)
    }

    private func update(_ other: Pod, on node: NodeInfo, for pod: Pod, state: CycleState, by delta: Int) {
        guard var counts = state.read(PodTopologySpread.filterKey, as: Prepared.self)?.counts,
            other.namespace == pod.namespace,
            PodTopologySpread.eligible(node, for: pod, constraints: counts.constraints)
        else { return }
        for (c, constraint) in counts.constraints.enumerated() {
            guard let domain = node.node.labels[constraint.topologyKey],
                constraint.labelSelector?.matches(other.labels) == true
            else { continue }
            counts.counts[c][domain, default: 0] += delta
        }
        state.write(PodTopologySpread.filterKey, Prepared(counts, for: pod))
    }

    /// What Score reads: counts per domain for the `ScheduleAnyway` constraints, and each constraint's weight.
    struct ScoreState: Sendable {
        var counts: Counts
        var weights: [Double]
    }

    /// Counts matching pods per domain for the `ScheduleAnyway` constraints and weighs each constraint by
    /// log(domains among the feasible nodes + 2); skips pods without any.
    public func preScore(_ pod: Pod, feasible: [Int], state: CycleState, snapshot: Snapshot) -> Status {
        let soft = pod.topologySpreadConstraints.filter { $0.whenUnsatisfiable == .scheduleAnyway }
        if soft.isEmpty { return Status(.skip) }
        let counts = PodTopologySpread.indexedCounts(for: pod, constraints: soft, snapshot: snapshot)
            ?? PodTopologySpread.counts(for: pod, constraints: soft, nodes: snapshot.nodes)
        var weights: [Double] = []
        for constraint in soft {
            var domains = Set<String>()
            for i in feasible {
                if let d = snapshot.nodes[i].node.labels[constraint.topologyKey] { domains.insert(d) }
            }
            weights.append(log(Double(domains.count + 2)))
        }
        state.write(PodTopologySpread.scoreKey, ScoreState(counts: counts, weights: weights))
        return .success
    }

    /// Σ over constraints of (matching pods in the node's domain × weight + maxSkew − 1); −1 marks a node
    /// lacking a topology key.
    public func score(_ pod: Pod, node: NodeInfo, state: CycleState) -> Int64 {
        guard let s = state.read(PodTopologySpread.scoreKey, as: ScoreState.self) else { return 0 }
        var total = 0.0
        for (c, constraint) in s.counts.constraints.enumerated() {
            guard let domain = node.node.labels[constraint.topologyKey] else { return -1 }
            total += Double(s.counts.counts[c][domain] ?? 0) * s.weights[c] + Double(constraint.maxSkew - 1)
        }
        return Int64(total.rounded())
    }

    /// Fewer matching pods score higher: 100 × (max + min − score) / max; nodes lacking a key score 0.
    public func normalize(_ scores: inout [Int64], pod: Pod, state: CycleState) {
        let counted = scores.filter { $0 >= 0 }
        guard let highest = counted.max(), let lowest = counted.min() else { return }
        for i in scores.indices {
            if scores[i] < 0 {
                scores[i] = 0
            } else if highest == 0 {
                scores[i] = maxNodeScore
            } else {
                scores[i] = maxNodeScore * (highest + lowest - scores[i]) / highest
            }
        }
    }
}
