/// InterPodAffinity: places pods near (affinity) or away from (anti-affinity) other pods, by topology domain.
///
/// Filter, in upstream's order: the pod's required affinity terms must each find a selected pod in the
/// node's domain (unless no pod anywhere matches and the pod matches its own terms: the first of a group);
/// its required anti-affinity terms must find none; and no existing pod's required anti-affinity may select
/// the pod within that pod's domain. Score: preferred terms of the pod and of existing pods (both ways),
/// and existing pods' required affinity (weight 1), summed per domain and scaled min-max to 0...100.
public struct InterPodAffinity: PreFilterPlugin, FilterPlugin, ScorePlugin {
    /// Rejection when a required affinity term finds no pod in the node's domain.
    public static let affinityReason = "node(s) didn't match pod affinity rules"
    /// Rejection when a required anti-affinity term finds a pod in the node's domain.
    public static let antiAffinityReason = "node(s) didn't match pod anti-affinity rules"
    /// Rejection when an existing pod's required anti-affinity selects the pod.
    public static let existingAntiAffinityReason = "node(s) didn't satisfy existing pods anti-affinity rules"

    /// The weight given to existing pods' required affinity terms that select the pod, when scoring.
    public var hardPodAffinityWeight: Int64

    /// Creates the plugin.
    public init(hardPodAffinityWeight: Int64 = 1) { self.hardPodAffinityWeight = hardPodAffinityWeight }

    /// `InterPodAffinity`.
    public var name: String { "InterPodAffinity" }

    /// A topology domain: a label key and value.
    struct Pair: Hashable, Sendable {
        var key: String
        var value: String
    }

    /// What Filter reads.
    struct FilterState: Sendable {
        /// Domains where an existing pod's required anti-affinity selects the pod.
        var existingAntiAffinity: [Pair: Int] = [:]
        /// Domains holding pods that match all of the pod's required affinity terms.
        var affinity: [Pair: Int] = [:]
        /// Domains holding pods one of the pod's required anti-affinity terms selects.
        var antiAffinity: [Pair: Int] = [:]
    }

    static let filterKey = "InterPodAffinity/filter"
    static let scoreKey = "InterPodAffinity/score"

    private func matchesAll(_ terms: [PodAffinityTerm], _ pod: Pod, _ snapshot: Snapshot) -> Bool {
        let ns = snapshot.namespaceLabels[pod.namespace] ?? [:]
        return !terms.isEmpty && terms.allSatisfy { $0.matches(pod, namespaceLabels: ns) }
    }

    /// Adds (delta 1) or removes (delta −1) one existing pod's contribution to the filter counts.
    private func count(
        _ existing: Pod, on node: Node, for pod: Pod, into s: inout FilterState, snapshot: Snapshot, delta: Int
    ) {
        let podNamespaceLabels = snapshot.namespaceLabels[pod.namespace] ?? [:]
        for term in existing.podAntiAffinity.required where term.matches(pod, namespaceLabels: podNamespaceLabels) {
            if let value = node.labels[term.topologyKey] {
                s.existingAntiAffinity[Pair(key: term.topologyKey, value: value), default: 0] += delta
            }
        }
        let existingNamespaceLabels = snapshot.namespaceLabels[existing.namespace] ?? [:]
        if matchesAll(pod.podAffinity.required, existing, snapshot) {
            for term in pod.podAffinity.required {
                if let value = node.labels[term.topologyKey] {
                    s.affinity[Pair(key: term.topologyKey, value: value), default: 0] += delta
                }
            }
        }
        for term in pod.podAntiAffinity.required where term.matches(existing, namespaceLabels: existingNamespaceLabels) {
            if let value = node.labels[term.topologyKey] {
                s.antiAffinity[Pair(key: term.topologyKey, value: value), default: 0] += delta
            }
        }
    }

    /// Counts, per domain, the pods the filter rules look for; skips when no rule can apply.
    public func preFilter(_ pod: Pod, state: CycleState, snapshot: Snapshot) -> Status {
        let ownRules = !pod.podAffinity.required.isEmpty || !pod.podAntiAffinity.required.isEmpty
        if !ownRules && snapshot.podsWithRequiredAntiAffinity == 0 { return Status(.skip) }
        // Without required affinity and namespace selectors, the snapshot's incremental counts answer.
        if pod.podAffinity.required.isEmpty,
           pod.podAntiAffinity.required.allSatisfy({ $0.namespaceSelector == nil && $0.labelSelector != nil })
        {
            var s = FilterState()
            let podNamespaceLabels = snapshot.namespaceLabels[pod.namespace] ?? [:]
            if snapshot.podsWithRequiredAntiAffinity > 0 {
                snapshot.forEachCarriedAntiAffinityTerm(mayMatch: pod) { term, domains in
                    guard term.matches(pod, namespaceLabels: podNamespaceLabels) else { return }
                    for (domain, n) in domains where n > 0 {
                        s.existingAntiAffinity[Pair(key: term.topologyKey, value: domain), default: 0] += n
                    }
                }
            }
            for term in pod.podAntiAffinity.required {
                guard let selector = term.labelSelector else { continue }
                let counts = snapshot.podCounts(TopologyIndex.Query(
                    namespaces: term.namespaces, selector: selector, topologyKey: term.topologyKey,
                    excludeTerminating: false))
                for (domain, n) in counts where n > 0 {
                    s.antiAffinity[Pair(key: term.topologyKey, value: domain), default: 0] += n
                }
            }
            if !ownRules && s.existingAntiAffinity.isEmpty { return Status(.skip) }
            state.write(InterPodAffinity.filterKey, s)
            return .success
        }
        var s = FilterState()
        var anyExistingAnti = false
        for info in snapshot.nodes {
            if ownRules {
                for existing in info.pods { count(existing, on: info.node, for: pod, into: &s, snapshot: snapshot, delta: 1) }
            } else if info.podsWithRequiredAntiAffinityCount > 0 {
                anyExistingAnti = true
                for existing in info.pods where !existing.podAntiAffinity.required.isEmpty {
                    count(existing, on: info.node, for: pod, into: &s, snapshot: snapshot, delta: 1)
                }
            }
        }
        if !ownRules && (!anyExistingAnti || s.existingAntiAffinity.isEmpty) { return Status(.skip) }
        state.write(InterPodAffinity.filterKey, s)
        return .success
    }

    /// Applies the three rules in upstream's order.
    public func filter(_ pod: Pod, node: NodeInfo, state: CycleState) -> Status {
        guard let s = state.read(InterPodAffinity.filterKey, as: FilterState.self) else { return .success }
        let labels = node.node.labels
        if !pod.podAffinity.required.isEmpty {
            var satisfied = true
            for term in pod.podAffinity.required {
                guard let value = labels[term.topologyKey], (s.affinity[Pair(key: term.topologyKey, value: value)] ?? 0) > 0
                else {
                    satisfied = false
                    break
                }
            }
            if !satisfied {
                // The first pod of a group that selects itself may go anywhere that has the topology keys.
                let firstOfGroup =
                    s.affinity.values.allSatisfy { $0 <= 0 }
                    && pod.podAffinity.required.allSatisfy { term in
                        labels[term.topologyKey] != nil && term.matches(pod, namespaceLabels: [:])
                    }
                if !firstOfGroup { return Status(.unschedulableAndUnresolvable, InterPodAffinity.affinityReason) }
            }
        }
        for term in pod.podAntiAffinity.required {
            if let value = labels[term.topologyKey], (s.antiAffinity[Pair(key: term.topologyKey, value: value)] ?? 0) > 0 {
                return Status(.unschedulable, InterPodAffinity.antiAffinityReason)
            }
        }
        if !s.existingAntiAffinity.isEmpty {
            for (key, value) in labels where (s.existingAntiAffinity[Pair(key: key, value: value)] ?? 0) > 0 {
                return Status(.unschedulable, InterPodAffinity.existingAntiAffinityReason)
            }
        }
        return .success
    }

    /// Counts `podToAdd` (preemption's simulation).
    public func addPod(_ podToAdd: Pod, to node: NodeInfo, for pod: Pod, state: CycleState, snapshot: Snapshot) {
        guard var s = state.read(InterPodAffinity.filterKey, as: FilterState.self) else { return }
        count(podToAdd, on: node.node, for: pod, into: &s, snapshot: snapshot, delta: 1)
        state.write(InterPodAffinity.filterKey, s)
    }

    /// Stops counting `podToRemove` (preemption's simulation).
    public func removePod(
        _ podToRemove: Pod, from node: NodeInfo, for pod: Pod, state: CycleState, snapshot: Snapshot
    ) {
        guard var s = state.read(InterPodAffinity.filterKey, as: FilterState.self) else { return }
        count(podToRemove, on: node.node, for: pod, into: &s, snapshot: snapshot, delta: -1)
        state.write(InterPodAffinity.filterKey, s)
    }

    /// Sums, per domain (topology key, then value), the weights of the preferred rules that apply.
    public func preScore(_ pod: Pod, feasible: [Int], state: CycleState, snapshot: Snapshot) -> Status {
        let ownPreferred = !pod.podAffinity.preferred.isEmpty || !pod.podAntiAffinity.preferred.isEmpty
        if !ownPreferred && snapshot.podsWithScoringAffinity == 0 { return Status(.skip) }
        var scores: [String: [String: Int64]] = [:]
        func add(_ key: String, _ node: Node, _ weight: Int64) {
            guard let value = node.labels[key] else { return }
            scores[key, default: [:]][value, default: 0] += weight
        }
        let podNamespaceLabels = snapshot.namespaceLabels[pod.namespace] ?? [:]
        for info in snapshot.nodes where ownPreferred || info.podsWithAffinityCount > 0 {
            for existing in info.pods {
                if ownPreferred {
                    let existingNamespaceLabels = snapshot.namespaceLabels[existing.namespace] ?? [:]
                    for w in pod.podAffinity.preferred where w.term.matches(existing, namespaceLabels: existingNamespaceLabels) {
                        add(w.term.topologyKey, info.node, w.weight)
                    }
                    for w in pod.podAntiAffinity.preferred where w.term.matches(existing, namespaceLabels: existingNamespaceLabels) {
                        add(w.term.topologyKey, info.node, -w.weight)
                    }
                }
                guard existing.hasPodAffinityRules else { continue }
                for term in existing.podAffinity.required where term.matches(pod, namespaceLabels: podNamespaceLabels) {
                    add(term.topologyKey, info.node, hardPodAffinityWeight)
                }
                for w in existing.podAffinity.preferred where w.term.matches(pod, namespaceLabels: podNamespaceLabels) {
                    add(w.term.topologyKey, info.node, w.weight)
                }
                for w in existing.podAntiAffinity.preferred where w.term.matches(pod, namespaceLabels: podNamespaceLabels) {
                    add(w.term.topologyKey, info.node, -w.weight)
                }
            }
        }
        if scores.isEmpty { return Status(.skip) }
        state.write(InterPodAffinity.scoreKey, scores)
        return .success
    }

    /// The sum of the weights of the domains the node belongs to.
    public func score(_ pod: Pod, node: NodeInfo, state: CycleState) -> Int64 {
        guard let scores = state.read(InterPodAffinity.scoreKey, as: [String: [String: Int64]].self) else { return 0 }
        var total: Int64 = 0
        for (key, values) in scores {
            if let value = node.node.labels[key], let s = values[value] { total += s }
        }
        return total
    }

    /// Min-max scaling to 0...100; all equal scores become 0.
    public func normalize(_ scores: inout [Int64], pod: Pod, state: CycleState) {
        guard let highest = scores.max(), let lowest = scores.min() else { return }
        let spread = highest - lowest
        for i in scores.indices { scores[i] = spread > 0 ? maxNodeScore * (scores[i] - lowest) / spread : 0 }
    }
}
