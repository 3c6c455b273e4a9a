import KgitGit

/// The desired state under one directory at one revision: every manifest file, read once and kept by path.
public struct ManifestSnapshot: Sendable {
    /// The revision as configured, pinned to the commit and root tree that were read.
    public let revision: ResolvedRevision
    /// The directory read, normalised ("" is the repository root).
    public let directory: String
    /// The tree id of `directory` at this revision: equal ids mean identical contents.
    public let directoryTree: ObjectID
    /// The files, by path.
    public let files: [String: ManifestFile]
    /// Files that are symbolic links, mapped to the path they resolved to; re-read on every update, since their
    /// target may live outside `directory` and change without `directoryTree` changing.
    let linkedFiles: [String: String]

    init(
        revision: ResolvedRevision, directory: String, directoryTree: ObjectID, files: [String: ManifestFile],
        linkedFiles: [String: String]
    ) {
        self.revision = revision
        self.directory = directory
        self.directoryTree = directoryTree
        self.files = files
        self.linkedFiles = linkedFiles
    }

    /// The files in path order.
    public var sortedFiles: [ManifestFile] {
        files.values.sorted { $0.path < $1.path }
    }

    /// The `kgit.kgl` at the top of `directory`, if there is one.
    public var configuration: ManifestFile? {
        let path = directory.isEmpty ? ManifestFile.configurationName : directory + "/" + ManifestFile.configurationName
        return files[path]
    }

    /// The same files at another revision (the directory did not change).
    func moved(to revision: ResolvedRevision) -> ManifestSnapshot {
        ManifestSnapshot(
            revision: revision, directory: directory, directoryTree: directoryTree, files: files,
            linkedFiles: linkedFiles)
    }
}
