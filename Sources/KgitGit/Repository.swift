internal import CGit2

/// A git repository on local disk, read straight from its object database: no work tree is needed or touched.
///
/// kgit keeps a bare mirror of each remote in a cache directory (`Repository.mirror(of:at:)`), fetches into it
/// (`fetch(credentials:)`), resolves a revision to a commit and tree (`resolve(_:)`), then lists trees, reads
/// files, diffs trees and blames lines by object id.
///
/// ## Thread safety
/// libgit2 objects are not thread-safe, so `Repository` is deliberately not `Sendable`: the compiler keeps each
/// instance inside one isolation domain (one actor, one task, one thread at a time). Separate instances, even of
/// the same directory, may be used concurrently from different threads; libgit2 is built thread-aware and
/// writes refs under lock files. Every method blocks the calling thread; network methods (`fetch`) block for as
/// long as the transfer takes, so call them from a context that may block.
///
/// ## Errors
/// Every method throws `GitError`, naming the operation and its object (URL, revision, path) and keeping
/// libgit2's message.
public final class Repository {
    /// The `git_repository*`, owned by this instance and freed in `deinit`.
    let handle: OpaquePointer
    /// The directory the repository was opened or created at, as given.
    public let path: String

    private init(handle: OpaquePointer, path: String) {
        self.handle = handle
        self.path = path
    }

    deinit {
        git_repository_free(handle)
    }

    /// Opens the repository at `path` (a bare repository or a work tree's `.git` or its parent). Does not search
    /// parent directories.
    ///
    /// - Throws: `GitError` of kind `.notFound` when there is no repository at `path`.
    public static func open(at path: String) throws -> Repository {
        Libgit2.ensureInitialized()
        var handle: OpaquePointer?
        let code = git_repository_open_ext(&handle, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        if code == GIT_ENOTFOUND.rawValue {
            let error = GitError.fromLibgit2(code, operation: "opening repository \(path)")
            throw GitError(
                .notFound, operation: error.operation, reason: "no git repository at this path",
                libgit2Code: code, libgit2Message: error.libgit2Message)
        }
        try check(code, "opening repository \(path)")
        guard let handle else {
            throw GitError(.repository, operation: "opening repository \(path)", reason: "libgit2 returned no handle")
        }
        return Repository(handle: handle, path: path)
    }

    /// Creates an empty repository at `path`, creating missing directories; opens it if one is already there.
    ///
    /// - Parameter bare: true for a repository with no work tree (the layout of kgit's mirror cache).
    public static func create(at path: String, bare: Bool) throws -> Repository {
        Libgit2.ensureInitialized()
        var handle: OpaquePointer?
        try check(git_repository_init(&handle, path, bare ? 1 : 0), "creating repository \(path)")
        guard let handle else {
            throw GitError(.repository, operation: "creating repository \(path)", reason: "libgit2 returned no handle")
        }
        return Repository(handle: handle, path: path)
    }

    /// Whether the repository has no work tree.
    public var isBare: Bool {
        git_repository_is_bare(handle) == 1
    }
}

// MARK: - Helpers shared by the extensions

extension Repository {
    /// Looks up the tree `id`, runs `body` with it and frees it.
    func withTree<T>(
        _ id: ObjectID, _ operation: @autoclosure () -> String,
        _ body: (OpaquePointer) throws -> T
    ) throws -> T {
        var oid = id.oid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, handle, &oid), operation())
        guard let tree else {
            throw GitError(.other, operation: operation(), reason: "libgit2 returned no tree for \(id)")
        }
        defer { git_tree_free(tree) }
        return try body(tree)
    }

    /// The size in bytes and the type of object `id`, read from the object header without loading its contents.
    func objectHeader(_ id: ObjectID, _ operation: @autoclosure () -> String) throws -> (size: Int, type: git_object_t)
    {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, handle), operation())
        defer { git_odb_free(odb) }
        var oid = id.oid
        var size = 0
        var type = GIT_OBJECT_INVALID
        try check(git_odb_read_header(&size, &type, odb, &oid), operation())
        return (size, type)
    }
}
