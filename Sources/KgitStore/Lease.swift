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
