/// A write of one key (etcd `PutRequest`).
public struct PutRequest: Sendable, Hashable {
    /// The key; must not be empty.
    public var key: [UInt8]
    /// The new value.
    public var value: [UInt8]
    /// Attach the key to this lease (0: none). The lease must exist, else `StoreError.leaseNotFound`.
    public var lease: Int64
    /// Return the key's previous version in `PutResponse.prevKV`.
    public var prevKV: Bool

    /// Creates a put request.
    public init(key: [UInt8], value: [UInt8], lease: Int64 = 0, prevKV: Bool = false) {
        self.key = key
        self.value = value
        self.lease = lease
        self.prevKV = prevKV
    }

    /// Creates a put request from strings.
    public init(_ key: String, _ value: String, lease: Int64 = 0, prevKV: Bool = false) {
        self.init(key: Array(key.utf8), value: Array(value.utf8), lease: lease, prevKV: prevKV)
    }
}

/// The answer to a `PutRequest`.
public struct PutResponse: Sendable, Hashable {
    /// The revision of this write.
    public var revision: Int64
    /// The previous version, when requested and the key existed.
    public var prevKV: KeyValue?

    /// Creates a put response.
    public init(revision: Int64, prevKV: KeyValue? = nil) {
        self.revision = revision
        self.prevKV = prevKV
    }
}
