import Foundation

/// A pool of IPv4 addresses a local cloud provider hands out: a CIDR (`172.18.255.0/24`, network and
/// broadcast addresses excluded when the prefix is shorter than /31) or an inclusive range
/// (`172.18.255.200-172.18.255.250`). Addresses are handed out lowest first.
public struct AddressPool: Sendable, Hashable, CustomStringConvertible {
    /// The first address, as a 32-bit number.
    public let first: UInt32
    /// The last address, as a 32-bit number.
    public let last: UInt32
    /// The text the pool was read from.
    public let description: String

    /// The default pool of `kgit up`: the top of the private 172.18.255.0/24 block, as kind and MetalLB
    /// examples use.
    public static let defaultPool = "172.18.255.200-172.18.255.250"

    /// Reads `CIDR`, `FIRST-LAST` or one address; throws when the text is none of them.
    public init(parsing text: String) throws(AddressPoolError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let slash = trimmed.firstIndex(of: "/") {
            guard let base = AddressPool.parse(String(trimmed[..<slash])),
                  let prefix = Int(trimmed[trimmed.index(after: slash)...]), (0...32).contains(prefix)
            else { throw AddressPoolError(text: text, reason: "expected a CIDR such as 172.18.255.0/24") }
            let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix)
            var low = base & mask
            var high = low | ~mask
            if prefix < 31 {
                low += 1
                high -= 1
            }
            first = low
            last = high
        } else if let dash = trimmed.firstIndex(of: "-") {
            guard let low = AddressPool.parse(String(trimmed[..<dash])),
                  let high = AddressPool.parse(String(trimmed[trimmed.index(after: dash)...]))
            else { throw AddressPoolError(text: text, reason: "expected a range such as 172.18.255.200-172.18.255.250") }
            guard low <= high else { throw AddressPoolError(text: text, reason: "the range's first address is above its last") }
            first = low
            last = high
        } else if let single = AddressPool.parse(trimmed) {
            first = single
            last = single
        } else {
            throw AddressPoolError(text: text, reason: "expected a CIDR (172.18.255.0/24) or a range (FIRST-LAST) of IPv4 addresses")
        }
        description = trimmed
    }

    /// How many addresses the pool holds.
    public var size: Int { Int(last - first) + 1 }

    /// Whether `address` (dotted quad) is in the pool.
    public func contains(_ address: String) -> Bool {
        guard let n = AddressPool.parse(address) else { return false }
        return n >= first && n <= last
    }

    /// The lowest address of the pool not in `used`, or nil when every address is taken.
    public func firstFree(excluding used: Set<String>) -> String? {
        var n = first
        while true {
            let address = AddressPool.format(n)
            if !used.contains(address) { return address }
            if n == last { return nil }
            n += 1
        }
    }

    /// A dotted quad as a number.
    static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let octet = UInt8(part) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }

    /// A number as a dotted quad.
    static func format(_ n: UInt32) -> String {
        "\(n >> 24).\(n >> 16 & 0xff).\(n >> 8 & 0xff).\(n & 0xff)"
    }
}

/// Why an address pool could not be read.
public struct AddressPoolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text given.
    public var text: String
    /// What was wrong with it.
    public var reason: String

    /// The message: `invalid address pool "x": reason`.
    public var description: String { "invalid address pool \"\(text)\": \(reason)" }
}
