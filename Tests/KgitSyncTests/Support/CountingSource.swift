import KgitGit

/// The real `Libgit2Source`, with a count of the calls that cost I/O, so tests can prove what an update skipped.
/// It forwards every call unchanged: git itself is never faked.
final class CountingSource: GitSource {
    let real: Libgit2Source
    private(set) var fetches = 0
    private(set) var reads = 0
    private(set) var listings = 0
    private(set) var diffs = 0

    init(_ real: Libgit2Source) { self.real = real }

    var displayURL: String { real.displayURL }

    func resetCounts() { (fetches, reads, listings, diffs) = (0, 0, 0, 0) }

    @discardableResult
    func fetch() throws -> FetchResult {
        fetches += 1
        return try real.fetch()
    }

    func contains(_ id: ObjectID) -> Bool { real.contains(id) }
    func resolve(_ revision: String) throws -> ResolvedRevision { try real.resolve(revision) }
    func treeID(at directory: String, in tree: ObjectID) throws -> ObjectID? {
        try real.treeID(at: directory, in: tree)
    }

    func files(in tree: ObjectID, under directory: String) throws -> [TreeEntry] {
        listings += 1
        return try real.files(in: tree, under: directory)
    }

    func readBlob(_ id: ObjectID, maxBytes: Int) throws -> [UInt8] {
        reads += 1
        return try real.readBlob(id, maxBytes: maxBytes)
    }

    func readFile(_ path: String, in tree: ObjectID, maxBytes: Int) throws -> Blob {
        reads += 1
        return try real.readFile(path, in: tree, maxBytes: maxBytes)
    }

    func symlinkTarget(of linkPath: String, blob id: ObjectID) throws -> String {
        try real.symlinkTarget(of: linkPath, blob: id)
    }

    func changes(from oldTree: ObjectID?, to newTree: ObjectID, under directory: String) throws -> [TreeChange] {
        diffs += 1
        return try real.changes(from: oldTree, to: newTree, under: directory)
    }
}
