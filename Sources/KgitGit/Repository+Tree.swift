internal import CGit2

extension Repository {
    /// Every file under `directory` in `tree`, recursively, in git's order (by path, byte-wise), with sizes.
    ///
    /// Directories are walked, not listed. Symbolic links and submodules are listed as such and never followed:
    /// a caller that wants a link's contents reads it with `readFile(_:in:maxBytes:)`, which checks where it points.
    ///
    /// - Parameters:
    ///   - tree: a root tree id (`ResolvedRevision.tree`).
    ///   - directory: a directory from the repository root; "" (the default) lists the whole tree.
    /// - Throws: `.notFound` when `directory` does not exist, `.wrongObjectType` when it is a file.
    public func files(in tree: ObjectID, under directory: String = "") throws -> [TreeEntry] {
        let operation = "listing \"\(directory)\" in tree \(tree.abbreviated()) of \(path)"
        let prefix = try RepositoryPath.normalize(directory)
        guard let subtree = try treeID(at: prefix, in: tree) else {
            throw GitError(.notFound, operation: operation, reason: "no such directory at this revision")
        }
        let walk = TreeWalk(prefix: prefix)
        try withTree(subtree, operation) { handle in
            try withExtendedLifetime(walk) {
                let payload = Unmanaged.passUnretained(walk).toOpaque()
                try check(
                    git_tree_walk(
                        handle, GIT_TREEWALK_PRE,
                        { root, entry, payload in
                            guard let entry, let payload else { return -1 }
                            let walk = Unmanaged<TreeWalk>.fromOpaque(payload).takeUnretainedValue()
                            walk.visit(root: root, entry: entry)
                            return 0
                        }, payload), operation)
            }
        }
        return try walk.entries.map { found in
            guard found.kind != .submodule else { return found }
            let header = try objectHeader(found.id, "\(operation): reading the size of \(found.path)")
            return TreeEntry(path: found.path, kind: found.kind, id: found.id, size: header.size)
        }
    }

    /// The id of the tree at `directory` inside `tree`, or nil when nothing is there. "" is `tree` itself.
    ///
    /// Comparing these ids between two revisions tells, without reading anything else, whether a directory changed.
    ///
    /// - Throws: `.wrongObjectType` when `directory` is a file, `.notFound` when `tree` is not in the repository.
    public func treeID(at directory: String, in tree: ObjectID) throws -> ObjectID? {
        let relative = try RepositoryPath.normalize(directory)
        let operation = "looking up directory \"\(relative)\" in tree \(tree.abbreviated()) of \(path)"
        if relative.isEmpty {
            _ = try objectHeader(tree, operation)  // fails clearly when the tree is missing
            return tree
        }
        return try withTree(tree, operation) { root in
            var entry: OpaquePointer?
            let code = git_tree_entry_bypath(&entry, root, relative)
            if code == GIT_ENOTFOUND.rawValue { return nil }
            try check(code, operation)
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_TREE, let id = git_tree_entry_id(entry) else {
                throw GitError(.wrongObjectType, operation: operation, reason: "the path is a file, not a directory")
            }
            return ObjectID(id)
        }
    }
}

/// The state of one `git_tree_walk`: the callback appends to it through the walk's payload pointer.
private final class TreeWalk {
    let prefix: String
    var entries: [TreeEntry] = []

    init(prefix: String) {
        self.prefix = prefix
    }

    func visit(root: UnsafePointer<CChar>?, entry: OpaquePointer) {
        let kind: TreeEntry.Kind
        switch git_tree_entry_filemode(entry) {
        case GIT_FILEMODE_BLOB: kind = .file
        case GIT_FILEMODE_BLOB_EXECUTABLE: kind = .executable
        case GIT_FILEMODE_LINK: kind = .symlink
        case GIT_FILEMODE_COMMIT: kind = .submodule
        default: return  // a directory: the walk descends into it
        }
        guard let name = git_tree_entry_name(entry), let id = git_tree_entry_id(entry) else { return }
        let relative = (root.map { String(cString: $0) } ?? "") + String(cString: name)
        entries.append(TreeEntry(path: RepositoryPath.join(prefix, relative), kind: kind, id: ObjectID(id), size: nil))
    }
}
