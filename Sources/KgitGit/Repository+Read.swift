internal import CGit2

extension Repository {
    /// The most symbolic links `readFile` follows for one path before it calls the chain a loop.
    public static let maxSymlinkHops = 8

    /// Reads the file at `filePath` in `tree` from the object database, following symbolic links that stay inside
    /// the repository.
    ///
    /// The size is checked from the object header before the contents are loaded, so a huge file costs nothing.
    ///
    /// - Parameters:
    ///   - filePath: a path from the repository root.
    ///   - tree: a root tree id (`ResolvedRevision.tree`).
    ///   - maxBytes: the largest file accepted.
    /// - Throws: `.notFound` (no such file), `.wrongObjectType` (a directory or submodule),
    ///   `.symlinkEscapesRepository` (an absolute link, a link climbing above the root, or more than
    ///   `maxSymlinkHops` links), `.fileTooLarge` (over `maxBytes`).
    public func readFile(_ filePath: String, in tree: ObjectID, maxBytes: Int) throws -> Blob {
        let operation = "reading \"\(filePath)\" at tree \(tree.abbreviated()) of \(path)"
        var current = try RepositoryPath.normalize(filePath)
        var hops = 0
        return try withTree(tree, operation) { root in
            while true {
                var entry: OpaquePointer?
                let code = git_tree_entry_bypath(&entry, root, current)
                if code == GIT_ENOTFOUND.rawValue {
                    let via = current == filePath ? "" : " (reached through symbolic links as \"\(current)\")"
                    throw GitError(.notFound, operation: operation, reason: "no such file at this revision\(via)")
                }
                try check(code, operation)
                defer { git_tree_entry_free(entry) }
                guard let rawID = git_tree_entry_id(entry) else {
                    throw GitError(.other, operation: operation, reason: "libgit2 returned an entry without an id")
                }
                let id = ObjectID(rawID)
                switch git_tree_entry_filemode(entry) {
                case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE:
                    let bytes = try blobBytes(id, maxBytes: maxBytes, operation, label: "\"\(current)\"")
                    return Blob(path: filePath, resolvedPath: current, id: id, bytes: bytes)
                case GIT_FILEMODE_LINK:
                    hops += 1
                    let targetBytes = try blobBytes(
                        id, maxBytes: 4096, operation, label: "symbolic link \"\(current)\"")
                    let target = String(decoding: targetBytes, as: UTF8.self)
                    guard hops <= Self.maxSymlinkHops else {
                        throw GitError(
                            .symlinkEscapesRepository, operation: operation,
                            reason: "more than \(Self.maxSymlinkHops) symbolic links (a loop?) at \"\(current)\"")
                    }
                    guard let next = RepositoryPath.symlinkTarget(of: current, target: target) else {
                        throw GitError(
                            .symlinkEscapesRepository, operation: operation,
                            reason: "\"\(current)\" is a symbolic link to \"\(target)\", outside the repository")
                    }
                    current = next
                case GIT_FILEMODE_TREE:
                    throw GitError(.wrongObjectType, operation: operation, reason: "\"\(current)\" is a directory")
                case GIT_FILEMODE_COMMIT:
                    throw GitError(.wrongObjectType, operation: operation, reason: "\"\(current)\" is a submodule")
                default:
                    throw GitError(.wrongObjectType, operation: operation, reason: "\"\(current)\" has an unknown mode")
                }
            }
        }
    }

    /// Where the symbolic link blob `id` at `linkPath` points, as a path from the repository root.
    ///
    /// - Throws: `.symlinkEscapesRepository` when the target is absolute or climbs above the root.
    public func symlinkTarget(of linkPath: String, blob id: ObjectID) throws -> String {
        let operation = "reading symbolic link \"\(linkPath)\" in \(path)"
        let target = String(
            decoding: try blobBytes(id, maxBytes: 4096, operation, label: "symbolic link \"\(linkPath)\""),
            as: UTF8.self)
        guard let resolved = RepositoryPath.symlinkTarget(of: linkPath, target: target) else {
            throw GitError(
                .symlinkEscapesRepository, operation: operation,
                reason: "\"\(linkPath)\" is a symbolic link to \"\(target)\", outside the repository")
        }
        return resolved
    }

    /// Reads blob `id` by its id, refusing it when it is larger than `maxBytes`.
    ///
    /// - Throws: `.notFound`, `.wrongObjectType` (not a blob), `.fileTooLarge`.
    public func readBlob(_ id: ObjectID, maxBytes: Int) throws -> [UInt8] {
        try blobBytes(id, maxBytes: maxBytes, "reading blob \(id) in \(path)", label: "blob \(id.abbreviated(12))")
    }

    /// The bytes of blob `id`, checked against `maxBytes` from its header first.
    private func blobBytes(_ id: ObjectID, maxBytes: Int, _ operation: String, label: String) throws -> [UInt8] {
        let header = try objectHeader(id, operation)
        guard header.type == GIT_OBJECT_BLOB else {
            throw GitError(.wrongObjectType, operation: operation, reason: "\(id) is not a blob")
        }
        guard header.size <= maxBytes else {
            throw GitError(
                .fileTooLarge, operation: operation,
                reason: "\(label) is \(header.size) bytes, over the limit of \(maxBytes) bytes")
        }
        var oid = id.oid
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, handle, &oid), operation)
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }
}
