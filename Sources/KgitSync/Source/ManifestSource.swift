import KgitGit

/// Loads the desired state (YAML manifests, KGL files, `kgit.lock`) under one directory of one git revision, and
/// keeps it up to date incrementally.
///
///     let git = try Libgit2Source(url: "https://git.example.com/ops.git", cacheDirectory: "/var/cache/kgit/git")
///     let source = try ManifestSource(git: git, revision: "main", directory: "clusters/prod")
///     var snapshot = try source.load()                  // fetch, resolve, read every manifest
///     let update = try source.update(from: snapshot)    // fetch, then re-read only what changed
///     snapshot = update.snapshot
///
/// `update(from:)` does as little as the change allows:
///
///     same root tree as last time ............ nothing read (a fetch that found nothing new)
///     same tree id for the directory ......... nothing read (the commit changed other directories)
///     otherwise .............................. diff the two trees under the directory; read changed files only
///
/// Files are read from the object database of a bare mirror; nothing is checked out. A symbolic link anywhere
/// under the directory that points outside the repository fails the load, as do files over `Limits`. A linked
/// manifest (`base.yaml -> ../../shared/base.yaml`) is read from its target; links to directories and submodules
/// are not followed.
///
/// Not thread-safe, like the `GitSource` it reads; every method blocks, `load` and `update` on the network.
public final class ManifestSource {
    /// Bounds on what one load may read, so a hostile repository cannot exhaust memory.
    public struct Limits: Sendable, Equatable {
        /// The largest single manifest file.
        public var maxFileBytes: Int
        /// The most manifest files under the directory.
        public var maxFiles: Int
        /// The most bytes of manifests in total.
        public var maxTotalBytes: Int

        public init(maxFileBytes: Int = 8 << 20, maxFiles: Int = 50_000, maxTotalBytes: Int = 512 << 20) {
            self.maxFileBytes = maxFileBytes
            self.maxFiles = maxFiles
            self.maxTotalBytes = maxTotalBytes
        }
    }

    /// Where the manifests come from.
    public let git: any GitSource
    /// The revision to follow: a branch, a tag, `HEAD` or a commit id.
    public let revision: String
    /// The directory holding the manifests, normalised ("" is the repository root).
    public let directory: String
    public let limits: Limits

    /// - Throws: `ManifestSourceError` when `directory` climbs above the repository root.
    public init(git: any GitSource, revision: String, directory: String = "", limits: Limits = Limits()) throws {
        self.git = git
        self.revision = revision
        self.limits = limits
        do {
            self.directory = try RepositoryPath.normalize(directory)
        } catch let error as GitError {
            throw ManifestSourceError(
                source: "\(git.displayURL) at \(revision), directory \"\(directory)\"",
                reason: .git(error))
        }
    }

    /// How errors name this source: `<url> at <revision>, directory "<path>"`.
    public var sourceDescription: String {
        "\(git.displayURL) at \(revision), directory \"\(directory)\""
    }

    /// Fetches (unless `revision` is a commit id already present), resolves the revision and reads every manifest.
    ///
    /// - Parameter fetch: false to read what the mirror already has, without the network.
    /// - Throws: `ManifestSourceError`.
    public func load(fetch: Bool = true) throws -> ManifestSnapshot {
        try wrapping {
            let resolved = try refresh(fetch: fetch)
            return try readAll(at: resolved)
        }
    }

    /// Fetches, resolves the revision again and re-reads only the files that changed since `previous`.
    ///
    /// When `previous` describes another directory, or its tree is not in the mirror (the cache was wiped since),
    /// every file is read and compared by blob id: the answer is the same, only slower.
    ///
    /// - Parameters:
    ///   - previous: the last snapshot this source (or one with the same directory) returned.
    ///   - fetch: false to read what the mirror already has, without the network.
    /// - Throws: `ManifestSourceError`; `previous` stays valid.
    public func update(from previous: ManifestSnapshot, fetch: Bool = true) throws -> ManifestUpdate {
        try wrapping {
            let resolved = try refresh(fetch: fetch)
            // A snapshot of another directory, or from a mirror that no longer has its tree (a wiped cache):
            // read everything and compare blob ids.
            guard previous.directory == directory, git.contains(previous.revision.tree) else {
                return Self.difference(from: previous, to: try readAll(at: resolved))
            }
            if resolved.tree == previous.revision.tree {
                return ManifestUpdate(snapshot: previous.moved(to: resolved), changed: [], removed: [])
            }
            guard let directoryTree = try git.treeID(at: directory, in: resolved.tree) else {
                throw missingDirectory(at: resolved)
            }
            if directoryTree == previous.directoryTree && previous.linkedFiles.isEmpty {
                return ManifestUpdate(snapshot: previous.moved(to: resolved), changed: [], removed: [])
            }
            return try readChanges(since: previous, at: resolved, directoryTree: directoryTree)
        }
    }

    // MARK: - Reading

    /// Fetches when needed, then resolves `revision`.
    private func refresh(fetch: Bool) throws -> ResolvedRevision {
        let pinned = ObjectID(hex: revision).map(git.contains) ?? false
        if fetch && !pinned {
            try git.fetch()
        }
        return try git.resolve(revision)
    }

    private func readAll(at resolved: ResolvedRevision) throws -> ManifestSnapshot {
        guard let directoryTree = try git.treeID(at: directory, in: resolved.tree) else {
            throw missingDirectory(at: resolved)
        }
        let entries = try git.files(in: resolved.tree, under: directory)
        for entry in entries where entry.kind == .symlink {
            _ = try git.symlinkTarget(of: entry.path, blob: entry.id)  // refuses links out of the repository
        }
        let manifests = entries.filter { ManifestFile.isManifest($0.path) && $0.kind != .submodule }
        guard manifests.count <= limits.maxFiles else {
            throw ManifestSourceError(
                source: sourceDescription,
                reason: .tooManyFiles(found: manifests.count, limit: limits.maxFiles))
        }
        var files: [String: ManifestFile] = [:]
        var linked: [String: String] = [:]
        var total = 0
        for entry in manifests {
            let file = try read(entry.path, id: entry.id, kind: entry.kind, in: resolved.tree, linked: &linked)
            total += file.bytes.count
            try checkTotal(total)
            files[entry.path] = file
        }
        return ManifestSnapshot(
            revision: resolved, directory: directory, directoryTree: directoryTree, files: files,
            linkedFiles: linked)
    }

    private func readChanges(
        since previous: ManifestSnapshot, at resolved: ResolvedRevision,
        directoryTree: ObjectID
    ) throws -> ManifestUpdate {
        var files = previous.files
        var linked = previous.linkedFiles
        var changed: [String: ManifestFile] = [:]
        var removed: Set<String> = []

        if directoryTree != previous.directoryTree {
            for change in try git.changes(from: previous.revision.tree, to: resolved.tree, under: directory) {
                if change.kind == .symlink, change.status != .deleted, let id = change.newID {
                    _ = try git.symlinkTarget(of: change.path, blob: id)
                }
                guard ManifestFile.isManifest(change.path) else { continue }
                guard change.status != .deleted, change.kind != .submodule, let id = change.newID else {
                    if files.removeValue(forKey: change.path) != nil { removed.insert(change.path) }
                    linked.removeValue(forKey: change.path)
                    continue
                }
                let file = try read(change.path, id: id, kind: change.kind, in: resolved.tree, linked: &linked)
                files[change.path] = file
                changed[change.path] = file
                removed.remove(change.path)
            }
        }
        // A link's target may be outside the directory: re-read linked files the diff did not already cover.
        for path in linked.keys.sorted() where changed[path] == nil {
            guard let old = files[path] else { continue }
            let file = try read(path, id: old.blob, kind: .symlink, in: resolved.tree, linked: &linked)
            if file.blob != old.blob {
                files[path] = file
                changed[path] = file
            }
        }

        guard files.count <= limits.maxFiles else {
            throw ManifestSourceError(
                source: sourceDescription,
                reason: .tooManyFiles(found: files.count, limit: limits.maxFiles))
        }
        try checkTotal(files.values.reduce(0) { $0 + $1.bytes.count })
        let snapshot = ManifestSnapshot(
            revision: resolved, directory: directory, directoryTree: directoryTree,
            files: files, linkedFiles: linked)
        return ManifestUpdate(
            snapshot: snapshot, changed: changed.values.sorted { $0.path < $1.path },
            removed: removed.sorted())
    }

    /// Reads one manifest: a regular file by blob id, a symbolic link by following it (and recording where to).
    private func read(
        _ path: String, id: ObjectID, kind: TreeEntry.Kind, in tree: ObjectID,
        linked: inout [String: String]
    ) throws -> ManifestFile {
        if kind == .symlink {
            let blob = try git.readFile(path, in: tree, maxBytes: limits.maxFileBytes)
            linked[path] = blob.resolvedPath
            return ManifestFile(path: path, blob: blob.id, bytes: blob.bytes)
        }
        linked.removeValue(forKey: path)
        do {
            return ManifestFile(path: path, blob: id, bytes: try git.readBlob(id, maxBytes: limits.maxFileBytes))
        } catch let error as GitError where error.kind == .fileTooLarge {
            // Name the path, not only the blob id.
            throw GitError(
                .fileTooLarge, operation: "reading \"\(path)\" at tree \(tree.abbreviated())",
                reason: error.reason)
        }
    }

    private func checkTotal(_ total: Int) throws {
        guard total <= limits.maxTotalBytes else {
            throw ManifestSourceError(
                source: sourceDescription,
                reason: .tooManyBytes(found: total, limit: limits.maxTotalBytes))
        }
    }

    private func missingDirectory(at resolved: ResolvedRevision) -> GitError {
        GitError(
            .notFound, operation: "reading directory \"\(directory)\" at \(resolved)",
            reason: "no such directory at this revision")
    }

    /// Runs `body`, wrapping a `GitError` with this source's description.
    private func wrapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as GitError {
            throw ManifestSourceError(source: sourceDescription, reason: .git(error))
        }
    }

    /// The update between two unrelated snapshots, by comparing blob ids path by path.
    static func difference(from old: ManifestSnapshot, to new: ManifestSnapshot) -> ManifestUpdate {
        let changed = new.sortedFiles.filter { old.files[$0.path]?.blob != $0.blob }
        let removed = old.files.keys.filter { new.files[$0] == nil }.sorted()
        return ManifestUpdate(snapshot: new, changed: changed, removed: removed)
    }
}
