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
    /// How many assigned pods have rules InterPodAffinity's scoring reads from existing pods (required
    /// affinity, preferred affinity or anti-affinity); required anti-affinity alone only filters.
    public private(set) var podsWithScoringAffinity = 0
    /// Per-domain counts kept current as pods come and go (PodTopologySpread, InterPodAffinity).
    private var index = TopologyIndex()

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
            if nodes[i].node.labels != node.labels { mutableIndex().reset() }
            mutableNode(i).node = node
        } else {
            indexByName[node.name] = nodes.count
            nodes.append(NodeInfo(node: node))
            mutableIndex().nodesChanged()
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
        mutableIndex().reset()
        indexByName = [:]
        for (position, info) in nodes.enumerated() { indexByName[info.name] = position }
    }

    /// Adds a pod assigned to a node (its `nodeName`); returns false when it names no known node.
    /// A pod already present is replaced.
    @discardableResult
    public mutating func add(_ pod: Pod) -> Bool {
        guard let nodeName = pod.nodeName, let i = indexByName[nodeName] else { return false }
        removePod(key: pod.key)
        mutableNode(i).add(pod)
        mutableIndex().update(pod, nodeLabels: nodes[i].node.labels, delta: 1)
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
        if let pod = nodes[i].pods.first(where: { $0.key == key }) {
            count(pod, -1)
            mutableIndex().update(pod, nodeLabels: nodes[i].node.labels, delta: -1)
        }
        mutableNode(i).remove(podKey: key)
        nodeByPod[key] = nil
    }

    /// The node info at `i`, copied first if another snapshot shares it (copy on write).
    private mutating func mutableNode(_ i: Int) -> NodeInfo {
        if !isKnownUniquelyReferenced(&nodes[i]) { nodes[i] = nodes[i].copy() }
        return nodes[i]
    }

    private mutating func mutableIndex() -> TopologyIndex {
        if !isKnownUniquelyReferenced(&index) { index = index.copy() }
        return index
    }

    /// The assigned pods `query` selects, per domain of its topology key (counted once, then kept current).
    func podCounts(_ query: TopologyIndex.Query) -> [String: Int] { index.counts(query, nodes: nodes) }

    /// How many nodes carry each value of the label `key`.
    func nodesPerDomain(_ key: String) -> [String: Int] { index.domains(key, nodes: nodes) }

    /// Each required anti-affinity term carried by assigned pods that may select `pod`, with how many
    /// carriers sit in each domain.
    func forEachCarriedAntiAffinityTerm(mayMatch pod: Pod, _ body: (PodAffinityTerm, [String: Int]) -> Void) {
        index.forEachCarriedTerm(mayMatch: pod, nodes: nodes, body)
    }

    private mutating func count(_ pod: Pod, _ delta: Int) {
        if pod.hasPodAffinityRules { podsWithAffinity += delta }
        if !pod.podAffinity.isEmpty || !pod.podAntiAffinity.preferred.isEmpty { podsWithScoringAffinity += delta }
        if !pod.podAntiAffinity.required.isEmpty { podsWithRequiredAntiAffinity += delta }
    }

    /// How many pods are assigned to nodes.
    public var podCount: Int { nodeByPod.count }
}
