/// Why no node fits a pod, node by node, and what preemption found: the `FailedScheduling` explanation.
public struct FitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pod, as `namespace/name`.
    public var podKey: String
    /// How many nodes the cluster has.
    public var numAllNodes: Int
    /// Each node's rejection, by node name.
    public var nodeStatuses: [String: Status]
    /// Set when a PreFilter plugin rejected the pod for every node at once.
    public var preFilterMessage: String?
    /// Set when PostFilter (preemption) ran and could not help: the `preemption: ...` part.
    public var postFilterMessage: String?
    /// The node preemption nominated, when it found one.
    public var nominatedNodeName: String?
    /// The pods preemption would evict to make room on the nominated node.
    public var victims: [Pod]

    /// Creates a fit error.
    public init(
        podKey: String, numAllNodes: Int, nodeStatuses: [String: Status], preFilterMessage: String? = nil,
        postFilterMessage: String? = nil, nominatedNodeName: String? = nil, victims: [Pod] = []
    ) {
        self.podKey = podKey
        self.numAllNodes = numAllNodes
        self.nodeStatuses = nodeStatuses
        self.preFilterMessage = preFilterMessage
        self.postFilterMessage = postFilterMessage
        self.nominatedNodeName = nominatedNodeName
        self.victims = victims
    }

    /// The message in upstream's form: `0/5 nodes are available: 2 node(s) had untolerated taint
    /// {dedicated: gpu}, 3 Insufficient cpu.`, then ` preemption: ...` when preemption did not help.
    ///
    /// Each reason is counted over the nodes that gave it; the `"<count> <reason>"` strings are sorted as
    /// strings (so "10 ..." sorts before "2 ..."), as upstream sorts them.
    public var message: String {
        if numAllNodes == 0 { return "no nodes available to schedule pods" }
        var text = "0/\(numAllNodes) nodes are available:"
        if let preFilterMessage, !preFilterMessage.isEmpty {
            text += " \(preFilterMessage)."
        } else {
            let histogram = FitError.histogram(nodeStatuses)
            if !histogram.isEmpty { text += " " + histogram + "." }
        }
        if let postFilterMessage, !postFilterMessage.isEmpty { text += " \(postFilterMessage)" }
        return text
    }

    /// The message.
    public var description: String { message }

    /// `"<count> <reason>"` for every distinct reason, sorted as strings and joined with ", ".
    static func histogram(_ statuses: [String: Status]) -> String {
        var counts: [String: Int] = [:]
        for status in statuses.values {
            for reason in status.reasons { counts[reason, default: 0] += 1 }
        }
        return counts.map { "\($0.value) \($0.key)" }.sorted().joined(separator: ", ")
    }
}
