import KgitAPIMachinery
import Testing

@testable import KgitScheduler

/// Decodes JSON text written in a test; a syntax error in the test fails it with the parser's message.
func json(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONValue {
    do {
        return try JSONParser.parse(text)
    } catch {
        Issue.record("bad JSON in test: \(error)", sourceLocation: sourceLocation)
        return .null
    }
}

/// A node decoded from a Kubernetes Node object with the given allocatable, labels and taints.
func makeNode(
    _ name: String, cpu: String = "4", memory: String = "8Gi", pods: Int64 = 110, extra: [String: String] = [:],
    labels: [String: String] = [:], taints: [Taint] = [], unschedulable: Bool = false
) -> Node {
    var allocatable: [String: JSONValue] = ["cpu": .string(cpu), "memory": .string(memory), "pods": .int(pods)]
    for (k, v) in extra { allocatable[k] = .string(v) }
    var allLabels = labels
    allLabels["kubernetes.io/hostname"] = allLabels["kubernetes.io/hostname"] ?? name
    let object: JSONValue = [
        "apiVersion": "v1", "kind": "Node",
        "metadata": ["name": .string(name), "labels": .object(allLabels.mapValues { .string($0) })],
        "spec": [
            "unschedulable": .bool(unschedulable),
            "taints": .array(
                taints.map { ["key": .string($0.key), "value": .string($0.value), "effect": .string($0.effect.rawValue)] }),
        ],
        "status": ["allocatable": .object(allocatable)],
    ]
    do {
        return try Node(json: object)
    } catch {
        Issue.record("test node does not decode: \(error)")
        return Node(name: name, allocatable: Resources())
    }
}

/// A pod decoded from a Kubernetes Pod object: one container requesting `cpu`/`memory` (when given), the
/// labels, and `spec` (JSON text) merged into the pod's spec.
func makePod(
    _ name: String, namespace: String = "default", cpu: String? = nil, memory: String? = nil,
    labels: [String: String] = [:], priority: Int64? = nil, nodeName: String? = nil, spec: String = "{}",
    sourceLocation: SourceLocation = #_sourceLocation
) -> Pod {
    var requests: [String: JSONValue] = [:]
    if let cpu { requests["cpu"] = .string(cpu) }
    if let memory { requests["memory"] = .string(memory) }
    var specValue = json(spec, sourceLocation: sourceLocation)
    if specValue["containers"] == nil {
        specValue["containers"] = [["name": "app", "image": "app", "resources": ["requests": .object(requests)]]]
    }
    if let priority { specValue["priority"] = .int(priority) }
    if let nodeName { specValue["nodeName"] = .string(nodeName) }
    let object: JSONValue = [
        "apiVersion": "v1", "kind": "Pod",
        "metadata": [
            "name": .string(name), "namespace": .string(namespace), "labels": .object(labels.mapValues { .string($0) }),
        ],
        "spec": specValue,
    ]
    do {
        return try Pod(json: object)
    } catch {
        Issue.record("test pod does not decode: \(error)", sourceLocation: sourceLocation)
        return Pod(name: name)
    }
}

/// Runs one plugin's Filter as the framework does: PreFilter first (a skip means the filter passes).
func filter(_ plugin: some FilterPlugin, _ pod: Pod, on nodeName: String, in snapshot: Snapshot) -> Status {
    let state = CycleState()
    if let pre = plugin as? any PreFilterPlugin {
        let status = pre.preFilter(pod, state: state, snapshot: snapshot)
        if status.code == .skip { return .success }
        if !status.isSuccess { return status }
    }
    guard let info = snapshot[nodeName] else {
        Issue.record("no node \(nodeName) in the snapshot")
        return Status(.error, "no node")
    }
    return plugin.filter(pod, node: info, state: state)
}

/// Runs one plugin's PreScore, Score and NormalizeScore over every node of the snapshot, by node name.
func scores(_ plugin: some ScorePlugin, _ pod: Pod, in snapshot: Snapshot) -> [String: Int64] {
    let state = CycleState()
    let feasible = Array(snapshot.nodes.indices)
    if plugin.preScore(pod, feasible: feasible, state: state, snapshot: snapshot).code == .skip { return [:] }
    var raw = feasible.map { plugin.score(pod, node: snapshot.nodes[$0], state: state) }
    plugin.normalize(&raw, pod: pod, state: state)
    var result: [String: Int64] = [:]
    for (i, index) in feasible.enumerated() { result[snapshot.nodes[index].name] = raw[i] }
    return result
}
