import KgitAPIMachinery

/// The cluster as one scheduling cycle sees it: every node with its pods, and the labels of namespaces (for
/// affinity terms with a `namespaceSelector`). A value: informers fill it later; tests build it directly.
///
/// Pods without a `nodeName` are pending and are not part of the snapshot; pods naming an unknown node are
/// ignored, as upstream's cache does until the node appears.
public struct Snapshot: Sendable {
    /// The nodes, in a stable order (the order they were added).
    public private(set) var nodes: [NodeInfo]
    /// The labels of each namespace, by name.
    public var namespaceLabels: [String: [String: String]]
    /// The position of each node in `nodes`, by name.
    private var indexByName: [String: Int]
    /// Which node each assigned pod is on, by `namespace/name`.
    private var nodeByPod: [String: String]
    /// How many assigned pods have required anti-affinity terms (InterPodAffinity skips its scan at zero).
    public private(set) var podsWithRequiredAntiAffinity = 0
    /// How many assigned pods have any pod affinity or anti-affinity rules.
    public private(set) var podsWithAffinity = 0

    /// A snapshot of these nodes and the pods assigned to them.
    public init(nodes: [Node] = [], pods: [Pod] = [], namespaceLabels: [String: [String: String]] = [:]) {
        self.nodes = []
        self.indexByName = [:]
        self.nodeByPod = [:]
        self.namespaceLabels = namespaceLabels
        self.nodes.reserveCapacity(nodes.count)
        for node in nodes { upsert(node) }
        for pod in pods { add(pod) }
    }

    /// Decodes Kubernetes Node and Pod objects into a snapshot; errors name the object and the field.
    public init(nodeObjects: [JSONValue], podObjects: [JSONValue]) throws(DecodingError) {
        var nodes: [Node] = []
        for object in nodeObjects { nodes.append(try Node(json: object)) }
        var pods: [Pod] = []
        for object in podObjects { pods.append(try Pod(json: object)) }
        self.init(nodes: nodes, pods: pods)
    }

    /// The node with this name.
    public subscript(nodeName: String) -> NodeInfo? {
        indexByName[nodeName].map { nodes[$0] }
    }

    /// The position of the named node in `nodes`.
    public func index(of nodeName: String) -> Int? { indexByName[nodeName] }

    /// The node a pod is assigned to, by `namespace/name`.
    public func nodeName(ofPod key: String) -> String? { nodeByPod[key] }

    /// Adds a node, or replaces the node of that name keeping its pods.
    public mutating func upsert(_ node: Node) {
        if let i = indexByName[node.name] {
            nodes[i].node = node
        } else {
            indexByName[node.name] = nodes.count
            nodes.append(NodeInfo(node: node))
        }
    }

    /// Removes a node and forgets its pods.
    public mutating func removeNode(named name: String) {
        guard let i = indexByName[name] else { return }
        for pod in nodes[i].pods {
            nodeByPod[pod.key] = nil
            count(pod, -1)
        }
        nodes.remove(at: i)
        indexByName = [:]
        for (position, info) in nodes.enumerated() { indexByName[info.name] = position }
    }

    /// Adds a pod assigned to a node (its `nodeName`); returns false when it names no known node.
    /// A pod already present is replaced.
    @discardableResult
    public mutating func add(_ pod: Pod) -> Bool {
        guard let nodeName = pod.nodeName, let i = indexByName[nodeName] else { return false }
        removePod(key: pod.key)
        nodes[i].add(pod)
        nodeByPod[pod.key] = nodeName
        count(pod, 1)
        return true
    }

    /// Assumes the pod runs on the node (the scheduler's Reserve step), before binding confirms it.
    @discardableResult
    public mutating func assume(_ pod: Pod, on nodeName: String) -> Bool {
        var placed = pod
        placed.nodeName = nodeName
        return add(placed)
    }

    /// Removes an assigned pod by `namespace/name`.
    public mutating func removePod(key: String) {
        guard let nodeName = nodeByPod[key], let i = indexByName[nodeName] else { return }
        if let pod = nodes[i].pods.first(where: { $0.key == key }) { count(pod, -1) }
        nodes[i].remove(podKey: key)
        nodeByPod[key] = nil
    }

    private mutating func count(_ pod: Pod, _ delta: Int) {
        if pod.hasPodAffinityRules { podsWithAffinity += delta }
        if !pod.podAntiAffinity.required.isEmpty { podsWithRequiredAntiAffinity += delta }
    }

    /// How many pods are assigned to nodes.
    public var podCount: Int { nodeByPod.count }
}
