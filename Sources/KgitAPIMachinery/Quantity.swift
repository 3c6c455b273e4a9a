/// A Kubernetes resource quantity (`100m`, `1.5`, `512Mi`, `2e3`, `1G`), read with the API machinery's
/// grammar and kept exactly: a decimal mantissa, a power of ten and a power of two, so `0.1` and `100m`
/// are the same quantity, and so are `1Gi` and `1024Mi`.
///
///     quantity        ::= signedNumber suffix
///     signedNumber    ::= number | "+" number | "-" number
///     number          ::= digits | digits "." digits | digits "." | "." digits
///     suffix          ::= binarySI | decimalExponent | decimalSI
///     binarySI        ::= "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei"
///     decimalSI       ::= "n" | "u" | "m" | "" | "k" | "M" | "G" | "T" | "P" | "E"
///     decimalExponent ::= "e" exponent | "E" exponent   (an optional sign, then 1 to 4 digits)
///
/// The schema validator, KGL's quantity bounds, CEL's `quantity()`, the scheduler, the quota admission
/// plugin and controller all read quantities through this one type. Digits beyond 64 bits of mantissa
/// are dropped (the magnitude is kept); the integer views saturate at `Int64.max`.
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The text the quantity was parsed from (for `init(millis:)`, its canonical decimal text).
    public let text: String
    /// Whether the quantity is below zero (a zero is never negative).
    public let isNegative: Bool
    /// The digits without the decimal point.
    let mantissa: Int64
    /// The power of ten the mantissa is multiplied by.
    let decimalExponent: Int
    /// The power of two the mantissa is multiplied by (10 per binary suffix step: Ki, Mi, ...).
    let binaryExponent: Int

    /// The longest text accepted (upstream's quantities are short; this bounds the work on bad input).
    public static let maximumLength = 128

    /// Parses quantity text; the error names what is wrong with it.
    public init(parsing text: String) throws(QuantityError) {
        let utf8 = text.utf8
        guard !utf8.isEmpty else { throw QuantityError(text: text, problem: "it is empty") }
        guard utf8.count <= Self.maximumLength else {
            throw QuantityError(text: text, problem: "it is longer than \(Self.maximumLength) characters")
        }
        var index = utf8.startIndex
        var negative = false
        if utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-") {
            negative = utf8[index] == UInt8(ascii: "-")
            index = utf8.index(after: index)
        }
        var mantissa: Int64 = 0
        var digits = 0
        var fractionDigits = 0
        var droppedDigits = 0
        var sawPoint = false
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
                if mantissa <= (Int64.max - 9) / 10 {
                    mantissa = mantissa * 10 + Int64(byte - UInt8(ascii: "0"))
                    if sawPoint { fractionDigits += 1 }
                } else if !sawPoint {
                    droppedDigits += 1  // beyond 64 bits: keep the magnitude, lose the precision
                }
            } else if byte == UInt8(ascii: ".") {
                if sawPoint { throw QuantityError(text: text, problem: "it has more than one decimal point") }
                sawPoint = true
            } else {
                break
            }
            index = utf8.index(after: index)
        }
        guard digits > 0 else { throw QuantityError(text: text, problem: "it has no digits") }
        guard let (decimal, binary) = Self.suffix(utf8[index...]) else {
            throw QuantityError(text: text, problem: "unknown suffix \"\(String(decoding: utf8[index...], as: UTF8.self))\"")
        }
        self.text = text
        self.isNegative = negative && mantissa != 0
        self.mantissa = mantissa
        self.decimalExponent = decimal + droppedDigits - fractionDigits
        self.binaryExponent = binary
    }

    /// A quantity written in JSON as a string (`"100m"`) or a number (`2`, `0.5`); nil for anything
    /// else and for text that is not a quantity.
    public init?(json: JSONValue?) {
        let text: String
        switch json {
        case .string(let s): text = s
        case .int(let i): text = String(i)
        case .double(let d): text = String(d)
        default: return nil
        }
        guard let parsed = try? Quantity(parsing: text) else { return nil }
        self = parsed
    }

    /// `millis` thousandths of a unit; its text is the canonical decimal form (`1500m`, `2`).
    public init(millis: Int64) {
        text = Self.format(millis: millis, binary: false)
        isNegative = millis < 0
        mantissa = millis == Int64.min ? Int64.max : abs(millis)
        decimalExponent = -3
        binaryExponent = 0
    }

    /// The quantity in thousandths of a unit, rounded up (away from zero), saturating: upstream's
    /// `MilliValue()` (CPU in millicores).
    public var milliValue: Int64 { scaled(by: 3) }

    /// The quantity in whole units, rounded up (away from zero), saturating: upstream's `Value()`
    /// (memory and storage in bytes, counts).
    public var value: Int64 { scaled(by: 0) }

    /// The quantity as a floating-point number (exact for the common cases).
    public var doubleValue: Double {
        let magnitude = Double(mantissa) * Self.power(2, binaryExponent) * Self.power(10, decimalExponent)
        return isNegative ? -magnitude : magnitude
    }

    /// The text the quantity was written as.
    public var description: String { text }

    /// The sum, in thousandths (finer amounts are rounded up first, as `milliValue` does), saturating.
    public static func + (lhs: Quantity, rhs: Quantity) -> Quantity {
        let (sum, overflow) = lhs.milliValue.addingReportingOverflow(rhs.milliValue)
        return Quantity(millis: overflow ? (lhs.isNegative ? -Int64.max : Int64.max) : sum)
    }

    /// The canonical text of `milliValue`: thousandths as `1500m`, whole numbers plainly, and with
    /// `binary` (memory, storage) the largest exact binary suffix (`256Mi`).
    public func formatted(binary: Bool) -> String { Self.format(millis: milliValue, binary: binary) }

    static func format(millis: Int64, binary: Bool) -> String {
        if millis % 1000 != 0 { return "\(millis)m" }
        let whole = millis / 1000
        if binary && whole != 0 {
            for shift in stride(from: 60, through: 10, by: -10) where whole % (Int64(1) << Int64(shift)) == 0 {
                return "\(whole >> Int64(shift))\(["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][shift / 10 - 1])"
            }
        }
        return "\(whole)"
    }

    // MARK: - Comparison

    public static func == (lhs: Quantity, rhs: Quantity) -> Bool { lhs.normalized == rhs.normalized }

    public func hash(into hasher: inout Hasher) {
        let n = normalized
        hasher.combine(n.negative)
        hasher.combine(n.mantissa)
        hasher.combine(n.decimal)
        hasher.combine(n.binary)
    }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool {
        let l = lhs.normalized, r = rhs.normalized
        if l.negative != r.negative { return l.negative }
        if l.binary != 0 || r.binary != 0 { return lhs.doubleValue < rhs.doubleValue }
        let smallerMagnitude = Self.magnitudeLess(l.mantissa, l.decimal, r.mantissa, r.decimal)
        let largerMagnitude = Self.magnitudeLess(r.mantissa, r.decimal, l.mantissa, l.decimal)
        return l.negative ? largerMagnitude : smallerMagnitude
    }

    /// Whether m1 × 10^d1 < m2 × 10^d2, for non-negative mantissas.
    private static func magnitudeLess(_ m1: Int64, _ d1: Int, _ m2: Int64, _ d2: Int) -> Bool {
        if d1 >= d2 {
            guard let scaled = multiply(m1, byPowerOfTen: d1 - d2) else { return false }  // overflow: m1 side is larger
            return scaled < m2
        }
        guard let scaled = multiply(m2, byPowerOfTen: d2 - d1) else { return true }
        return m1 < scaled
    }

    private static func multiply(_ value: Int64, byPowerOfTen exponent: Int) -> Int64? {
        var result = value
        for _ in 0..<exponent {
            let (next, overflow) = result.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            result = next
        }
        return result
    }

    /// One spelling per value: powers of two folded into the mantissa while it fits, trailing zeros
    /// moved into the power of ten, zero without sign or exponents.
    private var normalized: (negative: Bool, mantissa: Int64, decimal: Int, binary: Int) {
        if mantissa == 0 { return (false, 0, 0, 0) }
        var m = mantissa, decimal = decimalExponent, binary = binaryExponent
        while binary > 0 {
            let (doubled, overflow) = m.multipliedReportingOverflow(by: 2)
            if overflow { break }
            m = doubled
            binary -= 1
        }
        while m % 10 == 0 {
            m /= 10
            decimal += 1
        }
        return (isNegative, m, decimal, binary)
    }

    // MARK: - Reading

    /// The powers of ten and two a suffix stands for; nil when it is not one of the grammar's.
    private static func suffix(_ suffix: Substring.UTF8View) -> (decimal: Int, binary: Int)? {
        var bytes = suffix.makeIterator()
        guard let first = bytes.next() else { return (0, 0) }
        let second = bytes.next()
        if second == nil {
            switch first {
            case UInt8(ascii: "n"): return (-9, 0)
            case UInt8(ascii: "u"): return (-6, 0)
            case UInt8(ascii: "m"): return (-3, 0)
            case UInt8(ascii: "k"): return (3, 0)
            case UInt8(ascii: "M"): return (6, 0)
            case UInt8(ascii: "G"): return (9, 0)
            case UInt8(ascii: "T"): return (12, 0)
            case UInt8(ascii: "P"): return (15, 0)
            case UInt8(ascii: "E"): return (18, 0)
            default: return nil
            }
        }
        if second == UInt8(ascii: "i"), bytes.next() == nil {
            switch first {
            case UInt8(ascii: "K"): return (0, 10)
            case UInt8(ascii: "M"): return (0, 20)
            case UInt8(ascii: "G"): return (0, 30)
            case UInt8(ascii: "T"): return (0, 40)
            case UInt8(ascii: "P"): return (0, 50)
            case UInt8(ascii: "E"): return (0, 60)
            default: return nil
            }
        }
        guard first == UInt8(ascii: "e") || first == UInt8(ascii: "E") else { return nil }
        var rest = suffix.dropFirst()
        var negative = false
        if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty, rest.count <= 4,
            rest.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        let exponent = rest.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        return (negative ? -exponent : exponent, 0)
    }

    /// mantissa × 2^binary × 10^(decimal + extra), rounded up in magnitude, saturating.
    private func scaled(by extraDecimal: Int) -> Int64 {
        if mantissa == 0 { return 0 }
        var magnitude = mantissa
        for _ in 0..<binaryExponent {
            let (doubled, overflow) = magnitude.multipliedReportingOverflow(by: 2)
            if overflow { return isNegative ? -Int64.max : Int64.max }
            magnitude = doubled
        }
        let exponent = decimalExponent + extraDecimal
        if exponent >= 0 {
            guard let scaled = Self.multiply(magnitude, byPowerOfTen: exponent) else {
                return isNegative ? -Int64.max : Int64.max
            }
            magnitude = scaled
        } else {
            guard let divisor = Self.multiply(1, byPowerOfTen: -exponent) else { return isNegative ? -1 : 1 }
            let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: divisor)
            magnitude = quotient + (remainder == 0 ? 0 : 1)
        }
        return isNegative ? -magnitude : magnitude
    }

    private static func power(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= base }
        return exponent < 0 ? 1 / result : result
    }
}

/// Why a quantity could not be parsed.
public struct QuantityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text that was refused.
    public var text: String
    /// What is wrong with it.
    public var problem: String

    /// A quantity error naming the refused `text` and its `problem`.
    public init(text: String, problem: String) {
        self.text = text
        self.problem = problem
    }

    /// A sentence naming the text and the problem.
    public var description: String { "quantity \"\(text)\" is invalid: \(problem)" }
}
