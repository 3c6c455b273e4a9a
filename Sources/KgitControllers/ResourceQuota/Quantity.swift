import Foundation

/// A resource quantity (`500m`, `2`, `128Mi`, `1.5Gi`, `1e3`) held exactly in thousandths, enough for
/// CPU in millicores and memory in bytes up to petabytes.
public struct Quantity: Sendable, Hashable, Comparable {
    /// The value times 1000, rounded up as upstream rounds sub-milli precision.
    public var millis: Int64

    /// A quantity of `millis` thousandths.
    public init(millis: Int64) { self.millis = millis }

    /// Parses Kubernetes quantity syntax; nil when malformed or out of range.
    public init?(parsing text: String) {
        let s = text.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { return nil }
        let suffixes: [(String, Double)] = [
            ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776),
            ("Pi", 1_125_899_906_842_624), ("Ei", 1_152_921_504_606_846_976),
            ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15), ("E", 1e18),
        ]
        var number = s
        var factor = 1.0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }), s.index(after: e) < s.endIndex,
           let exponent = Int(s[s.index(after: e)...])
        {
            number = String(s[..<e])
            factor = pow(10, Double(exponent))
        } else {
            for (suffix, f) in suffixes where s.hasSuffix(suffix) {
                number = String(s.dropLast(suffix.count))
                factor = f
                break
            }
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." || $0 == "+" || $0 == "-" }),
              let value = Double(number)
        else { return nil }
        let scaled = (value * factor * 1000).rounded(.up)
        guard scaled.isFinite, abs(scaled) < 9.2e18 else { return nil }
        millis = Int64(scaled)
    }

    /// Adds two quantities.
    public static func + (a: Quantity, b: Quantity) -> Quantity { Quantity(millis: a.millis &+ b.millis) }

    /// Orders by value.
    public static func < (a: Quantity, b: Quantity) -> Bool { a.millis < b.millis }

    /// The canonical text: whole numbers plainly (with the largest exact binary suffix when `binary`),
    /// fractions in `m`.
    public func formatted(binary: Bool) -> String {
        if millis % 1000 != 0 { return "\(millis)m" }
        let whole = millis / 1000
        if binary && whole != 0 {
            for (suffix, f) in [("Ei", Int64(1) << 60), ("Pi", Int64(1) << 50), ("Ti", Int64(1) << 40), ("Gi", Int64(1) << 30),
                                ("Mi", Int64(1) << 20), ("Ki", Int64(1) << 10)] where whole % f == 0 {
                return "\(whole / f)\(suffix)"
            }
        }
        return "\(whole)"
    }
}
