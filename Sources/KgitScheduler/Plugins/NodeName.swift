/// NodeName: a pod that names a node (`spec.nodeName`) fits only that node.
public struct NodeName: FilterPlugin {
    /// The rejection reason.
    public static let reason = "node(s) didn't match the requested node name"

    /// Creates the plugin.
    public init() {}

    /// `NodeName`.
    public var name: String { "NodeName" }

    /// Only a new node can help.
    public var requeueEvents: Set<ClusterEvent> { [.nodeAdded] }

    /// Rejects (unresolvably) every node but the requested one.
    public func filter(_ pod: Pod, node: NodeInfo, state: CycleState) -> Status {
        guard let wanted = pod.nodeName, wanted != node.name else { return .success }
        return Status(.unschedulableAndUnresolvable, NodeName.reason)
    }
}
