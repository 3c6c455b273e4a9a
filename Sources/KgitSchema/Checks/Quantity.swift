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
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= 128 else { return nil }
        var index = utf8.startIndex
        var negative = false
        if utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-") {
            negative = utf8[index] == UInt8(ascii: "-")
            index = utf8.index(after: index)
        }
        var mantissa = 0.0
        var digitCount = 0
        var fractionDigits = 0
        var sawPoint = false
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte.isASCIIDigit {
                mantissa = mantissa * 10 + Double(byte - UInt8(ascii: "0"))
                digitCount += 1
                if sawPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                break
            }
            index = utf8.index(after: index)
        }
        guard digitCount > 0, let multiplier = Self.suffixMultiplier(utf8[index...]) else { return nil }
        self.text = text
        self.value = (negative ? -mantissa : mantissa) * Self.power(10, -fractionDigits) * multiplier
    }

    /// The factor a suffix stands for; nil when the suffix is not one of the grammar's.
    private static func suffixMultiplier(_ suffix: Substring.UTF8View) -> Double? {
        var bytes = suffix.makeIterator()
        guard let first = bytes.next() else { return 1 }
        let second = bytes.next()
        if second == nil {
            switch first {
            case UInt8(ascii: "n"): return power(10, -9)
            case UInt8(ascii: "u"): return power(10, -6)
            case UInt8(ascii: "m"): return power(10, -3)
            case UInt8(ascii: "k"): return power(10, 3)
            case UInt8(ascii: "M"): return power(10, 6)
            case UInt8(ascii: "G"): return power(10, 9)
            case UInt8(ascii: "T"): return power(10, 12)
            case UInt8(ascii: "P"): return power(10, 15)
            case UInt8(ascii: "E"): return power(10, 18)
            default: return nil
            }
        }
        if second == UInt8(ascii: "i"), bytes.next() == nil {
            switch first {
            case UInt8(ascii: "K"): return power(2, 10)
            case UInt8(ascii: "M"): return power(2, 20)
            case UInt8(ascii: "G"): return power(2, 30)
            case UInt8(ascii: "T"): return power(2, 40)
            case UInt8(ascii: "P"): return power(2, 50)
            case UInt8(ascii: "E"): return power(2, 60)
            default: return nil
            }
        }
        // A decimal exponent: e or E, an optional sign, then at most 4 digits.
        guard first == UInt8(ascii: "e") || first == UInt8(ascii: "E") else { return nil }
        var rest = suffix.dropFirst()
        var exponentNegative = false
        if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            exponentNegative = sign == UInt8(ascii: "-")
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty, rest.count <= 4, rest.allSatisfy(\.isASCIIDigit) else { return nil }
        let exponent = rest.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        return power(10, exponentNegative ? -exponent : exponent)
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
