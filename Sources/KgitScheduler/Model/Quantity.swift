/// A Kubernetes resource quantity ("100m", "1.5", "512Mi", "2e3", "1G") reduced to the integers the
/// scheduler compares: thousandths of a unit (`milliValue`, used for CPU) or whole units rounded up
/// (`value`, used for memory, storage, pods and extended resources), as upstream's `MilliValue()` and
/// `Value()` do.
///
/// The number is kept as a decimal mantissa, a power of ten and a power of two (binary suffixes), so
/// "0.1" and "100m" are the same quantity exactly. Values too large for `Int64` saturate at `Int64.max`.
public struct Quantity: Sendable, Hashable, CustomStringConvertible {
    /// The text the quantity was parsed from.
    public let text: String
    /// Whether the quantity is negative.
    let negative: Bool
    /// The digits without the decimal point.
    let mantissa: Int64
    /// The power of ten the mantissa is multiplied by.
    let decimalExponent: Int
    /// The power of two the mantissa is multiplied by (10 per binary suffix step: Ki, Mi, ...).
    let binaryExponent: Int

    /// Parses quantity text; throws a message naming what is wrong.
    public init(parsing text: String) throws(QuantityError) {
        self.text = text
        var scalars = Substring(text).unicodeScalars[...]
        var negative = false
        if let first = scalars.first, first == "+" || first == "-" {
            negative = first == "-"
            scalars = scalars.dropFirst()
        }
        var mantissa: Int64 = 0
        var digits = 0
        var fractionDigits = 0
        var droppedDigits = 0
        var seenPoint = false
        while let c = scalars.first {
            if c == "." {
                if seenPoint { throw QuantityError(text: text, problem: "more than one decimal point") }
                seenPoint = true
            } else if let d = c.decimalDigit {
                digits += 1
                if mantissa <= (Int64.max - 9) / 10 {
                    mantissa = mantissa * 10 + Int64(d)
                    if seenPoint { fractionDigits += 1 }
                } else if !seenPoint {
                    droppedDigits += 1  // precision beyond Int64: keep the magnitude
                }
            } else {
                break
            }
            scalars = scalars.dropFirst()
        }
        guard digits > 0 else { throw QuantityError(text: text, problem: "no digits") }
        var decimalExponent = droppedDigits - fractionDigits
        var binaryExponent = 0
        let suffix = String(String.UnicodeScalarView(scalars))
        switch suffix {
        case "": break
        case "n": decimalExponent -= 9
        case "u": decimalExponent -= 6
        case "m": decimalExponent -= 3
        case "k": decimalExponent += 3
        case "M": decimalExponent += 6
        case "G": decimalExponent += 9
        case "T": decimalExponent += 12
        case "P": decimalExponent += 15
        case "E": decimalExponent += 18
        case "Ki": binaryExponent = 10
        case "Mi": binaryExponent = 20
        case "Gi": binaryExponent = 30
        case "Ti": binaryExponent = 40
        case "Pi": binaryExponent = 50
        case "Ei": binaryExponent = 60
        default:
            guard let marker = suffix.unicodeScalars.first, marker == "e" || marker == "E",
                let exponent = Int(suffix.dropFirst()), abs(exponent) < 1000
            else {
                throw QuantityError(text: text, problem: "unknown suffix \"\(suffix)\"")
            }
            decimalExponent += exponent
        }
        self.negative = negative
        self.mantissa = mantissa
        self.decimalExponent = decimalExponent
        self.binaryExponent = binaryExponent
    }

    /// The quantity in thousandths of a unit, rounded up (away from zero), saturating.
    public var milliValue: Int64 { scaled(by: 3) }

    /// The quantity in whole units, rounded up (away from zero), saturating.
    public var value: Int64 { scaled(by: 0) }

    /// The text the quantity was parsed from.
    public var description: String { text }

    /// mantissa × 2^binary × 10^(decimal + extra), rounded up in magnitude.
    private func scaled(by extraDecimal: Int) -> Int64 {
        if mantissa == 0 { return 0 }
        var magnitude = mantissa
        for _ in 0..<binaryExponent {
            let (doubled, overflow) = magnitude.multipliedReportingOverflow(by: 2)
            if overflow { return negative ? -Int64.max : Int64.max }
            magnitude = doubled
        }
        let exponent = decimalExponent + extraDecimal
        if exponent >= 0 {
            for _ in 0..<exponent {
                let (next, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                if overflow { return negative ? -Int64.max : Int64.max }
                magnitude = next
            }
        } else {
            var divisor: Int64 = 1
            for _ in 0..<(-exponent) {
                let (next, overflow) = divisor.multipliedReportingOverflow(by: 10)
                if overflow { return negative ? -1 : 1 }  // a tiny positive amount rounds up to one
                divisor = next
            }
            let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: divisor)
            magnitude = quotient + (remainder == 0 ? 0 : 1)
        }
        return negative ? -magnitude : magnitude
    }
}

/// Why a quantity could not be parsed.
public struct QuantityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text that was refused.
    public var text: String
    /// What is wrong with it.
    public var problem: String

    /// A sentence naming the text and the problem.
    public var description: String { "quantity \"\(text)\" is invalid: \(problem)" }
}

extension Unicode.Scalar {
    fileprivate var decimalDigit: Int? {
        value >= 48 && value <= 57 ? Int(value - 48) : nil
    }
}
