/// A Kubernetes resource quantity (`100m`, `1Gi`, `1e3`, `0.5`), parsed with the API machinery grammar:
///
///     quantity        ::= signedNumber suffix
///     signedNumber    ::= number | "+" number | "-" number
///     number          ::= digits | digits "." digits | digits "." | "." digits
///     suffix          ::= binarySI | decimalExponent | decimalSI
///     binarySI        ::= "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei"
///     decimalSI       ::= "n" | "u" | "m" | "" | "k" | "M" | "G" | "T" | "P" | "E"
///     decimalExponent ::= "e" signedNumber | "E" signedNumber     (digits only)
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The text as written.
    public let text: String
    /// The value as a floating-point number (exact for the common cases; used for comparisons).
    public let value: Double

    /// Parses `text`; nil when it is not a quantity.
    public init?(parsing text: String) {
        var bytes = Array(text.utf8)[...]
        guard !bytes.isEmpty, bytes.count <= 128 else { return nil }
        var negative = false
        if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") {
            negative = bytes.first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var mantissa = 0.0
        var digitCount = 0
        var fractionDigits = 0
        var sawPoint = false
        while let byte = bytes.first {
            if byte.isASCIIDigit {
                mantissa = mantissa * 10 + Double(byte - UInt8(ascii: "0"))
                digitCount += 1
                if sawPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                break
            }
            bytes = bytes.dropFirst()
        }
        guard digitCount > 0 else { return nil }
        var scale = Self.power(10, -fractionDigits)
        let suffix = String(decoding: bytes, as: UTF8.self)
        switch suffix {
        case "": break
        case "Ki": scale *= Self.power(2, 10)
        case "Mi": scale *= Self.power(2, 20)
        case "Gi": scale *= Self.power(2, 30)
        case "Ti": scale *= Self.power(2, 40)
        case "Pi": scale *= Self.power(2, 50)
        case "Ei": scale *= Self.power(2, 60)
        case "n": scale *= Self.power(10, -9)
        case "u": scale *= Self.power(10, -6)
        case "m": scale *= Self.power(10, -3)
        case "k": scale *= Self.power(10, 3)
        case "M": scale *= Self.power(10, 6)
        case "G": scale *= Self.power(10, 9)
        case "T": scale *= Self.power(10, 12)
        case "P": scale *= Self.power(10, 15)
        case "E": scale *= Self.power(10, 18)
        default:
            // A decimal exponent: e or E, an optional sign, then digits only.
            var rest = bytes
            guard rest.first == UInt8(ascii: "e") || rest.first == UInt8(ascii: "E") else { return nil }
            rest = rest.dropFirst()
            var exponentNegative = false
            if rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-") {
                exponentNegative = rest.first == UInt8(ascii: "-")
                rest = rest.dropFirst()
            }
            guard !rest.isEmpty, rest.count <= 4, rest.allSatisfy(\.isASCIIDigit) else { return nil }
            let exponent = Int(String(decoding: rest, as: UTF8.self)) ?? 0
            scale *= Self.power(10, exponentNegative ? -exponent : exponent)
        }
        self.text = text
        self.value = (negative ? -mantissa : mantissa) * scale
    }

    private static func power(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= base }
        return exponent < 0 ? 1 / result : result
    }

    public var description: String { text }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool {
        lhs.value < rhs.value && !Quantity.nearlyEqual(lhs.value, rhs.value)
    }

    public static func == (lhs: Quantity, rhs: Quantity) -> Bool { nearlyEqual(lhs.value, rhs.value) }

    public func hash(into hasher: inout Hasher) { hasher.combine(value) }

    static func nearlyEqual(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= 1e-12 * max(abs(a), abs(b))
    }
}
