/// The keys a request applies to, in etcd's terms: a single key, or the half-open interval
/// `[start, end)`, where an `end` of `[0]` means "every key from `start` on".
///
/// Build one with `.key(_:)`, `.prefix(_:)`, `.range(from:to:)`, `.from(_:)` or `.all`. The raw
/// `start`/`end` pair is what travels over etcd's API (`key`, `range_end`).
public struct KeyRange: Sendable, Hashable {
    /// The first key (inclusive).
    public var start: [UInt8]
    /// The end key (exclusive); `nil` for a single key; `[0]` for no upper bound.
    public var end: [UInt8]?

    /// A range with etcd's raw `key` / `range_end` meaning.
    public init(start: [UInt8], end: [UInt8]?) {
        self.start = start
        self.end = (end?.isEmpty ?? true) ? nil : end
    }

    /// Exactly one key.
    public static func key(_ key: [UInt8]) -> KeyRange { KeyRange(start: key, end: nil) }
    /// Exactly one key, given as a string.
    public static func key(_ key: String) -> KeyRange { .key(Array(key.utf8)) }
    /// Every key with the given prefix (etcd's `clientv3.WithPrefix`).
    public static func prefix(_ prefix: [UInt8]) -> KeyRange {
        prefix.isEmpty ? .all : KeyRange(start: prefix, end: prefixEnd(prefix))
    }
    /// Every key with the given string prefix.
    public static func prefix(_ prefix: String) -> KeyRange { .prefix(Array(prefix.utf8)) }
    /// Keys in `[start, end)`.
    public static func range(from start: [UInt8], to end: [UInt8]) -> KeyRange { KeyRange(start: start, end: end) }
    /// Every key greater than or equal to `start` (etcd's `WithFromKey`).
    public static func from(_ start: [UInt8]) -> KeyRange { KeyRange(start: start, end: [0]) }
    /// Every key.
    public static let all = KeyRange(start: [0], end: [0])

    /// The end key of the range covering every key with `prefix`: the prefix with its last byte below 0xff
    /// incremented and the rest dropped, or `[0]` ("no end") when every byte is 0xff or the prefix is empty.
    public static func prefixEnd(_ prefix: [UInt8]) -> [UInt8] {
        var end = prefix
        while let last = end.last {
            if last < 0xff {
                end[end.count - 1] = last + 1
                return end
            }
            end.removeLast()
        }
        return [0]
    }

    /// Whether this names a single key.
    public var isSingleKey: Bool { end == nil }
    /// Whether the range has no upper bound.
    var isUnbounded: Bool { end == [0] }

    /// Whether `key` lies in this range.
    public func contains(_ key: [UInt8]) -> Bool {
        guard let end else { return key == start }
        if keyLess(key, start) { return false }
        if end == [0] { return true }
        return keyLess(key, end)
    }
}
