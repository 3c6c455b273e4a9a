/// Per-pod data plugins compute at PreFilter or PreScore and read at Filter or Score, for one scheduling
/// cycle. Values are stored by plugin name; `copy()` gives preemption a state it may change while it
/// simulates removing pods.
///
/// Used from one thread during one cycle; not shared.
public final class CycleState {
    private var storage: [String: any Sendable] = [:]

    /// An empty state.
    public init() {}

    /// The value stored under the key, if it has that type.
    public func read<T>(_ key: String, as type: T.Type = T.self) -> T? { storage[key] as? T }

    /// Stores a value under the key.
    public func write(_ key: String, _ value: any Sendable) { storage[key] = value }

    /// A copy whose later writes do not affect this state.
    public func copy() -> CycleState {
        let c = CycleState()
        c.storage = storage
        return c
    }
}

/// A scheduler plugin: a named piece of the scheduling policy that implements one or more extension points.
public protocol Plugin: Sendable {
    /// The plugin's name as upstream spells it (`NodeResourcesFit`, `TaintToleration`, ...).
    var name: String { get }
    /// The cluster events that may make a pod this plugin rejected schedulable again.
    var requeueEvents: Set<ClusterEvent> { get }
}

extension Plugin {
    /// By default any node or pod change may help.
    public var requeueEvents: Set<ClusterEvent> { Set(ClusterEvent.allCases) }
}

/// PreFilter: runs once per pod before any node is filtered, to compute and store what Filter needs, or to
/// reject the pod outright (the status then applies to every node).
public protocol PreFilterPlugin: Plugin {
    /// Computes per-pod state; `.skip` means this plugin's Filter has nothing to check for the pod.
    func preFilter(_ pod: Pod, state: CycleState, snapshot: Snapshot) -> Status

    /// Updates the stored state as if `podToAdd` ran on `node` (used by preemption). Default: nothing.
    func addPod(_ podToAdd: Pod, to node: NodeInfo, for pod: Pod, state: CycleState, snapshot: Snapshot)

    /// Updates the stored state as if `podToRemove` left `node` (used by preemption). Default: nothing.
    func removePod(_ podToRemove: Pod, from node: NodeInfo, for pod: Pod, state: CycleState, snapshot: Snapshot)
}

extension PreFilterPlugin {
    /// Nothing to update.
    public func addPod(_ podToAdd: Pod, to node: NodeInfo, for pod: Pod, state: CycleState, snapshot: Snapshot) {}
    /// Nothing to update.
    public func removePod(
        _ podToRemove: Pod, from node: NodeInfo, for pod: Pod, state: CycleState, snapshot: Snapshot
    ) {}
}

/// Filter: decides whether the pod may run on one node. Must be cheap and must not change shared state;
/// the framework stops at the first plugin that rejects a node.
public protocol FilterPlugin: Plugin {
    /// `success`, or a rejection whose reasons name why (`Insufficient cpu`).
    func filter(_ pod: Pod, node: NodeInfo, state: CycleState) -> Status
}

/// Score: ranks the nodes that passed Filter. Scores are normalized to 0...100 and multiplied by the
/// plugin's weight before they are summed.
public protocol ScorePlugin: Plugin {
    /// Computes per-pod state from the feasible nodes. `.skip` means this plugin does not score the pod.
    func preScore(_ pod: Pod, feasible: [Int], state: CycleState, snapshot: Snapshot) -> Status
    /// The node's raw score.
    func score(_ pod: Pod, node: NodeInfo, state: CycleState) -> Int64
    /// Maps raw scores (one per feasible node, in order) to 0...100. Default: none (scores already are).
    func normalize(_ scores: inout [Int64], pod: Pod, state: CycleState)
}

extension ScorePlugin {
    /// Nothing to precompute.
    public func preScore(_ pod: Pod, feasible: [Int], state: CycleState, snapshot: Snapshot) -> Status { .success }
    /// Scores are already in range.
    public func normalize(_ scores: inout [Int64], pod: Pod, state: CycleState) {}
}

/// Reserve: told when the scheduler has picked a node for the pod (and assumed it there), and told again
/// with `unreserve` if a later step (another Reserve plugin, or binding) fails, so it can undo.
public protocol ReservePlugin: Plugin {
    /// The pod is assumed on the node; a rejection aborts the placement.
    func reserve(_ pod: Pod, on nodeName: String, state: CycleState) -> Status
    /// Undo whatever `reserve` did; must be idempotent.
    func unreserve(_ pod: Pod, on nodeName: String, state: CycleState)
}

/// PostFilter: runs when no node passed Filter (preemption lives here).
public protocol PostFilterPlugin: Plugin {
    /// Tries to make the pod schedulable; returns the nominated node and the pods to evict when it can.
    func postFilter(
        _ pod: Pod, state: CycleState, snapshot: Snapshot, statuses: [String: Status], framework: Framework
    ) -> PostFilterResult
}

/// What a PostFilter plugin achieved.
public struct PostFilterResult: Sendable, Equatable {
    /// The node the pod should go to once the victims are gone, if any.
    public var nominatedNodeName: String?
    /// The pods to evict, in the order to evict them.
    public var victims: [Pod]
    /// Why it could not help (becomes the message's `preemption:` part).
    public var message: String?

    /// Creates a result.
    public init(nominatedNodeName: String? = nil, victims: [Pod] = [], message: String? = nil) {
        self.nominatedNodeName = nominatedNodeName
        self.victims = victims
        self.message = message
    }
}

/// Binding: the I/O seam where a placement becomes a `pods/binding` call to the API server.
public protocol Binder: Sendable {
    /// Binds the pod to the node; throws when the API refuses.
    func bind(_ pod: Pod, to nodeName: String) async throws
}

/// A change in the cluster that may make unschedulable pods schedulable.
public enum ClusterEvent: String, Sendable, Hashable, CaseIterable {
    /// A node joined.
    case nodeAdded
    /// A node's labels, taints, allocatable or unschedulable flag changed.
    case nodeUpdated
    /// A pod was bound or assumed on a node.
    case assignedPodAdded
    /// A pod on a node changed (labels, requests).
    case assignedPodUpdated
    /// A pod on a node was deleted (freeing resources, changing spread and affinity counts).
    case assignedPodDeleted
}
