/// NodeResourcesFit: the pod's requests (CPU, memory, ephemeral storage, extended resources, and one pod
/// slot) must fit in what the node's allocatable leaves after the requests of the pods already there.
/// Scores with the LeastAllocated strategy: emptier nodes score higher.
public struct NodeResourcesFit: FilterPlugin, ScorePlugin {
    /// How the plugin scores.
    public enum Strategy: Sendable {
        /// Free share of each resource after placing the pod, weighted (upstream's default).
        case leastAllocated
        /// Used share of each resource after placing the pod, weighted (bin packing).
        case mostAllocated
    }

    /// The scoring strategy.
    public var strategy: Strategy
    /// The resources scored and their weights (default: cpu 1, memory 1).
    public var scoredResources: [(name: String, weight: Int64)]

    /// Creates the plugin.
    public init(strategy: Strategy = .leastAllocated, scoredResources: [(name: String, weight: Int64)] = [("cpu", 1), ("memory", 1)]) {
        self.strategy = strategy
        self.scoredResources = scoredResources
    }

    /// `NodeResourcesFit`.
    public var name: String { "NodeResourcesFit" }

    /// Freed resources, bigger nodes, or new nodes can help.
    public var requeueEvents: Set<ClusterEvent> { [.nodeAdded, .nodeUpdated, .assignedPodDeleted, .assignedPodUpdated] }

    /// The rejection reasons for the node, in upstream's order: `Too many pods`, then `Insufficient cpu`,
    /// `Insufficient memory`, `Insufficient ephemeral-storage`, then extended resources by name. The second
    /// value is true when even an empty node of this size could not fit the pod (preemption cannot help).
    public static func insufficientResources(_ pod: Pod, _ node: NodeInfo) -> (reasons: [String], unresolvable: Bool) {
        var reasons: [String] = []
        var unresolvable = false
        let allocatable = node.node.allocatable
        if Int64(node.pods.count) + 1 > allocatable.pods {
            reasons.append("Too many pods")
            if allocatable.pods < 1 { unresolvable = true }
        }
        let request = pod.requests
        if request.milliCPU == 0 && request.memory == 0 && request.ephemeralStorage == 0
            && request.scalar.values.allSatisfy({ $0 == 0 })
        {
            return (reasons, unresolvable)
        }
        let used = node.requested
        func check(_ wanted: Int64, _ available: Int64, _ inUse: Int64, _ name: String) {
            guard wanted > 0, wanted > available - inUse else { return }
            reasons.append("Insufficient \(name)")
            if wanted > available { unresolvable = true }
        }
        check(request.milliCPU, allocatable.milliCPU, used.milliCPU, "cpu")
        check(request.memory, allocatable.memory, used.memory, "memory")
        check(request.ephemeralStorage, allocatable.ephemeralStorage, used.ephemeralStorage, "ephemeral-storage")
        if !request.scalar.isEmpty {
            for (name, wanted) in request.scalar.sorted(by: { $0.key < $1.key }) {
                check(wanted, allocatable.scalar[name] ?? 0, used.scalar[name] ?? 0, name)
            }
        }
        return (reasons, unresolvable)
    }

    /// Rejects a node whose free resources do not cover the pod's requests (every shortfall is a reason).
    public func filter(_ pod: Pod, node: NodeInfo, state: CycleState) -> Status {
        let (reasons, unresolvable) = NodeResourcesFit.insufficientResources(pod, node)
        if reasons.isEmpty { return .success }
        return Status(unresolvable ? .unschedulableAndUnresolvable : .unschedulable, reasons: reasons)
    }

    /// The weighted mean over the scored resources of the free (or used) share, 0...100, with the pod placed.
    public func score(_ pod: Pod, node: NodeInfo, state: CycleState) -> Int64 {
        var total: Int64 = 0
        var weights: Int64 = 0
        for (resource, weight) in scoredResources {
            let allocatable = node.node.allocatable[resource]
            let requested = NodeResourcesFit.requestedForScoring(resource, pod: pod, node: node)
            let share: Int64
            if allocatable <= 0 || requested > allocatable {
                share = strategy == .leastAllocated ? 0 : (allocatable <= 0 ? 0 : maxNodeScore)
            } else if strategy == .leastAllocated {
                share = (allocatable - requested) * maxNodeScore / allocatable
            } else {
                share = requested * maxNodeScore / allocatable
            }
            total += share * weight
            weights += weight
        }
        return weights == 0 ? 0 : total / weights
    }

    /// What the node would have requested of a resource with the pod on it; CPU and memory use the non-zero
    /// requests, so pods without requests still count.
    static func requestedForScoring(_ resource: String, pod: Pod, node: NodeInfo) -> Int64 {
        switch resource {
        case "cpu": return node.nonZeroRequested.milliCPU + pod.nonZeroRequests.milliCPU
        case "memory": return node.nonZeroRequested.memory + pod.nonZeroRequests.memory
        default: return node.requested[resource] + pod.requests[resource]
        }
    }
}

/// NodeResourcesBalancedAllocation: nodes whose CPU and memory would be used in similar shares score
/// higher (1 minus the standard deviation of the shares, times 100).
public struct NodeResourcesBalancedAllocation: ScorePlugin {
    /// The resources balanced (default cpu and memory).
    public var resources: [String]

    /// Creates the plugin.
    public init(resources: [String] = ["cpu", "memory"]) { self.resources = resources }

    /// `NodeResourcesBalancedAllocation`.
    public var name: String { "NodeResourcesBalancedAllocation" }

    /// `(1 - std(shares)) × 100`, where each share is requested/allocatable with the pod placed, capped at 1.
    public func score(_ pod: Pod, node: NodeInfo, state: CycleState) -> Int64 {
        // The standard deviation from the sum and the sum of squares, without allocating.
        var count = 0.0
        var sum = 0.0
        var squares = 0.0
        var first = 0.0
        var second = 0.0
        for resource in resources {
            let allocatable = node.node.allocatable[resource]
            guard allocatable > 0 else { continue }
            let requested = NodeResourcesFit.requestedForScoring(resource, pod: pod, node: node)
            let share = min(Double(requested) / Double(allocatable), 1)
            if count == 0 { first = share } else if count == 1 { second = share }
            count += 1
            sum += share
            squares += share * share
        }
        guard count > 1 else { return maxNodeScore }
        let mean = sum / count
        // Two shares (the default): exactly half their difference, as upstream computes it.
        let deviation = count == 2 ? abs(first - second) / 2 : max(squares / count - mean * mean, 0).squareRoot()
        return Int64(((1 - deviation) * Double(maxNodeScore)).rounded(.towardZero))
    }
}
