/// One file in a tree listing: where it is, what kind of entry git recorded, which blob holds it, how big it is.
public struct TreeEntry: Hashable, Sendable {
    /// What git recorded for an entry (its file mode).
    public enum Kind: Hashable, Sendable {
        /// A regular file (mode 100644).
        case file
        /// An executable file (mode 100755).
        case executable
        /// A symbolic link (mode 120000); its blob holds the target path.
        case symlink
        /// A submodule (mode 160000); its id is a commit in another repository, not a blob here.
        case submodule
    }

    /// The path from the repository root, `/`-separated: `apps/web/deployment.yaml`.
    public let path: String
    /// The kind of entry.
    public let kind: Kind
    /// The blob (or, for a submodule, the commit) id.
    public let id: ObjectID
    /// The blob's size in bytes (for a symlink, the length of its target); nil for a submodule.
    public let size: Int?

    public init(path: String, kind: Kind, id: ObjectID, size: Int?) {
        self.path = path
        self.kind = kind
        self.id = id
        self.size = size
    }
}
