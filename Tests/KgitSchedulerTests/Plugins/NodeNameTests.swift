import Testing

@testable import KgitScheduler

@Suite("NodeName")
struct NodeNameTests {
    let snapshot = Snapshot(nodes: [makeNode("n1"), makeNode("n2")])

    @Test(
        "a pod that names a node fits only that node; a pod that names none fits any",
        arguments: [
            ("n1", "n1", Status.success), ("n1", "n2", Status(.unschedulableAndUnresolvable, NodeName.reason)),
            (nil, "n2", Status.success),
        ] as [(String?, String, Status)])
    func requestedNode(_ requested: String?, _ node: String, _ want: Status) {
        var pod = makePod("p")
        pod.nodeName = requested
        #expect(filter(NodeName(), pod, on: node, in: snapshot) == want)
    }
}

@Suite("NodeUnschedulable")
struct NodeUnschedulableTests {
    let snapshot = Snapshot(nodes: [makeNode("open"), makeNode("cordoned", unschedulable: true)])

    @Test(
        "a cordoned node takes only pods that tolerate node.kubernetes.io/unschedulable",
        arguments: [
            ("open", "{}", true),
            ("cordoned", "{}", false),
            ("cordoned", #"{"tolerations": [{"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}]}"#, true),
            ("cordoned", #"{"tolerations": [{"operator": "Exists"}]}"#, true),
            ("cordoned", #"{"tolerations": [{"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoExecute"}]}"#, false),
        ])
    func cordon(_ node: String, _ spec: String, _ fits: Bool) {
        let status = filter(NodeUnschedulable(), makePod("p", spec: spec), on: node, in: snapshot)
        #expect(status == (fits ? .success : Status(.unschedulableAndUnresolvable, "node(s) were unschedulable")))
    }
}
