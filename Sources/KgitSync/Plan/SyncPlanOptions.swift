/// What a sync is allowed to do.
public struct SyncPlanOptions: Sendable, Hashable {
    /// Delete objects kgit applied before that git no longer declares; when false they are skipped.
    public var prune: Bool
    /// Accept a revision that declares no objects at all although objects were applied before, and
    /// prune them all. Off by default: an empty revision is far more often a mistake (a wrong path, a
    /// broken generator) than a wish to delete everything.
    public var allowEmpty: Bool

    public init(prune: Bool = true, allowEmpty: Bool = false) {
        self.prune = prune
        self.allowEmpty = allowEmpty
    }
}
