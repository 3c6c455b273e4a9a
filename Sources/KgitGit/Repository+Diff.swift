internal import CGit2

extension Repository {
    /// The files under `directory` that differ between two root trees, by path; renames show as a deletion and an
    /// addition.
    ///
    /// This is what makes a re-sync incremental: the caller re-reads only these paths. When the directory's tree
    /// id is the same on both sides (the usual case for a commit that touched other files) the answer is empty
    /// at once, without reading a single tree.
    ///
    /// - Parameters:
    ///   - oldTree: the root tree loaded last time; nil to treat everything as added.
    ///   - newTree: the root tree to move to.
    ///   - directory: limit the comparison to this directory ("" for the whole tree). A directory missing on one
    ///     side counts as empty there.
    /// - Throws: `.notFound` when a tree is missing, `.wrongObjectType` when `directory` is a file.
    public func changes(
        from oldTree: ObjectID?, to newTree: ObjectID, under directory: String = ""
    ) throws
        -> [TreeChange]
    {
        let prefix = try RepositoryPath.normalize(directory)
        let operation =
            "comparing \"\(prefix)\" between trees \(oldTree?.abbreviated() ?? "(none)") and "
            + "\(newTree.abbreviated()) of \(path)"
        let oldSubtree = try oldTree.flatMap { try treeID(at: prefix, in: $0) }
        let newSubtree = try treeID(at: prefix, in: newTree)
        if oldSubtree == newSubtree { return [] }

        let oldHandle = try oldSubtree.flatMap { try lookupTree($0, operation) }
        defer { git_tree_free(oldHandle) }
        let newHandle = try newSubtree.flatMap { try lookupTree($0, operation) }
        defer { git_tree_free(newHandle) }

        var options = git_diff_options()
        git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
        options.flags = GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, handle, oldHandle, newHandle, &options), operation)
        defer { git_diff_free(diff) }

        var changes: [TreeChange] = []
        let count = git_diff_num_deltas(diff)
        changes.reserveCapacity(count)
        for index in 0..<count {
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
            let status: TreeChange.Status
            switch delta.status {
            case GIT_DELTA_ADDED: status = .added
            case GIT_DELTA_DELETED: status = .deleted
            case GIT_DELTA_MODIFIED, GIT_DELTA_TYPECHANGE: status = .modified
            default: continue
            }
            let file = status == .deleted ? delta.old_file : delta.new_file
            guard let rawPath = file.path else { continue }
            changes.append(
                TreeChange(
                    path: RepositoryPath.join(prefix, String(cString: rawPath)),
                    status: status,
                    oldID: status == .added ? nil : ObjectID(delta.old_file.id),
                    newID: status == .deleted ? nil : ObjectID(delta.new_file.id),
                    kind: Self.kind(ofMode: file.mode)))
        }
        return changes
    }

    private func lookupTree(_ id: ObjectID, _ operation: String) throws -> OpaquePointer? {
        var oid = id.oid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, handle, &oid), operation)
        return tree
    }

    static func kind(ofMode mode: UInt16) -> TreeEntry.Kind {
        switch UInt32(mode) {
        case GIT_FILEMODE_BLOB_EXECUTABLE.rawValue: return .executable
        case GIT_FILEMODE_LINK.rawValue: return .symlink
        case GIT_FILEMODE_COMMIT.rawValue: return .submodule
        default: return .file
        }
    }
}
