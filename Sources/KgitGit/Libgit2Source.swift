internal import CGit2

/// The real `GitSource`: a bare mirror of one remote in a cache directory, fetched and read through libgit2.
///
/// Each remote URL gets its own directory under the cache, named after the repository plus a hash of the full
/// URL (`podinfo-3f2a9c01b7d4.git`), so two remotes never share a mirror and a restart reuses what was
/// fetched before. Not thread-safe (see `Repository`).
public final class Libgit2Source: GitSource {
    /// The mirror being read.
    public let repository: Repository
    /// What to offer the remote if it asks for credentials.
    public let credentials: Credentials
    public let displayURL: String

    /// Opens (or creates) the mirror of `url` under `cacheDirectory`. Does not touch the network.
    ///
    /// A password in the URL (`https://bot:token@host/repo.git`) is taken out before anything is stored: the
    /// mirror remembers `https://bot@host/repo.git`, and the user name and password are offered through
    /// `credentials` when `credentials` has no password of its own.
    public init(url: String, cacheDirectory: String, credentials: Credentials = .anonymous) throws {
        let split = RemoteURL.splittingPassword(url)
        var credentials = credentials
        if credentials.password == nil, let password = split.password {
            credentials.username = split.username
            credentials.password = password
        }
        let directory = cacheDirectory.hasSuffix("/") ? cacheDirectory : cacheDirectory + "/"
        self.repository = try Repository.mirror(of: split.url, at: directory + Self.mirrorName(for: split.url))
        self.credentials = credentials
        self.displayURL = split.url
    }

    /// The directory name of `url`'s mirror: the last path component, reduced to `[A-Za-z0-9._-]`, then the first
    /// 12 hex digits of the SHA-1 of the whole URL.
    public static func mirrorName(for url: String) -> String {
        var last = url.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? "repository"
        if last.hasSuffix(".git") { last.removeLast(4) }
        let slug = String(
            last.unicodeScalars.map { scalar -> Character in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": return Character(scalar)
                default: return "_"
                }
            }.prefix(40))
        return "\(slug.isEmpty ? "repository" : slug)-\(sha1(url).abbreviated(12)).git"
    }

    @discardableResult
    public func fetch() throws -> FetchResult {
        try repository.fetch(credentials: credentials)
    }

    public func contains(_ id: ObjectID) -> Bool {
        (try? repository.objectHeader(id, "")) != nil
    }

    public func resolve(_ revision: String) throws -> ResolvedRevision {
        try repository.resolve(revision)
    }

    public func treeID(at directory: String, in tree: ObjectID) throws -> ObjectID? {
        try repository.treeID(at: directory, in: tree)
    }

    public func files(in tree: ObjectID, under directory: String) throws -> [TreeEntry] {
        try repository.files(in: tree, under: directory)
    }

    public func readBlob(_ id: ObjectID, maxBytes: Int) throws -> [UInt8] {
        try repository.readBlob(id, maxBytes: maxBytes)
    }

    public func readFile(_ path: String, in tree: ObjectID, maxBytes: Int) throws -> Blob {
        try repository.readFile(path, in: tree, maxBytes: maxBytes)
    }

    public func symlinkTarget(of linkPath: String, blob id: ObjectID) throws -> String {
        try repository.symlinkTarget(of: linkPath, blob: id)
    }

    public func changes(
        from oldTree: ObjectID?, to newTree: ObjectID, under directory: String
    ) throws
        -> [TreeChange]
    {
        try repository.changes(from: oldTree, to: newTree, under: directory)
    }

    /// The SHA-1 of `text`'s UTF-8 bytes as a git blob (git's own hashing, so no crypto dependency).
    private static func sha1(_ text: String) -> ObjectID {
        Libgit2.ensureInitialized()
        var oid = git_oid()
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { git_odb_hash(&oid, $0.baseAddress, $0.count, GIT_OBJECT_BLOB) }
        return ObjectID(oid)
    }
}
