/// A node with the pods assigned to it and the sums the plugins read: what the scheduler's cache holds
/// per node.
///
/// A class, so that the thousands of reads a scheduling cycle makes cost one reference each, not a copy of
/// every field. `Snapshot` keeps value semantics by copying a shared `NodeInfo` before it changes one
/// (copy on write); code outside a snapshot that wants to simulate changes (as preemption does) calls
/// `copy()` first and changes only the copy. Its properties skip dynamic exclusivity checks: an instance
/// is changed only while nothing else reads it (the snapshot's copy on write guarantees that).
public final class NodeInfo: @unchecked Sendable {
    /// The node.
    @exclusivity(unchecked) public internal(set) var node: Node
    /// The pods bound or assumed on the node.
    @exclusivity(unchecked) public private(set) var pods: [Pod]
    /// The sum of the pods' requests.
    @exclusivity(unchecked) public private(set) var requested: Resources
    /// The sum of the pods' non-zero CPU and memory requests (for scoring).
    @exclusivity(unchecked) public private(set) var nonZeroRequested: Resources
    /// How many of the pods have pod affinity or anti-affinity rules.
    @exclusivity(unchecked) public private(set) var podsWithAffinityCount: Int
    /// How many of the pods have required anti-affinity terms.
    @exclusivity(unchecked) public private(set) var podsWithRequiredAntiAffinityCount: Int

    /// A node with no pods.
    public init(node: Node) {
        self.node = node
        self.pods = []
        self.requested = Resources()
        self.nonZeroRequested = Resources()
        self.podsWithAffinityCount = 0
        self.podsWithRequiredAntiAffinityCount = 0
    }

    /// The node's name.
    public var name: String { node.name }

    /// An independent copy, safe to change.
    public func copy() -> NodeInfo {
        let c = NodeInfo(node: node)
        c.pods = pods
        c.requested = requested
        c.nonZeroRequested = nonZeroRequested
        c.podsWithAffinityCount = podsWithAffinityCount
        c.podsWithRequiredAntiAffinityCount = podsWithRequiredAntiAffinityCount
        return c
    }

    /// Adds a pod's requests and rules to this node info. Changes this instance: call it only on a `copy()`
    /// (a snapshot's own node infos change only through the snapshot).
    public func add(_ pod: Pod) {
        pods.append(pod)
        requested.add(pod.requests)
        nonZeroRequested.add(pod.nonZeroRequests)
        if pod.hasPodAffinityRules { podsWithAffinityCount += 1 }
        if !pod.podAntiAffinity.required.isEmpty { podsWithRequiredAntiAffinityCount += 1 }
    }

    /// Removes the pod with this `namespace/name`; returns whether it was there. Changes this instance:
    /// call it only on a `copy()`.
    @discardableResult
    public func remove(podKey: String) -> Bool {
        guard let index = pods.firstIndex(where: { $0.key == podKey }) else { return false }
        let pod = pods.remove(at: index)
        requested.subtract(pod.requests)
        nonZeroRequested.subtract(pod.nonZeroRequests)
        if pod.hasPodAffinityRules { podsWithAffinityCount -= 1 }
        if !pod.podAntiAffinity.required.isEmpty { podsWithRequiredAntiAffinityCount -= 1 }
        return true
    }
}
