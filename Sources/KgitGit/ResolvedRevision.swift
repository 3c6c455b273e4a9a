/// A revision as the user wrote it, pinned to the commit and root tree it named at resolution time.
///
/// Branches move and tags can be re-pointed, so kgit resolves once per sync and works from these ids from then on.
public struct ResolvedRevision: Hashable, Sendable, CustomStringConvertible {
    /// The revision as given: a branch, a tag, a full reference name, `HEAD`, or a full or abbreviated commit id.
    public let revision: String
    /// The full reference name it matched (`refs/heads/main`, `refs/tags/v1.2.0`); nil when it was a commit id.
    public let reference: String?
    /// The commit, after peeling annotated tags.
    public let commit: ObjectID
    /// The commit's root tree.
    public let tree: ObjectID

    public init(revision: String, reference: String?, commit: ObjectID, tree: ObjectID) {
        self.revision = revision
        self.reference = reference
        self.commit = commit
        self.tree = tree
    }

    public var description: String {
        "\(revision) (\(reference.map { $0 + " " } ?? "")\(commit.abbreviated(12)))"
    }
}
