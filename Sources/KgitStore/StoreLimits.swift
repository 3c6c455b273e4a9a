/// Size limits a store enforces, with etcd's defaults.
public struct StoreLimits: Sendable, Hashable {
    /// Largest accepted request: key plus value for a put, the sum of all keys and values for a transaction.
    /// etcd's default `--max-request-bytes` is 1.5 MiB.
    public var maxRequestBytes: Int
    /// Database size at which writes that add data fail with `StoreError.quotaExceeded`.
    /// etcd's default `--quota-backend-bytes` is 2 GiB.
    public var quotaBytes: Int64

    /// Creates limits; the defaults are etcd's.
    public init(maxRequestBytes: Int = 1_572_864, quotaBytes: Int64 = 2 * 1024 * 1024 * 1024) {
        self.maxRequestBytes = maxRequestBytes
        self.quotaBytes = quotaBytes
    }

    /// etcd's defaults.
    public static let etcd = StoreLimits()
}
