/// A granted lease: keys attached to it are deleted when it expires or is revoked.
public struct Lease: Sendable, Hashable {
    /// The lease ID (positive).
    public var id: Int64
    /// The granted time-to-live in seconds.
    public var ttl: Int64

    /// Creates a lease value.
    public init(id: Int64, ttl: Int64) {
        self.id = id
        self.ttl = ttl
    }
}

/// The state of a lease (etcd `LeaseTimeToLiveResponse`).
public struct LeaseTimeToLive: Sendable, Hashable {
    /// The lease ID.
    public var id: Int64
    /// Seconds left before expiry.
    public var ttl: Int64
    /// The TTL the lease was granted with.
    public var grantedTTL: Int64
    /// Keys attached to the lease, when asked for.
    public var keys: [[UInt8]]

    /// Creates a lease state.
    public init(id: Int64, ttl: Int64, grantedTTL: Int64, keys: [[UInt8]]) {
        self.id = id
        self.ttl = ttl
        self.grantedTTL = grantedTTL
        self.keys = keys
    }
}

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
