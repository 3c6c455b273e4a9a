import Testing

@testable import KgitScheduler

@Suite("Scheduler")
struct SchedulerTests {
    @Test("the pod goes to the feasible node with the best weighted score") func bestScore() {
        let snapshot = Snapshot(
            nodes: [makeNode("busy"), makeNode("idle"), makeNode("tainted", taints: [Taint(key: "k", effect: .noSchedule)])],
            pods: [makePod("x", cpu: "3", memory: "6Gi", nodeName: "busy")])
        var scheduler = Scheduler()
        guard case .scheduled(let placement) = scheduler.schedule(makePod("p", cpu: "500m"), in: snapshot) else {
            Issue.record("expected a placement")
            return
        }
        #expect(placement.nodeName == "idle")
        #expect(placement.feasibleNodes == 2)
        #expect(placement.evaluatedNodes == 3)
    }

    @Test("a soft preference outweighs nothing when other scores tie") func preferenceBreaksTies() {
        let snapshot = Snapshot(nodes: [makeNode("a", labels: ["disk": "hdd"]), makeNode("b", labels: ["disk": "ssd"])])
        let pod = makePod("p", spec: #"{"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "preference": {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]}}]}}}"#)
        var scheduler = Scheduler()
        #expect(scheduler.schedule(pod, in: snapshot).nodeName == "b")
    }

    @Test(
        "the number of feasible nodes to find follows upstream's adaptive percentage",
        arguments: [
            (nil, 50, 50), (nil, 100, 100), (nil, 1000, 420), (nil, 5000, 500), (nil, 6000, 300), (nil, 100_000, 5000),
            (100, 5000, 5000), (1, 1000, 100), (30, 1000, 300),
        ] as [(Int?, Int, Int)])
    func feasibleToFind(_ percentage: Int?, _ nodes: Int, _ want: Int) {
        #expect(Scheduler(percentageOfNodesToScore: percentage).numFeasibleNodesToFind(nodes) == want)
    }

    @Test("filtering stops once enough nodes fit, and the next pod starts where it stopped") func roundRobin() {
        let snapshot = Snapshot(nodes: (0..<400).map { makeNode("n\($0)") })
        var scheduler = Scheduler(percentageOfNodesToScore: 25)
        guard case .scheduled(let first) = scheduler.schedule(makePod("p1"), in: snapshot) else {
            Issue.record("expected a placement")
            return
        }
        #expect(first.evaluatedNodes == 100)
        #expect(first.feasibleNodes == 100)
        #expect(scheduler.nextStartNodeIndex == 100)
        let second = scheduler.schedule(makePod("p2"), in: snapshot)
        #expect(second.nodeName.flatMap { Int($0.dropFirst()) }.map { (100..<200).contains($0) } == true)
    }

    @Test("when nothing fits, every node is evaluated") func unschedulableChecksAll() {
        let snapshot = Snapshot(nodes: (0..<300).map { makeNode("n\($0)", cpu: "1") })
        var scheduler = Scheduler(percentageOfNodesToScore: 10)
        let error = scheduler.schedule(makePod("p", cpu: "2"), in: snapshot).fitError
        #expect(error?.nodeStatuses.count == 300)
    }

    @Test("a snapshot decoded from Kubernetes objects schedules like one built from values") func decodedSnapshot() throws {
        let snapshot = try Snapshot(
            nodeObjects: [
                json(#"{"metadata": {"name": "small"}, "status": {"allocatable": {"cpu": "1", "memory": "1Gi", "pods": "10"}}}"#),
                json(#"{"metadata": {"name": "large"}, "status": {"allocatable": {"cpu": "8", "memory": "32Gi", "pods": "10"}}}"#),
            ],
            podObjects: [
                json(#"{"metadata": {"name": "running", "namespace": "default"}, "spec": {"nodeName": "large", "containers": [{"name": "a", "resources": {"requests": {"cpu": "7"}}}]}}"#),
                json(#"{"metadata": {"name": "pending", "namespace": "default"}, "spec": {"containers": [{"name": "a"}]}}"#),
            ])
        #expect(snapshot.podCount == 1)
        var scheduler = Scheduler()
        #expect(scheduler.schedule(makePod("p", cpu: "1500m"), in: snapshot).fitError?.message.hasPrefix("0/2 nodes are available: 2 Insufficient cpu.") == true)
    }
}
