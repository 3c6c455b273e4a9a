/// How one object in git compares with the cluster.
public struct ObjectDiff: Sendable, Hashable {
    /// The comparison's outcome.
    public enum Outcome: Sendable, Hashable {
        /// The cluster has every field git sets, with the same values.
        case unchanged
        /// Some field differs; the diff shows how.
        case changed(UnifiedDiff)
        /// Git declares the object and the cluster does not have it; the diff adds every line.
        case missingOnCluster(UnifiedDiff)
        /// The cluster has an object kgit applied earlier that git no longer declares: it can be pruned.
        /// The diff removes every line.
        case extraOnCluster(UnifiedDiff)
    }

    public var identity: ObjectIdentity
    public var outcome: Outcome

    public init(identity: ObjectIdentity, outcome: Outcome) {
        self.identity = identity
        self.outcome = outcome
    }

    /// True unless the object is unchanged.
    public var isDifferent: Bool {
        if case .unchanged = outcome { return false }
        return true
    }

    /// The diff, when there is one.
    public var diff: UnifiedDiff? {
        switch outcome {
        case .unchanged: return nil
        case .changed(let diff), .missingOnCluster(let diff), .extraOnCluster(let diff): return diff
        }
    }
}
