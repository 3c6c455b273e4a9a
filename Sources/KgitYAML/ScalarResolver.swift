/// Resolves scalar text to a `ScalarValue` the way Kubernetes does: sigs.k8s.io/yaml decodes with
/// go-yaml v2, which applies YAML 1.1 rules.
///
/// The rules, for a plain scalar without a tag:
/// - `~`, `null`, `Null`, `NULL` and the empty scalar are null;
/// - `y`, `yes`, `true`, `on` (and `n`, `no`, `false`, `off`), each in lower, Capitalized and UPPER
///   case, are booleans;
/// - `.inf`, `+.inf`, `-.inf`, `.nan` (same three cases) are floats;
/// - after removing every `_`, text that Go's `strconv.ParseInt(s, 0, 64)` accepts is an integer:
///   optional sign, then decimal, `0x` hex, `0o` octal, `0b` binary, or a leading `0` meaning octal;
///   integers past the signed 64-bit range (up to 2^64-1) become floats here, since `ScalarValue`
///   has no unsigned case;
/// - otherwise text matching `[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?` (note: the exponent needs a
///   sign) or `\.[0-9]+([eE][-+]?[0-9]+)?` is a float, unless it overflows a Double;
/// - everything else is a string. Sexagesimal (`1:30`) and timestamps stay strings: go-yaml v2
///   dropped base 60 on purpose and hands timestamps to untyped decoding as strings.
///
/// A plain scalar is `yaml11Coerced` when it resolves to a non-string that differs from what the
/// YAML 1.2 core schema gives the same text (`yes` is a string there, `0755` is 755, `1_000` is a
/// string): exactly the values a reader of modern YAML would not expect.
enum ScalarResolver {
    /// The outcome of resolving a plain scalar: nil `value` means "a string".
    struct Resolution: Equatable {
        var value: ScalarValue?
        var coerced: Bool
    }

    /// Resolves a plain, untagged scalar.
    ///
    /// Inlined for the two commonest cases, which it settles without a call: text whose first byte
    /// starts no non-string value (most keys and names), and an unsigned decimal integer without a
    /// leading zero (ports, replicas), which both schemas read alike (so it is not coerced).
    @inline(__always)
    static func resolvePlain(_ text: UnsafeBufferPointer<UInt8>) -> Resolution {
        if let first = text.first, !mayStartNonString(first) { return Resolution(value: nil, coerced: false) }
        if let int = plainDecimal(text) { return Resolution(value: .int(int), coerced: false) }
        return resolvePlainInFull(text)
    }

    @inline(never)
    private static func resolvePlainInFull(_ text: UnsafeBufferPointer<UInt8>) -> Resolution {
        guard let value = resolveYAML11(text) else { return Resolution(value: nil, coerced: false) }
        let core = resolveCore12(text)
        return Resolution(value: value, coerced: !sameValue(value, core))
    }

    /// False when no plain scalar starting with `first` resolves to anything but a string: `first` is
    /// none of the bytes `resolveYAML11` looks further at (`~`, `.`, `+`, `-`, a digit, or the first
    /// letter of a word, `y n t f o` in either case). A bit set over the ASCII bytes.
    @inline(__always)
    static func mayStartNonString(_ first: UInt8) -> Bool {
        // Bits 0x2B '+', 0x2D '-', 0x2E '.', 0x30-0x39 '0'-'9'.
        let low: UInt64 = 1 << 0x2B | 1 << 0x2D | 1 << 0x2E | 0x3FF << 0x30
        // Bits (minus 64) of 'F' 'N' 'O' 'T' 'Y' 'f' 'n' 'o' 't' 'y' '~'.
        let high: UInt64 =
            1 << (0x46 - 64) | 1 << (0x4E - 64) | 1 << (0x4F - 64) | 1 << (0x54 - 64) | 1 << (0x59 - 64)
            | 1 << (0x66 - 64) | 1 << (0x6E - 64) | 1 << (0x6F - 64) | 1 << (0x74 - 64) | 1 << (0x79 - 64)
            | 1 << (0x7E - 64)
        if first < 64 { return low >> UInt64(first) & 1 != 0 }
        if first < 128 { return high >> UInt64(first &- 64) & 1 != 0 }
        return false
    }

    /// The value of `0` or of 1 to 18 decimal digits not starting with `0`, or nil for any other text.
    /// Such text resolves to that integer under YAML 1.1 (Go's `ParseInt`) and the 1.2 core schema
    /// alike, and cannot overflow.
    @inline(__always)
    static func plainDecimal(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = text.count
        guard count > 0, count <= 18, let base = text.baseAddress else { return nil }
        guard base[0] != UInt8(ascii: "0") || count == 1 else { return nil }
        var value = 0
        for i in 0..<count {
            let digit = base[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int(digit)
        }
        return value
    }

    /// Resolves a plain, untagged scalar given as a string (for tests and callers off the hot path).
    static func resolvePlain(_ text: String) -> Resolution {
        var copy = text
        return copy.withUTF8 { resolvePlain($0) }
    }

    /// The go-yaml v2 resolution of `text`, or nil when it is a string.
    static func resolveYAML11(_ s: UnsafeBufferPointer<UInt8>) -> ScalarValue? {
        guard let first = s.first else { return .null }
        switch first {
        case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"),
            UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"),
            UInt8(ascii: "o"), UInt8(ascii: "O"), UInt8(ascii: "~"):
            return lookupWord(s)
        case UInt8(ascii: "."):
            if let word = lookupWord(s) { return word }
            return parseDotFloat(s)
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if first != UInt8(ascii: "+") && first != UInt8(ascii: "-") {
                // Digits: no word starts with one.
            } else if let word = lookupWord(s) {
                return word
            }
            return parseNumber(s)
        default:
            return nil
        }
    }

    // MARK: - Words

    /// Every word with a non-string value, as the spec lists them (`lookupWord` encodes the same list).
    static let words: [(StaticString, ScalarValue)] = [
        ("y", .bool(true)), ("Y", .bool(true)), ("yes", .bool(true)), ("Yes", .bool(true)), ("YES", .bool(true)),
        ("true", .bool(true)), ("True", .bool(true)), ("TRUE", .bool(true)),
        ("on", .bool(true)), ("On", .bool(true)), ("ON", .bool(true)),
        ("n", .bool(false)), ("N", .bool(false)), ("no", .bool(false)), ("No", .bool(false)), ("NO", .bool(false)),
        ("false", .bool(false)), ("False", .bool(false)), ("FALSE", .bool(false)),
        ("off", .bool(false)), ("Off", .bool(false)), ("OFF", .bool(false)),
        ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null),
        (".nan", .float(.nan)), (".NaN", .float(.nan)), (".NAN", .float(.nan)),
        (".inf", .float(.infinity)), (".Inf", .float(.infinity)), (".INF", .float(.infinity)),
        ("+.inf", .float(.infinity)), ("+.Inf", .float(.infinity)), ("+.INF", .float(.infinity)),
        ("-.inf", .float(-.infinity)), ("-.Inf", .float(-.infinity)), ("-.INF", .float(-.infinity)),
    ]

    /// The value of `s` when it is one of `words`. The text (at most 5 bytes) is packed into an integer, its
    /// bytes from the low end and its length in the top byte, and matched against the packed words: one
    /// integer switch instead of comparing the text with each word. Tests check it against `words`.
    private static func lookupWord(_ s: UnsafeBufferPointer<UInt8>) -> ScalarValue? {
        guard s.count <= 5, !s.isEmpty else { return nil }
        var packed = UInt64(s.count) << 56
        for i in 0..<s.count { packed |= UInt64(s[i]) << UInt64(8 * i) }
        switch packed {
        case 0x0100000000000079, 0x0100000000000059, 0x0300000000736579, 0x0300000000736559, 0x0300000000534559,
            0x0400000065757274, 0x0400000065757254, 0x0400000045555254, 0x0200000000006E6F, 0x0200000000006E4F,
            0x0200000000004E4F:  // y Y yes Yes YES true True TRUE on On ON
            return .bool(true)
        case 0x010000000000006E, 0x010000000000004E, 0x0200000000006F6E, 0x0200000000006F4E, 0x0200000000004F4E,
            0x05000065736C6166, 0x05000065736C6146, 0x05000045534C4146, 0x030000000066666F, 0x030000000066664F,
            0x030000000046464F:  // n N no No NO false False FALSE off Off OFF
            return .bool(false)
        case 0x010000000000007E, 0x040000006C6C756E, 0x040000006C6C754E, 0x040000004C4C554E:  // ~ null Null NULL
            return .null
        case 0x040000006E616E2E, 0x040000004E614E2E, 0x040000004E414E2E:  // .nan .NaN .NAN
            return .float(.nan)
        case 0x04000000666E692E, 0x04000000666E492E, 0x04000000464E492E, 0x050000666E692E2B, 0x050000666E492E2B,
            0x050000464E492E2B:  // .inf .Inf .INF +.inf +.Inf +.INF
            return .float(.infinity)
        case 0x050000666E692E2D, 0x050000666E492E2D, 0x050000464E492E2D:  // -.inf -.Inf -.INF
            return .float(-.infinity)
        default:
            return nil
        }
    }

    static func equals(_ s: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard s.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for i in 0..<s.count where s[i] != w[i] { return false }
        return true
    }

    // MARK: - Numbers

    private static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    /// `.5`, `.5e3`, `.5E-3`: what Go's ParseFloat accepts when the text starts with a dot.
    private static func parseDotFloat(_ s: UnsafeBufferPointer<UInt8>) -> ScalarValue? {
        var i = 1
        let n = s.count
        let mantissaStart = i
        while i < n && isDigit(s[i]) { i += 1 }
        guard i > mantissaStart else { return nil }
        if i < n && (s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-")) { i += 1 }
            let exponentStart = i
            while i < n && isDigit(s[i]) { i += 1 }
            guard i > exponentStart else { return nil }
        }
        guard i == n else { return nil }
        return finiteDouble(s)
    }

    /// Integers (Go `ParseInt(s, 0, 64)` after removing `_`), then YAML-style floats.
    private static func parseNumber(_ s: UnsafeBufferPointer<UInt8>) -> ScalarValue? {
        guard s.contains(UInt8(ascii: "_")) else { return parseNumberWithoutUnderscores(s) }
        var plain: [UInt8] = []
        plain.reserveCapacity(s.count)
        for b in s where b != UInt8(ascii: "_") { plain.append(b) }
        return plain.withUnsafeBufferPointer { parseNumberWithoutUnderscores($0) }
    }

    private static func parseNumberWithoutUnderscores(_ plain: UnsafeBufferPointer<UInt8>) -> ScalarValue? {
        if let int = parseGoInteger(plain) { return int }
        if matchesYAMLFloat(plain) { return finiteDouble(plain) }
        return nil
    }

    /// Go's `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint` for values past Int64.max.
    static func parseGoInteger(_ s: UnsafeBufferPointer<UInt8>) -> ScalarValue? {
        var i = 0
        var negative = false
        if let first = s.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            i = 1
        }
        let body = s.count - i
        guard body > 0 else { return nil }
        var radix: UInt64 = 10
        if s[i] == UInt8(ascii: "0") {
            let marker = body >= 3 ? s[i + 1] | 0x20 : 0
            switch marker {
            case UInt8(ascii: "b"): radix = 2; i += 2
            case UInt8(ascii: "o"): radix = 8; i += 2
            case UInt8(ascii: "x"): radix = 16; i += 2
            default: radix = 8; i += 1
            }
        }
        var magnitude: UInt64 = 0
        while i < s.count {
            let c = s[i]
            let digit: UInt64
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(c - UInt8(ascii: "A") + 10)
            default: return nil
            }
            guard digit < radix else { return nil }
            let (times, o1) = magnitude.multipliedReportingOverflow(by: radix)
            let (plus, o2) = times.addingReportingOverflow(digit)
            guard !o1 && !o2 else { return nil }
            magnitude = plus
            i += 1
        }
        if negative {
            if magnitude <= UInt64(Int64.max) { return .int(-Int(magnitude)) }
            if magnitude == UInt64(Int64.max) + 1 { return .int(Int.min) }
            return nil
        }
        if magnitude <= UInt64(Int64.max) { return .int(Int(magnitude)) }
        // ParseUint accepts these only without a sign.
        if s.first == UInt8(ascii: "+") { return nil }
        return .float(Double(magnitude))
    }

    /// `^[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?$`, go-yaml v2's float pattern.
    static func matchesYAMLFloat(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = s.count
        if i < n && (s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-")) { i += 1 }
        // [0-9]*\.?[0-9]+ : digits, optionally a dot and more digits; at least one digit last.
        let intStart = i
        while i < n && isDigit(s[i]) { i += 1 }
        let intDigits = i - intStart
        if i < n && s[i] == UInt8(ascii: ".") {
            i += 1
            let fracStart = i
            while i < n && isDigit(s[i]) { i += 1 }
            if i == fracStart { return false }
        } else if intDigits == 0 {
            return false
        }
        if i < n && (s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E")) {
            i += 1
            guard i < n && (s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-")) else { return false }
            i += 1
            let expStart = i
            while i < n && isDigit(s[i]) { i += 1 }
            if i == expStart { return false }
        }
        return i == n
    }

    private static func finiteDouble(_ s: UnsafeBufferPointer<UInt8>) -> ScalarValue? {
        guard let d = Double(String(decoding: s, as: UTF8.self)), d.isFinite else { return nil }
        return .float(d)
    }

    // MARK: - YAML 1.2 core schema (for yaml11Coerced)

    /// The YAML 1.2 core schema resolution of a plain scalar, or nil for a string.
    static func resolveCore12(_ s: UnsafeBufferPointer<UInt8>) -> ScalarValue? {
        if s.isEmpty || equals(s, "~") || equals(s, "null") || equals(s, "Null") || equals(s, "NULL") { return .null }
        if equals(s, "true") || equals(s, "True") || equals(s, "TRUE") { return .bool(true) }
        if equals(s, "false") || equals(s, "False") || equals(s, "FALSE") { return .bool(false) }
        for (word, value) in words.suffix(12) where equals(s, word) { return value }
        let bytes = s
        let n = bytes.count
        // 0o[0-7]+ and 0x[0-9a-fA-F]+ (no sign, no underscores).
        if n >= 3 && bytes[0] == UInt8(ascii: "0") && (bytes[1] == UInt8(ascii: "o") || bytes[1] == UInt8(ascii: "x")) {
            return parseGoInteger(bytes).flatMap { if case .int = $0 { return $0 } else { return nil } }
        }
        // [-+]?[0-9]+ in decimal.
        var i = 0
        if bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-") { i = 1 }
        let digitsStart = i
        while i < n && isDigit(bytes[i]) { i += 1 }
        if i == n && i > digitsStart {
            var magnitude = 0
            var overflow = false
            for b in bytes[digitsStart...] {
                let (t, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (p, o2) = t.addingReportingOverflow(Int(b - UInt8(ascii: "0")))
                if o1 || o2 { overflow = true; break }
                magnitude = p
            }
            if overflow { return finiteDouble(bytes) }
            return .int(bytes[0] == UInt8(ascii: "-") ? -magnitude : magnitude)
        }
        // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
        i = digitsStart
        while i < n && isDigit(bytes[i]) { i += 1 }
        let intDigits = i - digitsStart
        if i < n && bytes[i] == UInt8(ascii: ".") {
            i += 1
            let fracStart = i
            while i < n && isDigit(bytes[i]) { i += 1 }
            if intDigits == 0 && i == fracStart { return nil }
        } else if intDigits == 0 {
            return nil
        }
        if i < n && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            let expStart = i
            while i < n && isDigit(bytes[i]) { i += 1 }
            if i == expStart { return nil }
        }
        guard i == n else { return nil }
        return finiteDouble(bytes)
    }

    /// Value equality where NaN equals NaN.
    private static func sameValue(_ a: ScalarValue, _ b: ScalarValue?) -> Bool {
        guard let b else { return false }
        if case .float(let x) = a, case .float(let y) = b, x.isNaN && y.isNaN { return true }
        return a == b
    }
}
