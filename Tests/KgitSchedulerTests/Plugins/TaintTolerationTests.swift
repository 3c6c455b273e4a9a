import Testing

@testable import KgitScheduler

@Suite("TaintToleration")
struct TaintTolerationTests {
    static let gpu = Taint(key: "dedicated", value: "gpu", effect: .noSchedule)

    @Test(
        "a NoSchedule or NoExecute taint keeps out pods that do not tolerate it",
        arguments: [
            ("no tolerations", [gpu], "[]", false),
            ("Equal with the same value", [gpu], #"[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]"#, true),
            ("Equal with another value", [gpu], #"[{"key": "dedicated", "value": "cpu", "effect": "NoSchedule"}]"#, false),
            ("Exists on the key", [gpu], #"[{"key": "dedicated", "operator": "Exists"}]"#, true),
            ("an empty key with Exists tolerates everything", [gpu], #"[{"operator": "Exists"}]"#, true),
            ("an effect must match", [gpu], #"[{"key": "dedicated", "value": "gpu", "effect": "NoExecute"}]"#, false),
            ("NoExecute is a filter too", [Taint(key: "k", effect: .noExecute)], "[]", false),
            ("PreferNoSchedule is not a filter", [Taint(key: "k", effect: .preferNoSchedule)], "[]", true),
        ] as [(String, [Taint], String, Bool)])
    func filterRule(_ rule: String, _ taints: [Taint], _ tolerations: String, _ fits: Bool) {
        let snapshot = Snapshot(nodes: [makeNode("n", taints: taints)])
        let status = filter(TaintToleration(), makePod("p", spec: #"{"tolerations": \#(tolerations)}"#), on: "n", in: snapshot)
        #expect(status.isSuccess == fits, "\(rule)")
        if !fits { #expect(status.code == .unschedulableAndUnresolvable) }
    }

    @Test("the reason names the first untolerated taint as {key: value}") func reason() {
        let snapshot = Snapshot(nodes: [
            makeNode("n", taints: [Taint(key: "a", value: "1", effect: .noSchedule), Taint(key: "node-role.kubernetes.io/control-plane", effect: .noSchedule)])
        ])
        let tolerateA = makePod("p", spec: #"{"tolerations": [{"key": "a", "operator": "Exists"}]}"#)
        #expect(filter(TaintToleration(), tolerateA, on: "n", in: snapshot).reasons == ["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"])
        #expect(filter(TaintToleration(), makePod("q"), on: "n", in: snapshot).reasons == ["node(s) had untolerated taint {a: 1}"])
    }

    @Test("a node with more untolerated PreferNoSchedule taints scores lower") func preferNoSchedule() {
        let soft = { (k: String) in Taint(key: k, effect: .preferNoSchedule) }
        let snapshot = Snapshot(nodes: [
            makeNode("clean"), makeNode("one", taints: [soft("a")]), makeNode("two", taints: [soft("a"), soft("b")]),
        ])
        #expect(scores(TaintToleration(), makePod("p"), in: snapshot) == ["clean": 100, "one": 50, "two": 0])
        let tolerant = makePod("p", spec: #"{"tolerations": [{"key": "a", "operator": "Exists", "effect": "PreferNoSchedule"}]}"#)
        #expect(scores(TaintToleration(), tolerant, in: snapshot) == ["clean": 100, "one": 100, "two": 0])
    }
}
