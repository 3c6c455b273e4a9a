/// NodeUnschedulable: a cordoned node (`spec.unschedulable`) takes only pods that tolerate the
/// `node.kubernetes.io/unschedulable:NoSchedule` taint.
public struct NodeUnschedulable: FilterPlugin {
    /// The rejection reason.
    public static let reason = "node(s) were unschedulable"
    /// The taint a pod tolerates to be placed on a cordoned node.
    public static let taint = Taint(key: "node.kubernetes.io/unschedulable", effect: .noSchedule)

    /// Creates the plugin.
    public init() {}

    /// `NodeUnschedulable`.
    public var name: String { "NodeUnschedulable" }

    /// Uncordoning or a new node can help.
    public var requeueEvents: Set<ClusterEvent> { [.nodeAdded, .nodeUpdated] }

    /// Rejects (unresolvably) a cordoned node unless the pod tolerates the cordon.
    public func filter(_ pod: Pod, node: NodeInfo, state: CycleState) -> Status {
        guard node.node.unschedulable, !pod.tolerations.tolerate(NodeUnschedulable.taint) else { return .success }
        return Status(.unschedulableAndUnresolvable, NodeUnschedulable.reason)
    }
}
