/// One version of one key, as etcd's `mvccpb.KeyValue` describes it.
///
/// Revisions follow etcd: `modRevision` is the main revision of the write that produced this version,
/// `createRevision` the main revision that created the key (reset by a delete), and `version` counts writes
/// since creation (1 for a new key). A deleted key has no `KeyValue`; watch `delete` events carry a
/// `KeyValue` with only `key` and `modRevision` (the deletion's revision) set, exactly as etcd sends them.
public struct KeyValue: Sendable, Hashable {
    /// The key bytes.
    public var key: [UInt8]
    /// The value bytes (empty for keys-only reads and delete events).
    public var value: [UInt8]
    /// The main revision at which the key was (last) created.
    public var createRevision: Int64
    /// The main revision of the write that produced this version.
    public var modRevision: Int64
    /// Number of writes since creation; 1 for a newly created key.
    public var version: Int64
    /// The lease the key is attached to, or 0 for none.
    public var lease: Int64

    /// Creates a key-value version; used by backends and tests.
    public init(
        key: [UInt8], value: [UInt8], createRevision: Int64, modRevision: Int64, version: Int64, lease: Int64 = 0
    ) {
        self.key = key
        self.value = value
        self.createRevision = createRevision
        self.modRevision = modRevision
        self.version = version
        self.lease = lease
    }

    /// The key decoded as UTF-8 (invalid bytes are replaced), for display.
    public var keyString: String { String(decoding: key, as: UTF8.self) }
    /// The value decoded as UTF-8 (invalid bytes are replaced), for display.
    public var valueString: String { String(decoding: value, as: UTF8.self) }
}

extension Array where Element == UInt8 {
    /// The UTF-8 bytes of a string, for keys and values.
    @inlinable public init(utf8 string: String) { self = Array(string.utf8) }
}

/// Lexicographic byte-wise ordering of keys, as etcd (and SQLite's BLOB collation) orders them.
@inlinable func keyLess(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    let n = Swift.min(a.count, b.count)
    var i = 0
    while i < n {
        if a[i] != b[i] { return a[i] < b[i] }
        i += 1
    }
    return a.count < b.count
}
