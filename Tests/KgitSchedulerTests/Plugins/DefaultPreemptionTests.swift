import Testing

@testable import KgitScheduler

@Suite("DefaultPreemption")
struct DefaultPreemptionTests {
    func schedule(_ pod: Pod, _ snapshot: Snapshot) -> FitError? {
        var scheduler = Scheduler(framework: .default)
        let result = scheduler.schedule(pod, in: snapshot)
        #expect(result.nodeName == nil, "the pod should not fit without preemption")
        return result.fitError
    }

    @Test("the node whose victims have the lowest highest priority is chosen, evicting only what is needed")
    func lowestPriorityVictims() {
        let snapshot = Snapshot(
            nodes: [makeNode("n1"), makeNode("n2")],
            pods: [
                makePod("lowA", cpu: "2", priority: 1, nodeName: "n1"), makePod("lowB", cpu: "2", priority: 2, nodeName: "n1"),
                makePod("mid", cpu: "3", priority: 5, nodeName: "n2"), makePod("tiny", cpu: "1", priority: 0, nodeName: "n2"),
            ])
        let error = schedule(makePod("urgent", cpu: "2", priority: 10), snapshot)
        #expect(error?.nominatedNodeName == "n1")
        #expect(error?.victims.map(\.name) == ["lowA"])
    }

    @Test("with equal priorities, the node needing fewer victims is chosen") func fewestVictims() {
        let snapshot = Snapshot(
            nodes: [makeNode("n1"), makeNode("n2")],
            pods: [
                makePod("x1", cpu: "2", priority: 1, nodeName: "n1"), makePod("x2", cpu: "2", priority: 1, nodeName: "n1"),
                makePod("y", cpu: "4", priority: 1, nodeName: "n2"),
            ])
        let error = schedule(makePod("urgent", cpu: "4", priority: 10), snapshot)
        #expect(error?.nominatedNodeName == "n2")
        #expect(error?.victims.map(\.name) == ["y"])
    }

    @Test("pods of equal or higher priority are never victims") func onlyLowerPriority() {
        let snapshot = Snapshot(
            nodes: [makeNode("n1")], pods: [makePod("peer", cpu: "3", priority: 10, nodeName: "n1")])
        let error = schedule(makePod("urgent", cpu: "2", priority: 10), snapshot)
        #expect(error?.nominatedNodeName == nil)
        #expect(error?.postFilterMessage == "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.")
    }

    @Test("evicting pods does not help on a node rejected unresolvably") func unresolvable() {
        let snapshot = Snapshot(
            nodes: [makeNode("n1", taints: [Taint(key: "dedicated", value: "gpu", effect: .noSchedule)])],
            pods: [makePod("low", cpu: "1", priority: 0, nodeName: "n1")])
        let error = schedule(makePod("urgent", cpu: "1", priority: 10), snapshot)
        #expect(error?.nominatedNodeName == nil)
        #expect(error?.postFilterMessage == "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.")
    }

    @Test("evicting a pod whose anti-affinity rejects the pod makes room") func antiAffinityVictim() {
        let snapshot = Snapshot(
            nodes: [makeNode("n1")],
            pods: [
                makePod(
                    "loner", priority: 0, nodeName: "n1",
                    spec: #"{"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}}}"#)
            ])
        let error = schedule(makePod("web", labels: ["app": "web"], priority: 10), snapshot)
        #expect(error?.nominatedNodeName == "n1")
        #expect(error?.victims.map(\.name) == ["loner"])
    }

    @Test("a pod with preemptionPolicy Never does not preempt") func never() {
        let snapshot = Snapshot(nodes: [makeNode("n1")], pods: [makePod("low", cpu: "4", priority: 0, nodeName: "n1")])
        let error = schedule(makePod("polite", cpu: "1", priority: 10, spec: #"{"preemptionPolicy": "Never"}"#), snapshot)
        #expect(error?.nominatedNodeName == nil)
        #expect(error?.message == "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.")
    }
}
