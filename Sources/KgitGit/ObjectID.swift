internal import CGit2

/// The SHA-1 name of a git object (commit, tree, blob or tag): 20 bytes, shown as 40 lowercase hex digits.
///
/// A value type stored inline (no allocation), so sets and dictionaries of thousands of ids stay cheap. Two
/// trees with the same id have the same contents; kgit compares tree ids to skip work that cannot have changed.
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    // The 20 bytes, big-endian: bytes 0-7, 8-15, 16-19. Comparing the words in order compares the bytes.
    private let high: UInt64
    private let middle: UInt64
    private let low: UInt32

    /// The number of bytes in an object id.
    public static let byteCount = 20

    /// Creates an id from its 20 bytes; nil when `bytes` has another length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        var h: UInt64 = 0
        var m: UInt64 = 0
        var l: UInt32 = 0
        for (i, byte) in bytes.enumerated() {
            switch i {
            case 0..<8: h = h << 8 | UInt64(byte)
            case 8..<16: m = m << 8 | UInt64(byte)
            default: l = l << 8 | UInt32(byte)
            }
        }
        (high, middle, low) = (h, m, l)
    }

    /// Parses 40 hex digits (either case); nil for anything else.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 2 * Self.byteCount else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.byteCount)
        var i = 0
        while i < utf8.count {
            guard let hi = Self.nibble(utf8[i]), let lo = Self.nibble(utf8[i + 1]) else { return nil }
            bytes.append(hi << 4 | lo)
            i += 2
        }
        self.init(bytes: bytes)
    }

    /// The 20 bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.byteCount)
        for shift in stride(from: 56, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: high >> UInt64(shift)))
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: middle >> UInt64(shift)))
        }
        for shift in stride(from: 24, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: low >> UInt32(shift)))
        }
        return out
    }

    /// The 40 lowercase hex digits.
    public var hex: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var chars: [UInt8] = []
        chars.reserveCapacity(2 * Self.byteCount)
        for byte in bytes {
            chars.append(digits[Int(byte >> 4)])
            chars.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: chars, as: UTF8.self)
    }

    /// The first `length` hex digits, as `git log --abbrev` shows them.
    public func abbreviated(_ length: Int = 7) -> String {
        String(hex.prefix(max(4, min(length, 2 * Self.byteCount))))
    }

    public var description: String { hex }

    public static func < (a: ObjectID, b: ObjectID) -> Bool {
        (a.high, a.middle, a.low) < (b.high, b.middle, b.low)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

// MARK: - Conversions to and from libgit2

extension ObjectID {
    init(_ oid: git_oid) {
        var copy = oid
        // A git_oid is exactly its 20-byte `id` tuple; the failable init cannot fail on 20 bytes.
        self = withUnsafeBytes(of: &copy.id) { raw in
            ObjectID(bytes: raw) ?? ObjectID(high: 0, middle: 0, low: 0)
        }
    }

    init(_ pointer: UnsafePointer<git_oid>) {
        self.init(pointer.pointee)
    }

    private init(high: UInt64, middle: UInt64, low: UInt32) {
        (self.high, self.middle, self.low) = (high, middle, low)
    }

    /// The libgit2 form of this id.
    var oid: git_oid {
        var oid = git_oid()
        let b = bytes
        withUnsafeMutableBytes(of: &oid.id) { raw in
            for i in 0..<Self.byteCount { raw[i] = b[i] }
        }
        return oid
    }
}
