/// NodeAffinity: a pod's `nodeSelector` and required node affinity decide which nodes it may use; its
/// preferred terms add their weights to the nodes they match.
public struct NodeAffinity: FilterPlugin, ScorePlugin {
    /// The rejection reason.
    public static let reason = "node(s) didn't match Pod's node affinity/selector"

    /// Creates the plugin.
    public init() {}

    /// `NodeAffinity`.
    public var name: String { "NodeAffinity" }

    /// A changed label or a new node can help.
    public var requeueEvents: Set<ClusterEvent> { [.nodeAdded, .nodeUpdated] }

    /// Whether the node satisfies the pod's `nodeSelector` (every label) and required terms (any term).
    public static func requiredMatches(_ pod: Pod, _ node: Node) -> Bool {
        for (key, value) in pod.nodeSelector where node.labels[key] != value { return false }
        return pod.nodeAffinity?.requiredMatches(node) ?? true
    }

    /// Rejects (unresolvably) a node the selector or required terms exclude.
    public func filter(_ pod: Pod, node: NodeInfo, state: CycleState) -> Status {
        NodeAffinity.requiredMatches(pod, node.node) ? .success : Status(.unschedulableAndUnresolvable, NodeAffinity.reason)
    }

    /// Skips pods without preferred terms.
    public func preScore(_ pod: Pod, feasible: [Int], state: CycleState, snapshot: Snapshot) -> Status {
        (pod.nodeAffinity?.preferred.isEmpty ?? true) ? Status(.skip) : .success
    }

    /// The sum of the weights of the preferred terms the node matches.
    public func score(_ pod: Pod, node: NodeInfo, state: CycleState) -> Int64 {
        var total: Int64 = 0
        for term in pod.nodeAffinity?.preferred ?? [] where term.preference.matches(node.node) { total += term.weight }
        return total
    }

    /// The best-matching node gets 100, others in proportion.
    public func normalize(_ scores: inout [Int64], pod: Pod, state: CycleState) {
        normalizeToMax(&scores, reverse: false)
    }
}
