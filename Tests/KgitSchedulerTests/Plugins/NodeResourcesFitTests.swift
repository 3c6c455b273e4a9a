import Testing

@testable import KgitScheduler

@Suite("NodeResourcesFit")
struct NodeResourcesFitTests {
    /// A node with 4 CPUs, 8Gi, 10 pod slots, 100Gi ephemeral storage and 2 GPUs, already running a pod
    /// that requests 1 CPU, 2Gi and 10Gi of ephemeral storage.
    static let snapshot = Snapshot(
        nodes: [makeNode("n", cpu: "4", memory: "8Gi", pods: 10, extra: ["ephemeral-storage": "100Gi", "nvidia.com/gpu": "2"])],
        pods: [
            makePod(
                "existing", nodeName: "n",
                spec: #"{"containers": [{"name": "a", "resources": {"requests": {"cpu": "1", "memory": "2Gi", "ephemeral-storage": "10Gi"}}}]}"#)
        ])

    static func requesting(_ requests: String) -> String {
        #"{"containers": [{"name": "a", "resources": {"requests": \#(requests)}}]}"#
    }

    @Test(
        "a pod fits when every request is within what the node has left",
        arguments: [
            ("what is left fits", requesting(#"{"cpu": "3", "memory": "6Gi"}"#), []),
            ("one millicore too many CPUs", requesting(#"{"cpu": "3001m"}"#), ["Insufficient cpu"]),
            ("one byte too much memory", requesting(#"{"memory": "6442450945"}"#), ["Insufficient memory"]),
            ("ephemeral storage", requesting(#"{"ephemeral-storage": "91Gi"}"#), ["Insufficient ephemeral-storage"]),
            ("extended resources", requesting(#"{"nvidia.com/gpu": "3"}"#), ["Insufficient nvidia.com/gpu"]),
            ("an extended resource the node lacks", requesting(#"{"example.com/fpga": "1"}"#), ["Insufficient example.com/fpga"]),
            ("every shortfall is a reason, in upstream's order", requesting(#"{"memory": "7Gi", "cpu": "4", "nvidia.com/gpu": "5"}"#),
             ["Insufficient cpu", "Insufficient memory", "Insufficient nvidia.com/gpu"]),
            ("a pod without requests always fits the resources", "{}", []),
            ("init containers count at their peak", #"{"initContainers": [{"name": "i", "resources": {"requests": {"cpu": "3500m"}}}], "containers": [{"name": "a", "resources": {"requests": {"cpu": "100m"}}}]}"#, ["Insufficient cpu"]),
            ("overhead counts", #"{"overhead": {"cpu": "500m"}, "containers": [{"name": "a", "resources": {"requests": {"cpu": "2800m"}}}]}"#, ["Insufficient cpu"]),
        ])
    func fits(_ rule: String, _ spec: String, _ reasons: [String]) {
        let status = filter(NodeResourcesFit(), makePod("p", spec: spec), on: "n", in: Self.snapshot)
        #expect(status.reasons == reasons, "\(rule)")
    }

    @Test("a full node reports Too many pods") func podSlots() {
        let node = makeNode("small", pods: 1)
        let snapshot = Snapshot(nodes: [node], pods: [makePod("a", nodeName: "small")])
        #expect(filter(NodeResourcesFit(), makePod("b"), on: "small", in: snapshot) == Status(.unschedulable, "Too many pods"))
    }

    @Test("a shortfall that evicting pods could cure is Unschedulable; a request above allocatable is Unresolvable")
    func resolvability() {
        let cured = filter(NodeResourcesFit(), makePod("p", cpu: "3500m"), on: "n", in: Self.snapshot)
        #expect(cured.code == .unschedulable)
        let hopeless = filter(NodeResourcesFit(), makePod("p", cpu: "5"), on: "n", in: Self.snapshot)
        #expect(hopeless.code == .unschedulableAndUnresolvable)
    }

    @Test("LeastAllocated: the node with more free CPU and memory after placement scores higher") func leastAllocated() {
        let snapshot = Snapshot(
            nodes: [makeNode("empty"), makeNode("busy")],
            pods: [makePod("x", cpu: "2", memory: "4Gi", nodeName: "busy")])
        // 1 CPU and 2Gi on 4 CPUs and 8Gi: 75% free on the empty node; with 2 CPUs and 4Gi already used, 25%.
        #expect(scores(NodeResourcesFit(), makePod("p", cpu: "1", memory: "2Gi"), in: snapshot) == ["empty": 75, "busy": 25])
    }

    @Test("pods without requests are scored as 100m and 200Mi, so they still spread") func nonZeroScoring() {
        let snapshot = Snapshot(nodes: [makeNode("n", cpu: "1", memory: "1000Mi")])
        // cpu (1000-100)/1000 = 90, memory (1000-200)/1000 = 80 → 85.
        #expect(scores(NodeResourcesFit(), makePod("p"), in: snapshot) == ["n": 85])
    }

    @Test("BalancedAllocation: a node whose CPU and memory shares stay equal scores higher") func balanced() {
        let snapshot = Snapshot(nodes: [makeNode("even", cpu: "4", memory: "8Gi"), makeNode("skewed", cpu: "4", memory: "4Gi")])
        // even: shares 0.25 and 0.25 → 100; skewed: 0.25 and 0.5 → 1 - 0.125 → 87.
        #expect(scores(NodeResourcesBalancedAllocation(), makePod("p", cpu: "1", memory: "2Gi"), in: snapshot) == ["even": 100, "skewed": 87])
    }
}
