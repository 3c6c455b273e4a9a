/// A node with the pods assigned to it and the sums the plugins read: what the scheduler's cache holds
/// per node, as a value.
public struct NodeInfo: Sendable {
    /// The node.
    public var node: Node
    /// The pods bound or assumed on the node.
    public private(set) var pods: [Pod]
    /// The sum of the pods' requests.
    public private(set) var requested: Resources
    /// The sum of the pods' non-zero CPU and memory requests (for scoring).
    public private(set) var nonZeroRequested: Resources
    /// How many of the pods have pod affinity or anti-affinity rules.
    public private(set) var podsWithAffinityCount: Int
    /// How many of the pods have required anti-affinity terms.
    public private(set) var podsWithRequiredAntiAffinityCount: Int

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

    /// Adds a pod's requests and rules to the node.
    public mutating func add(_ pod: Pod) {
        pods.append(pod)
        requested.add(pod.requests)
        nonZeroRequested.add(pod.nonZeroRequests)
        if pod.hasPodAffinityRules { podsWithAffinityCount += 1 }
        if !pod.podAntiAffinity.required.isEmpty { podsWithRequiredAntiAffinityCount += 1 }
    }

    /// Removes the pod with this `namespace/name`; returns whether it was there.
    @discardableResult
    public mutating func remove(podKey: String) -> Bool {
        guard let index = pods.firstIndex(where: { $0.key == podKey }) else { return false }
        let pod = pods.remove(at: index)
        requested.subtract(pod.requests)
        nonZeroRequested.subtract(pod.nonZeroRequests)
        if pod.hasPodAffinityRules { podsWithAffinityCount -= 1 }
        if !pod.podAntiAffinity.required.isEmpty { podsWithRequiredAntiAffinityCount -= 1 }
        return true
    }
}
