/// One remote repository as the GitOps sync reads it: fetched on demand, then read at pinned revisions.
///
/// This is the I/O seam between KgitSync and git. `Libgit2Source` is the real implementation (a bare mirror in
/// a cache directory, read through libgit2); tests of code above this seam may use an in-memory twin.
///
/// Implementations need not be thread-safe: use one instance from one isolation domain at a time. Every method
/// may block; `fetch()` blocks on the network. Errors are `GitError`s.
public protocol GitSource {
    /// The remote's URL, with any password redacted.
    var displayURL: String { get }

    /// Brings the local copy up to date with the remote.
    @discardableResult
    func fetch() throws -> FetchResult

    /// Whether `id` is already in the local copy (a pinned commit needs no fetch).
    func contains(_ id: ObjectID) -> Bool

    /// Resolves a branch, tag, `HEAD` or commit id to a commit and root tree.
    func resolve(_ revision: String) throws -> ResolvedRevision

    /// The id of the tree at `directory` in root tree `tree`; nil when there is nothing there.
    func treeID(at directory: String, in tree: ObjectID) throws -> ObjectID?

    /// Every file under `directory` in `tree`, recursively, with sizes.
    func files(in tree: ObjectID, under directory: String) throws -> [TreeEntry]

    /// The bytes of blob `id`; throws `.fileTooLarge` when it has more than `maxBytes`.
    func readBlob(_ id: ObjectID, maxBytes: Int) throws -> [UInt8]

    /// The file at `path` in `tree`, following symbolic links only inside the repository.
    func readFile(_ path: String, in tree: ObjectID, maxBytes: Int) throws -> Blob

    /// Where the symbolic link blob `id` at `linkPath` points; throws when that is outside the repository.
    func symlinkTarget(of linkPath: String, blob id: ObjectID) throws -> String

    /// The files under `directory` that differ between two root trees.
    func changes(from oldTree: ObjectID?, to newTree: ObjectID, under directory: String) throws -> [TreeChange]
}
