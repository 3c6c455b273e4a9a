import Testing

@testable import KgitScheduler

@Suite("NodeAffinity")
struct NodeAffinityTests {
    let snapshot = Snapshot(nodes: [
        makeNode("a1", labels: ["zone": "a", "disk": "ssd", "cores": "8"]),
        makeNode("b1", labels: ["zone": "b", "cores": "2"]),
    ])

    static func requiredSpec(_ expressions: String) -> String {
        #"{"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": \#(expressions)}}}}"#
    }

    @Test(
        "nodeSelector and required terms decide which nodes fit",
        arguments: [
            ("nodeSelector matches every label", #"{"nodeSelector": {"zone": "a", "disk": "ssd"}}"#, ["a1"]),
            ("nodeSelector with one missing label matches nothing", #"{"nodeSelector": {"zone": "a", "gpu": "yes"}}"#, []),
            ("In", requiredSpec(#"[{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["b", "c"]}]}]"#), ["b1"]),
            ("NotIn also matches nodes without the label", requiredSpec(#"[{"matchExpressions": [{"key": "disk", "operator": "NotIn", "values": ["ssd"]}]}]"#), ["b1"]),
            ("Exists", requiredSpec(#"[{"matchExpressions": [{"key": "disk", "operator": "Exists"}]}]"#), ["a1"]),
            ("DoesNotExist", requiredSpec(#"[{"matchExpressions": [{"key": "disk", "operator": "DoesNotExist"}]}]"#), ["b1"]),
            ("Gt compares as integers", requiredSpec(#"[{"matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["4"]}]}]"#), ["a1"]),
            ("Lt compares as integers", requiredSpec(#"[{"matchExpressions": [{"key": "cores", "operator": "Lt", "values": ["4"]}]}]"#), ["b1"]),
            ("expressions within a term are ANDed", requiredSpec(#"[{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}, {"key": "cores", "operator": "Lt", "values": ["4"]}]}]"#), []),
            ("terms are ORed", requiredSpec(#"[{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}, {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["b"]}]}]"#), ["a1", "b1"]),
            ("matchFields selects by node name", requiredSpec(#"[{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["b1"]}]}]"#), ["b1"]),
            ("an empty term matches no node", requiredSpec(#"[{}]"#), []),
            ("an empty list of terms matches no node", requiredSpec(#"[]"#), []),
            ("nodeSelector and affinity must both hold", #"{"nodeSelector": {"zone": "a"}, "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["b"]}]}]}}}}"#, []),
        ])
    func requiredTerms(_ rule: String, _ spec: String, _ fitting: [String]) {
        let pod = makePod("p", spec: spec)
        let fits = snapshot.nodes.map(\.name).filter { filter(NodeAffinity(), pod, on: $0, in: snapshot).isSuccess }
        #expect(fits == fitting, "\(rule)")
    }

    @Test("a node the selector excludes is rejected unresolvably with upstream's reason") func reason() {
        let status = filter(NodeAffinity(), makePod("p", spec: #"{"nodeSelector": {"zone": "z"}}"#), on: "a1", in: snapshot)
        #expect(status == Status(.unschedulableAndUnresolvable, "node(s) didn't match Pod's node affinity/selector"))
    }

    @Test("preferred terms add their weights; the best node scores 100") func preferred() {
        let pod = makePod(
            "p",
            spec: #"""
                {"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                  {"weight": 80, "preference": {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]}},
                  {"weight": 20, "preference": {"matchExpressions": [{"key": "zone", "operator": "Exists"}]}}]}}}
                """#)
        #expect(scores(NodeAffinity(), pod, in: snapshot) == ["a1": 100, "b1": 20])
    }
}
