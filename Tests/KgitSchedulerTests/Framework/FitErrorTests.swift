import Testing

@testable import KgitScheduler

@Suite("FailedScheduling messages")
struct FitErrorTests {
    static let gpu = Taint(key: "dedicated", value: "gpu", effect: .noSchedule)

    func message(_ pod: Pod, _ snapshot: Snapshot) -> String? {
        var scheduler = Scheduler()
        return scheduler.schedule(pod, in: snapshot).fitError?.message
    }

    @Test("reasons are counted over nodes and sorted as strings, then preemption's own count follows")
    func cpuAndTaints() {
        // Three nodes are busy with pods of the same priority (preemption finds no victims), two are tainted.
        let busy = (1...3).map { makeNode("busy\($0)") }
        let tainted = (1...2).map { makeNode("gpu\($0)", taints: [Self.gpu]) }
        let fillers = (1...3).map { makePod("filler\($0)", cpu: "3", nodeName: "busy\($0)") }
        let snapshot = Snapshot(nodes: busy + tainted, pods: fillers)
        #expect(
            message(makePod("p", cpu: "2"), snapshot)
                == "0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu. "
                + "preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, "
                + "3 No preemption victims found for incoming pod.")
    }

    @Test("a count of 10 sorts before a count of 2, as upstream sorts the strings") func stringOrder() {
        let cordoned = (1...10).map { makeNode("c\($0)", unschedulable: true) }
        let elsewhere = (1...2).map { makeNode("z\($0)", labels: ["zone": "b"]) }
        let pod = makePod("p", spec: #"{"nodeSelector": {"zone": "a"}}"#)
        #expect(
            message(pod, Snapshot(nodes: cordoned + elsewhere))
                == "0/12 nodes are available: 10 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector. "
                + "preemption: 0/12 nodes are available: 12 Preemption is not helpful for scheduling.")
    }

    @Test("a node short of several resources counts once under each") func severalResources() {
        let snapshot = Snapshot(nodes: [makeNode("n", cpu: "1", memory: "1Gi")])
        #expect(
            message(makePod("p", cpu: "2", memory: "2Gi"), snapshot)
                == "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. "
                + "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.")
    }

    @Test("the first rejecting filter decides a node: pods, spread and anti-affinity mixed") func mixed() {
        let full = makeNode("full", pods: 1, labels: ["zone": "a"])
        let a2 = makeNode("a2", labels: ["zone": "a"])
        let b1 = makeNode("b1", labels: ["zone": "b"])
        let b2 = makeNode("b2", labels: ["zone": "b"])
        let spread = #"{"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": "web"}}}], "affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}}}"#
        let snapshot = Snapshot(
            nodes: [full, a2, b1, b2],
            pods: [
                makePod("w1", labels: ["app": "web"], priority: 100, nodeName: "full"),
                makePod("w2", labels: ["app": "web"], priority: 100, nodeName: "b1"),
                makePod("w3", labels: ["app": "web"], priority: 100, nodeName: "b2"),
                makePod("w4", labels: ["app": "web"], priority: 100, nodeName: "a2"),
                makePod("w5", labels: ["app": "web"], priority: 100, nodeName: "a2"),
            ])
        // Zone a holds 3 web pods and zone b 2: zone a exceeds maxSkew; b1 and b2 already run a web pod.
        #expect(
            message(makePod("p", labels: ["app": "web"], spec: spread), snapshot)
                == "0/4 nodes are available: 1 Too many pods, 1 node(s) didn't match pod topology spread constraints, "
                + "2 node(s) didn't match pod anti-affinity rules. "
                + "preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.")
    }

    @Test("a cluster without nodes says so") func noNodes() {
        #expect(message(makePod("p"), Snapshot()) == "no nodes available to schedule pods")
    }

    @Test("when preemption nominates a node, the message has no preemption part") func nominated() {
        let snapshot = Snapshot(nodes: [makeNode("n")], pods: [makePod("low", cpu: "4", priority: 0, nodeName: "n")])
        var scheduler = Scheduler()
        let error = scheduler.schedule(makePod("p", cpu: "1", priority: 5), in: snapshot).fitError
        #expect(error?.nominatedNodeName == "n")
        #expect(error?.message == "0/1 nodes are available: 1 Insufficient cpu.")
    }
}
