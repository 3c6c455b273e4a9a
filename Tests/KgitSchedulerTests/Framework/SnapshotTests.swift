import Testing

@testable import KgitScheduler

@Suite("Snapshot")
struct SnapshotTests {
    @Test("a copy of a snapshot is independent: assuming a pod on one leaves the other unchanged") func valueSemantics() {
        let original = Snapshot(nodes: [makeNode("n1")], pods: [makePod("a", cpu: "1", nodeName: "n1")])
        var copy = original
        copy.assume(makePod("b", cpu: "2"), on: "n1")
        copy.upsert(makeNode("n1", cpu: "8"))
        #expect(original["n1"]?.pods.map(\.name) == ["a"])
        #expect(original["n1"]?.requested.milliCPU == 1000)
        #expect(original["n1"]?.node.allocatable.milliCPU == 4000)
        #expect(copy["n1"]?.pods.map(\.name) == ["a", "b"])
        #expect(copy["n1"]?.requested.milliCPU == 3000)
        #expect(copy["n1"]?.node.allocatable.milliCPU == 8000)
    }

    @Test("pods on unknown nodes and pending pods are left out; removing a node forgets its pods") func membership() {
        var snapshot = Snapshot(
            nodes: [makeNode("n1"), makeNode("n2")],
            pods: [makePod("a", nodeName: "n1"), makePod("b", nodeName: "ghost"), makePod("pending")])
        #expect(snapshot.podCount == 1)
        #expect(snapshot.nodeName(ofPod: "default/a") == "n1")
        snapshot.removeNode(named: "n1")
        #expect(snapshot.podCount == 0)
        #expect(snapshot.nodes.map(\.name) == ["n2"])
        #expect(snapshot.index(of: "n2") == 0)
    }

    @Test("re-adding a pod moves it instead of counting it twice") func readd() {
        var snapshot = Snapshot(nodes: [makeNode("n1"), makeNode("n2")], pods: [makePod("a", cpu: "1", nodeName: "n1")])
        snapshot.add(makePod("a", cpu: "1", nodeName: "n2"))
        #expect(snapshot["n1"]?.requested.milliCPU == 0)
        #expect(snapshot["n2"]?.requested.milliCPU == 1000)
        #expect(snapshot.podCount == 1)
    }
}
