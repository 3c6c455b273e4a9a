#if canImport(Glibc)
import Glibc
#endif
import KgitAPIMachinery
import KgitScheduler

/// `scheduler`: the pure scheduling core (queue pop, PreFilter, Filter, Score, assume) placing 10,000 pods on
/// 5,000 nodes, in three workloads: plain pods with requests, pods with a zone topology spread constraint,
/// and pods with required anti-affinity to their group (groups of 5) by host.
///
/// There is no scheduler in this process to compare against, so the reference printed is the upstream
/// kube-scheduler's published CI floor for its plain scheduling benchmark (270 pods/s), clearly labelled as
/// a published figure rather than a same-run measurement. Options: `--nodes N`, `--pods N`,
/// `--percentage P` (percentageOfNodesToScore; default: upstream's adaptive value), `--only NAME`.
enum SchedulerBench {
    /// The upstream scheduler's CI floor for the plain case, in pods per second (a published figure).
    static let upstreamFloor = 270.0
    /// The issue's target for the plain case, in pods per second of wall-clock time.
    static let plainTarget = 1_000.0

    static func run(_ args: [String]) async throws {
        var nodes = 5_000
        var pods = 10_000
        var percentage: Int?
        var only: String?
        var i = 0
        while i < args.count {
            let value = i + 1 < args.count ? args[i + 1] : ""
            switch args[i] {
            case "--nodes": nodes = Int(value) ?? nodes; i += 1
            case "--pods": pods = Int(value) ?? pods; i += 1
            case "--percentage": percentage = Int(value); i += 1
            case "--only": only = value; i += 1
            default: break
            }
            i += 1
        }
        print("scheduler: \(pods) pods onto \(nodes) nodes, pure core (queue, filter, score, assume), one thread")
        print("reference: upstream kube-scheduler CI floor \(Int(upstreamFloor)) pods/s (published figure, not measured in this run)")
        for workload in Workload.allCases where only == nil || only == workload.rawValue {
            let r = measure(workload, nodes: nodes, pods: pods, percentage: percentage)
            print(
                "  \(workload.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0))"
                    + " \(Int(r.wallRate)) pods/s wall, \(Int(r.cpuRate)) pods/s of CPU time"
                    + "  (\(r.placed) placed, \(r.unschedulable) unschedulable)"
                    + "  ratio to the published 270 pods/s floor: \(String(format2: r.wallRate / upstreamFloor))x wall,"
                    + " \(String(format2: r.cpuRate / upstreamFloor))x CPU")
            if workload == .plain {
                let met = r.wallRate >= plainTarget
                print("  target: plain >= \(Int(plainTarget)) pods/s wall: \(met ? "PASS" : "MISS")")
            }
        }
    }

    enum Workload: String, CaseIterable {
        case plain
        case topologySpread = "topology-spread"
        case antiAffinity = "anti-affinity"
    }

    static func makeNodes(_ count: Int) -> [Node] {
        (0..<count).map { i in
            Node(
                name: "node-\(i)",
                labels: ["kubernetes.io/hostname": "node-\(i)", "topology.kubernetes.io/zone": "zone-\(i % 10)"],
                allocatable: Resources(milliCPU: 32_000, memory: 128 << 30, ephemeralStorage: 500 << 30, pods: 110))
        }
    }

    static func makePod(_ i: Int, _ workload: Workload) -> Pod {
        let requests = Resources(milliCPU: 100, memory: 128 << 20)
        switch workload {
        case .plain:
            return Pod(name: "pod-\(i)", labels: ["app": "plain"], requests: requests)
        case .topologySpread:
            let selector = LabelSelectorShim.equals("app", "spread")
            return Pod(
                name: "pod-\(i)", labels: ["app": "spread"],
                topologySpreadConstraints: [
                    TopologySpreadConstraint(
                        maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: .doNotSchedule,
                        labelSelector: selector)
                ],
                requests: requests)
        case .antiAffinity:
            let group = "group-\(i / 5)"
            let term = PodAffinityTerm(
                labelSelector: LabelSelectorShim.equals("group", group), namespaces: ["default"],
                topologyKey: "kubernetes.io/hostname")
            return Pod(
                name: "pod-\(i)", labels: ["group": group], podAntiAffinity: PodAffinityRules(required: [term]),
                requests: requests)
        }
    }

    /// Pods per second of wall-clock time and of the thread's CPU time (which waiting for a core on a busy
    /// machine does not inflate), and how many pods were placed.
    struct Result {
        var wallRate: Double
        var cpuRate: Double
        var placed: Int
        var unschedulable: Int
    }

    static func measure(_ workload: Workload, nodes: Int, pods: Int, percentage: Int?) -> Result {
        var snapshot = Snapshot(nodes: makeNodes(nodes))
        var queue = SchedulingQueue(clock: ManualClock())
        for i in 0..<pods { queue.add(makePod(i, workload)) }
        var scheduler = Scheduler(percentageOfNodesToScore: percentage)
        var placed = 0
        var unschedulable = 0
        let start = monotonicSeconds()
        let startCPU = threadCPUSeconds()
        while let next = queue.pop() {
            switch scheduler.schedule(next.pod, in: snapshot) {
            case .scheduled(let placement):
                snapshot.assume(next.pod, on: placement.nodeName)
                placed += 1
            case .unschedulable:
                unschedulable += 1
            }
        }
        let elapsed = monotonicSeconds() - start
        let cpu = threadCPUSeconds() - startCPU
        let total = Double(placed + unschedulable)
        return Result(wallRate: total / elapsed, cpuRate: total / cpu, placed: placed, unschedulable: unschedulable)
    }

    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

/// Label selectors built directly from requirements.
enum LabelSelectorShim {
    static func equals(_ key: String, _ value: String) -> LabelSelector {
        LabelSelector(requirements: [.equals(key, value)])
    }
}

extension String {
    /// A number with two decimals.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        self = "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
