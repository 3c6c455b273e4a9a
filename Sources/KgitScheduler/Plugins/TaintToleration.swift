/// TaintToleration: a node's `NoSchedule` and `NoExecute` taints keep out pods that do not tolerate them;
/// untolerated `PreferNoSchedule` taints lower a node's score.
public struct TaintToleration: FilterPlugin, ScorePlugin {
    /// Creates the plugin.
    public init() {}

    /// `TaintToleration`.
    public var name: String { "TaintToleration" }

    /// A changed or new node can help.
    public var requeueEvents: Set<ClusterEvent> { [.nodeAdded, .nodeUpdated] }

    /// The rejection reason for a taint: `node(s) had untolerated taint {dedicated: gpu}`.
    public static func reason(_ taint: Taint) -> String {
        "node(s) had untolerated taint {\(taint.key): \(taint.value)}"
    }

    /// Rejects (unresolvably) a node with an untolerated `NoSchedule` or `NoExecute` taint, naming the first.
    public func filter(_ pod: Pod, node: NodeInfo, state: CycleState) -> Status {
        for taint in node.node.taints where taint.effect != .preferNoSchedule {
            if !pod.tolerations.tolerate(taint) {
                return Status(.unschedulableAndUnresolvable, TaintToleration.reason(taint))
            }
        }
        return .success
    }

    /// The number of `PreferNoSchedule` taints the pod does not tolerate (counting only its tolerations
    /// whose effect is empty or `PreferNoSchedule`).
    public func score(_ pod: Pod, node: NodeInfo, state: CycleState) -> Int64 {
        var count: Int64 = 0
        for taint in node.node.taints where taint.effect == .preferNoSchedule {
            let tolerated = pod.tolerations.contains {
                ($0.effect == nil || $0.effect == .preferNoSchedule) && $0.tolerates(taint)
            }
            if !tolerated { count += 1 }
        }
        return count
    }

    /// Fewer untolerated taints score higher: the most-tainted node gets 0, untainted nodes 100.
    public func normalize(_ scores: inout [Int64], pod: Pod, state: CycleState) {
        normalizeToMax(&scores, reverse: true)
    }
}
