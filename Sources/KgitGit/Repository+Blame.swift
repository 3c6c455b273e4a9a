internal import CGit2

extension Repository {
    /// Blames the lines of the file at `filePath` as of `commit`: for each run of lines, the commit that last
    /// changed it, its author and summary.
    ///
    /// Works on a bare mirror (the file is read from `commit`'s tree, not from a work tree). Its cost grows with
    /// the file's history, so call it only for files that have something to report, once per file.
    ///
    /// - Parameters:
    ///   - filePath: the file, from the repository root.
    ///   - commit: the newest commit to consider: the revision being reported on.
    ///   - lines: only these lines (1-based), which is cheaper for a large file; nil for all of them.
    /// - Throws: `.notFound` when the file or commit does not exist, `.invalidArgument` for lines past the end.
    public func blame(_ filePath: String, at commit: ObjectID, lines: ClosedRange<Int>? = nil) throws -> Blame {
        let relative = try RepositoryPath.normalize(filePath)
        let operation = "blaming \"\(relative)\" at commit \(commit.abbreviated()) in \(path)"
        var options = git_blame_options()
        git_blame_options_init(&options, UInt32(GIT_BLAME_OPTIONS_VERSION))
        options.newest_commit = commit.oid
        if let lines {
            guard lines.lowerBound >= 1 else {
                throw GitError(.invalidArgument, operation: operation, reason: "line numbers start at 1")
            }
            options.min_line = lines.lowerBound
            options.max_line = lines.upperBound
        }
        var blame: OpaquePointer?
        try check(git_blame_file(&blame, handle, relative, &options), operation)
        defer { git_blame_free(blame) }

        var summaries: [ObjectID: String] = [:]
        var hunks: [Blame.Hunk] = []
        let count = git_blame_get_hunk_count(blame)
        hunks.reserveCapacity(Int(count))
        for index in 0..<count {
            guard let hunk = git_blame_get_hunk_byindex(blame, index)?.pointee else { continue }
            let id = ObjectID(hunk.final_commit_id)
            let summary: String
            if let known = summaries[id] {
                summary = known
            } else {
                summary = try commitSummary(id, operation)
                summaries[id] = summary
            }
            hunks.append(
                Blame.Hunk(
                    startLine: hunk.final_start_line_number,
                    lineCount: hunk.lines_in_hunk,
                    commit: id,
                    author: Self.signature(hunk.final_signature),
                    summary: summary,
                    originalPath: hunk.orig_path.map { String(cString: $0) } ?? relative))
        }
        return Blame(path: relative, newestCommit: commit, hunks: hunks)
    }

    private func commitSummary(_ id: ObjectID, _ operation: String) throws -> String {
        var oid = id.oid
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, handle, &oid), "\(operation): reading commit \(id)")
        defer { git_commit_free(commit) }
        return git_commit_summary(commit).map { String(cString: $0) } ?? ""
    }

    private static func signature(_ pointer: UnsafeMutablePointer<git_signature>?) -> Blame.Signature {
        guard let s = pointer?.pointee else {
            return Blame.Signature(name: "", email: "", time: 0, timeZoneOffsetMinutes: 0)
        }
        return Blame.Signature(
            name: s.name.map { String(cString: $0) } ?? "",
            email: s.email.map { String(cString: $0) } ?? "",
            time: s.when.time, timeZoneOffsetMinutes: Int(s.when.offset))
    }
}
