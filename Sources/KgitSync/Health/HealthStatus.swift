/// How healthy an object is. Cases are declared best to worst, as gitops-engine orders them, so
/// `a < b` means `a` is better than `b` and the health of a set is its maximum.
public enum HealthStatus: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    /// The object is doing what it was asked to.
    case healthy = "Healthy"
    /// The object was paused or suspended on purpose.
    case suspended = "Suspended"
    /// The object is on its way to healthy (a rollout, a pending volume, a load balancer being made).
    case progressing = "Progressing"
    /// The object is not on the cluster (kgit applied it, and it is gone).
    case missing = "Missing"
    /// The object failed or will not become healthy without a change.
    case degraded = "Degraded"
    /// The object's state cannot be told.
    case unknown = "Unknown"

    private var rank: Int {
        switch self {
        case .healthy: 0
        case .suspended: 1
        case .progressing: 2
        case .missing: 3
        case .degraded: 4
        case .unknown: 5
        }
    }

    public static func < (lhs: HealthStatus, rhs: HealthStatus) -> Bool { lhs.rank < rhs.rank }
}
