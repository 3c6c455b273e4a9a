import Testing

@testable import KgitScheduler

@Suite("PodTopologySpread")
struct PodTopologySpreadTests {
    /// Zone a holds n1 and n2 (with SSDs), zone b holds n3; n1 runs two `app: web` pods.
    static func cluster(extraPods: [Pod] = []) -> Snapshot {
        Snapshot(
            nodes: [
                makeNode("n1", labels: ["zone": "a", "disk": "ssd"]), makeNode("n2", labels: ["zone": "a", "disk": "ssd"]),
                makeNode("n3", labels: ["zone": "b"]),
            ],
            pods: [
                makePod("w1", labels: ["app": "web"], nodeName: "n1"), makePod("w2", labels: ["app": "web"], nodeName: "n1"),
            ] + extraPods)
    }

    static func spread(_ key: String, maxSkew: Int = 1, action: String = "DoNotSchedule", extra: String = "") -> String {
        #"{"topologySpreadConstraints": [{"maxSkew": \#(maxSkew), "topologyKey": "\#(key)", "whenUnsatisfiable": "\#(action)", "labelSelector": {"matchLabels": {"app": "web"}}\#(extra)}]}"#
    }

    static func fitting(_ pod: Pod, _ snapshot: Snapshot) -> [String] {
        snapshot.nodes.map(\.name).filter { filter(PodTopologySpread(), pod, on: $0, in: snapshot).isSuccess }
    }

    @Test(
        "DoNotSchedule keeps the matching pods in any domain within maxSkew of the emptiest domain",
        arguments: [
            ("zones: zone a has 2, zone b 0, so only zone b keeps the skew at 1", spread("zone"), ["n3"]),
            ("zones with maxSkew 3 allow zone a too", spread("zone", maxSkew: 3), ["n1", "n2", "n3"]),
            ("hosts: n1 has 2, so only the empty hosts fit", spread("kubernetes.io/hostname"), ["n2", "n3"]),
            ("nodes outside the pod's nodeSelector are not domains (nodeAffinityPolicy Honor)",
             #"{"nodeSelector": {"disk": "ssd"}, "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": "web"}}}]}"#,
             ["n1", "n2", "n3"]),
            ("with nodeAffinityPolicy Ignore they are",
             #"{"nodeSelector": {"disk": "ssd"}, "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "nodeAffinityPolicy": "Ignore", "labelSelector": {"matchLabels": {"app": "web"}}}]}"#,
             ["n3"]),
            ("ScheduleAnyway never filters", spread("zone", action: "ScheduleAnyway"), ["n1", "n2", "n3"]),
        ])
    func skew(_ rule: String, _ spec: String, _ want: [String]) {
        let pod = makePod("p", labels: ["app": "web"], spec: spec)
        #expect(Self.fitting(pod, Self.cluster()) == want, "\(rule)")
    }

    @Test("a pod its own selector does not match does not count itself") func selfMatch() {
        // Zone a: 2, zone b: 0. The pod is not `app: web`, so zone a has skew 2 and zone b skew 0.
        let pod = makePod("p", labels: ["app": "db"], spec: Self.spread("zone", maxSkew: 2))
        #expect(Self.fitting(pod, Self.cluster()) == ["n1", "n2", "n3"])
    }

    @Test("pods in other namespaces and terminating pods are not counted") func namespacesAndTerminating() {
        var leaving = makePod("w3", labels: ["app": "web"], nodeName: "n3")
        leaving.isTerminating = true
        let other = makePod("w4", namespace: "other", labels: ["app": "web"], nodeName: "n3")
        let pod = makePod("p", labels: ["app": "web"], spec: Self.spread("zone"))
        #expect(Self.fitting(pod, Self.cluster(extraPods: [leaving, other])) == ["n3"])
    }

    @Test("with fewer domains than minDomains the global minimum is zero") func minDomains() {
        let balanced = Self.cluster(extraPods: [makePod("w3", labels: ["app": "web"], nodeName: "n3"), makePod("w4", labels: ["app": "web"], nodeName: "n3")])
        let plain = makePod("p", labels: ["app": "web"], spec: Self.spread("zone"))
        #expect(Self.fitting(plain, balanced) == ["n1", "n2", "n3"])
        let needsThree = makePod("p", labels: ["app": "web"], spec: Self.spread("zone", extra: #", "minDomains": 3"#))
        #expect(Self.fitting(needsThree, balanced) == [])
    }

    @Test("a node without the topology key is rejected unresolvably") func missingKey() {
        var snapshot = Self.cluster()
        snapshot.upsert(makeNode("bare"))
        let pod = makePod("p", labels: ["app": "web"], spec: Self.spread("zone"))
        #expect(filter(PodTopologySpread(), pod, on: "bare", in: snapshot)
            == Status(.unschedulableAndUnresolvable, "node(s) didn't match pod topology spread constraints (missing required label)"))
        #expect(filter(PodTopologySpread(), pod, on: "n1", in: snapshot)
            == Status(.unschedulable, "node(s) didn't match pod topology spread constraints"))
    }

    @Test("ScheduleAnyway: nodes in domains with fewer matching pods score higher") func scoring() {
        let pod = makePod("p", labels: ["app": "web"], spec: Self.spread("zone", action: "ScheduleAnyway"))
        let got = scores(PodTopologySpread(), pod, in: Self.cluster())
        #expect(got["n3"] == 100)
        #expect(got["n1"] == got["n2"])
        #expect((got["n1"] ?? 100) < 100)
    }
}
