/// One file that differs between two trees.
public struct TreeChange: Hashable, Sendable {
    /// How the file differs.
    public enum Status: Hashable, Sendable {
        /// Only the new tree has it.
        case added
        /// Both have it, with different contents or a different kind (a file that became a symbolic link).
        case modified
        /// Only the old tree has it.
        case deleted
    }

    /// The path from the repository root.
    public let path: String
    public let status: Status
    /// The blob in the old tree; nil when added.
    public let oldID: ObjectID?
    /// The blob in the new tree; nil when deleted.
    public let newID: ObjectID?
    /// The entry's kind in the new tree, or in the old one when deleted.
    public let kind: TreeEntry.Kind

    public init(path: String, status: Status, oldID: ObjectID?, newID: ObjectID?, kind: TreeEntry.Kind) {
        self.path = path
        self.status = status
        self.oldID = oldID
        self.newID = newID
        self.kind = kind
    }
}
