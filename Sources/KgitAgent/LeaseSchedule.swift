/// When each simulated node renews its `coordination.k8s.io` Lease, as a value driven by the caller's
/// clock readings (`now` is time since any fixed origin).
///
/// Like the kubelet, a node renews every `renewInterval` (a quarter of `leaseDuration` by default); a failed
/// renewal is retried after 200 ms, doubling up to 7 s. First renewals are spread evenly over one interval
/// so that thousands of nodes do not all renew in the same instant.
public struct LeaseSchedule: Sendable {
    /// How long a Lease stays valid without renewal (`spec.leaseDurationSeconds`).
    public var leaseDuration: Duration
    /// How often a healthy node renews.
    public var renewInterval: Duration
    /// The first retry delay after a failed renewal.
    public var retryInitial: Duration = .milliseconds(200)
    /// The longest retry delay.
    public var retryMax: Duration = .seconds(7)

    private var dueAt: [String: Duration] = [:]
    private var lastRenewed: [String: Duration] = [:]
    private var failures: [String: Int] = [:]

    /// A schedule for these nodes, starting at `now`.
    public init(
        nodes: [String], now: Duration, leaseDuration: Duration = .seconds(40), renewInterval: Duration? = nil
    ) {
        self.leaseDuration = leaseDuration
        self.renewInterval = renewInterval ?? leaseDuration / 4
        for (i, node) in nodes.enumerated() {
            dueAt[node] = now + self.renewInterval * Double(i) / Double(max(nodes.count, 1))
        }
    }

    /// The nodes whose renewal is due at `now`, earliest first (then by name).
    public func due(at now: Duration) -> [String] {
        dueAt.filter { $0.value <= now }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)
    }

    /// The earliest time any renewal is due, or nil when there are no nodes.
    public var nextDue: Duration? { dueAt.values.min() }

    /// Records a successful renewal: the next is one interval later.
    public mutating func renewed(_ node: String, at now: Duration) {
        guard dueAt[node] != nil else { return }
        lastRenewed[node] = now
        failures[node] = nil
        dueAt[node] = now + renewInterval
    }

    /// Records a failed renewal: retry after 200 ms, 400 ms, ... up to 7 s.
    public mutating func failed(_ node: String, at now: Duration) {
        guard dueAt[node] != nil else { return }
        let count = (failures[node] ?? 0) + 1
        failures[node] = count
        var delay = retryInitial
        for _ in 1..<count where delay < retryMax { delay *= 2 }
        dueAt[node] = now + min(delay, retryMax)
    }

    /// Adds a node, due at once.
    public mutating func add(_ node: String, at now: Duration) {
        if dueAt[node] == nil { dueAt[node] = now }
    }

    /// Stops renewing a node (it left, or the simulation stops its heartbeat).
    public mutating func remove(_ node: String) {
        dueAt[node] = nil
        lastRenewed[node] = nil
        failures[node] = nil
    }

    /// Nodes that renewed at least once but not within `leaseDuration` of `now`: what the node lifecycle
    /// controller would mark NotReady.
    public func expired(at now: Duration) -> [String] {
        lastRenewed.filter { now - $0.value > leaseDuration }.map(\.key).sorted()
    }
}
