internal import CGit2

extension Repository {
    /// Resolves `revision` to a commit and its root tree.
    ///
    /// Names are tried the way git does (`git_reference_dwim`): an exact reference (`refs/heads/main`, `HEAD`),
    /// then `refs/tags/<name>`, `refs/heads/<name>`, `refs/remotes/<name>`. If no reference matches and the
    /// revision is 4 to 40 hex digits, it is taken as a full or abbreviated object id. Annotated tags are peeled
    /// to their commit. Expressions such as `main~1` or `@{yesterday}` are not accepted: a sync pins a plain name.
    ///
    /// - Throws: `GitError` of kind `.notFound` (no such branch, tag or commit), `.ambiguous` (an abbreviated id
    ///   matching several objects), `.wrongObjectType` (a tag of a tree or blob), `.invalidArgument` (empty).
    public func resolve(_ revision: String) throws -> ResolvedRevision {
        let operation = "resolving revision \"\(revision)\" in \(path)"
        guard !revision.isEmpty else {
            throw GitError(.invalidArgument, operation: operation, reason: "the revision is empty")
        }

        // 1. A reference name.
        var reference: OpaquePointer?
        if git_reference_dwim(&reference, handle, revision) == 0, let reference {
            defer { git_reference_free(reference) }
            let name = String(cString: git_reference_name(reference))
            var peeled: OpaquePointer?
            let code = git_reference_peel(&peeled, reference, GIT_OBJECT_COMMIT)
            if code < 0 {
                throw Self.notACommit(
                    code, operation: "\(operation): peeling \(name) to a commit",
                    reason: "\(name) does not point to a commit")
            }
            defer { git_object_free(peeled) }
            return try pinned(revision, reference: name, commit: peeled, operation)
        }

        // 2. A full or abbreviated object id.
        let hexDigits = revision.utf8.allSatisfy { c in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(c)
        }
        guard hexDigits, (4...40).contains(revision.utf8.count) else {
            throw GitError(.notFound, operation: operation, reason: "no branch, tag or commit has this name")
        }
        var oid = git_oid()
        try check(git_oid_fromstrn(&oid, revision, revision.utf8.count), operation)
        var object: OpaquePointer?
        let lookup = git_object_lookup_prefix(&object, handle, &oid, revision.utf8.count, GIT_OBJECT_ANY)
        switch lookup {
        case GIT_ENOTFOUND.rawValue:
            throw GitError(.notFound, operation: operation, reason: "no branch, tag or commit has this name")
        case GIT_EAMBIGUOUS.rawValue:
            throw GitError(
                .ambiguous, operation: operation,
                reason: "the abbreviated id matches more than one object; give more digits")
        default:
            try check(lookup, operation)
        }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        let code = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        if code < 0 {
            let type = git_object_type2string(git_object_type(object)).map { String(cString: $0) } ?? "object"
            throw Self.notACommit(
                code, operation: "\(operation): peeling to a commit",
                reason: "the object is a \(type), not a commit")
        }
        defer { git_object_free(commit) }
        return try pinned(revision, reference: nil, commit: commit, operation)
    }

    /// A `.wrongObjectType` error for a failed peel, keeping libgit2's message.
    private static func notACommit(_ code: Int32, operation: String, reason: String) -> GitError {
        let underlying = GitError.fromLibgit2(code, operation: operation)
        return GitError(
            .wrongObjectType, operation: operation, reason: reason, libgit2Code: code,
            libgit2Message: underlying.libgit2Message)
    }

    /// The resolved revision for a peeled commit object.
    private func pinned(
        _ revision: String, reference: String?, commit: OpaquePointer?,
        _ operation: String
    ) throws -> ResolvedRevision {
        guard let commit, let commitID = git_object_id(commit), let treeID = git_commit_tree_id(commit) else {
            throw GitError(.other, operation: operation, reason: "libgit2 returned no commit")
        }
        return ResolvedRevision(
            revision: revision, reference: reference, commit: ObjectID(commitID),
            tree: ObjectID(treeID))
    }
}
