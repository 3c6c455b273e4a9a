import KgitAPIMachinery
import Testing

@testable import KgitScheduler

/// The snapshot's incremental per-domain counts agree with a full rescan however pods come and go.
@Suite("TopologyIndex: per-domain counts kept current by the snapshot")
struct TopologyIndexTests {
    static let zone = "topology.kubernetes.io/zone"

    static func nodes() -> [Node] {
        (0..<6).map { i in makeNode("n\(i)", labels: ["kubernetes.io/hostname": "n\(i)", zone: "z\(i % 3)"]) }
    }

    static func spreadPod(_ name: String) -> Pod {
        Pod(name: name, labels: ["app": "web"], topologySpreadConstraints: [
            TopologySpreadConstraint(
                maxSkew: 1, topologyKey: zone, whenUnsatisfiable: .doNotSchedule,
                labelSelector: LabelSelector(requirements: [.equals("app", "web")])),
        ])
    }

    static func antiPod(_ name: String, group: String) -> Pod {
        let term = PodAffinityTerm(
            labelSelector: LabelSelector(requirements: [.equals("group", group)]), namespaces: ["default"],
            topologyKey: "kubernetes.io/hostname")
        return Pod(name: name, labels: ["group": group], podAntiAffinity: PodAffinityRules(required: [term]))
    }

    @Test("spread counts read from the index equal a rescan after assumes, removals and a relabelled node")
    func spreadCountsMatchRescan() {
        var snapshot = Snapshot(nodes: Self.nodes())
        let probe = Self.spreadPod("probe")
        func check(_ note: Comment) {
            let indexed = PodTopologySpread.indexedCounts(
                for: probe, constraints: probe.topologySpreadConstraints, snapshot: snapshot)
            let scanned = PodTopologySpread.counts(for: probe, constraints: probe.topologySpreadConstraints, nodes: snapshot.nodes)
            #expect(indexed?.counts == scanned.counts, note)
        }
        check("empty")
        for i in 0..<9 { snapshot.assume(Self.spreadPod("p\(i)"), on: "n\(i % 6)") }
        snapshot.assume(Pod(name: "other", labels: ["app": "db"]), on: "n0")
        check("after assumes")
        snapshot.removePod(key: "default/p3")
        snapshot.removePod(key: "default/p4")
        check("after removals")
        snapshot.upsert(makeNode("n5", labels: ["kubernetes.io/hostname": "n5", Self.zone: "z9"]))
        check("after relabelling a node")
        snapshot.removeNode(named: "n1")
        check("after removing a node")
    }

    @Test("a copied snapshot keeps its own counts when the original changes")
    func copyOnWrite() {
        var original = Snapshot(nodes: Self.nodes())
        let probe = Self.spreadPod("probe")
        original.assume(Self.spreadPod("a"), on: "n0")
        _ = PodTopologySpread.indexedCounts(for: probe, constraints: probe.topologySpreadConstraints, snapshot: original)
        let copy = original
        original.assume(Self.spreadPod("b"), on: "n0")
        let before = PodTopologySpread.indexedCounts(for: probe, constraints: probe.topologySpreadConstraints, snapshot: copy)
        let after = PodTopologySpread.indexedCounts(for: probe, constraints: probe.topologySpreadConstraints, snapshot: original)
        #expect(before?.counts.first?["z0"] == 1)
        #expect(after?.counts.first?["z0"] == 2)
    }

    @Test("required anti-affinity read from the index rejects exactly the hosts a rescan rejects")
    func antiAffinityMatchesRescan() {
        var snapshot = Snapshot(nodes: Self.nodes())
        for i in 0..<8 { snapshot.assume(Self.antiPod("p\(i)", group: "g\(i % 3)"), on: "n\(i % 6)") }
        snapshot.removePod(key: "default/p6")
        let plugin = InterPodAffinity()
        for group in ["g0", "g1", "g2", "g3"] {
            let incoming = Self.antiPod("new-\(group)", group: group)
            let rejected = Self.nodes().filter { !filter(plugin, incoming, on: $0.name, in: snapshot).isSuccess }.map(\.name)
            // The rule itself: a host is rejected when it holds a pod of the same group (in either direction).
            let expected = Self.nodes().map(\.name).filter { node in
                snapshot[node]?.pods.contains { $0.labels["group"] == group } == true
            }
            #expect(rejected == expected, "group \(group)")
        }
    }
}
