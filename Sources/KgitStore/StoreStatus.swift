/// Summary of a store for `kgit store status`.
public struct StoreStatus: Sendable, Hashable {
    /// Which backend: "memory", "sqlite" or "etcd".
    public var backend: String
    /// The current revision.
    public var revision: Int64
    /// The oldest readable revision (0 when never compacted; unknown for etcd).
    public var compactRevision: Int64
    /// Bytes on disk (0 for memory).
    public var dbSize: Int64
    /// Backend version (SQLite library version, or the etcd server version).
    public var version: String

    /// Creates a status value.
    public init(backend: String, revision: Int64, compactRevision: Int64, dbSize: Int64, version: String) {
        self.backend = backend
        self.revision = revision
        self.compactRevision = compactRevision
        self.dbSize = dbSize
        self.version = version
    }
}
