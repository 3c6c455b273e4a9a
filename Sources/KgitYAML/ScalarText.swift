/// How `YAMLEmitter` writes one scalar: plain when that is unambiguous, double-quoted otherwise, or
/// as a literal block for multi-line strings.
enum ScalarText {
    /// The scalar as single-line YAML text.
    static func singleLine(_ scalar: Node.Scalar) -> String {
        switch scalar.value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d): return NumberFormat.yaml(d)
        case .string(let text): return canBePlain(text) ? text : doubleQuoted(text)
        }
    }

    /// True when `text` written plain reads back as the same string, under go-yaml v2 and YAML 1.2
    /// rules alike, and does not look like a number, date or time (which other readers might take
    /// for one: `1e3`, `1:30`, `2024-01-02`).
    static func canBePlain(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { bytes -> Bool in
            guard let first = bytes.first, let last = bytes.last else { return false }
            // Indicators that cannot start a plain scalar ("-" is fine before a non-space).
            switch first {
            case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
                UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"),
                UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""),
                UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: " "):
                return false
            case UInt8(ascii: "-"):
                if bytes.count == 1 || bytes[1] == UInt8(ascii: " ") { return false }
                if bytes.count >= 3 && bytes[1] == UInt8(ascii: "-") && bytes[2] == UInt8(ascii: "-") { return false }
            case UInt8(ascii: "."):
                if bytes.count >= 3 && bytes[1] == UInt8(ascii: ".") && bytes[2] == UInt8(ascii: ".") { return false }
            default:
                break
            }
            if last == UInt8(ascii: " ") || last == UInt8(ascii: ":") { return false }
            if ScalarResolver.equals(bytes, "<<") { return false }
            var previous: UInt8 = 0
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b < 0x20 || b == 0x7F { return false }
                if b == UInt8(ascii: "#") && previous == UInt8(ascii: " ") { return false }
                if b == UInt8(ascii: " ") && previous == UInt8(ascii: ":") { return false }
                if b == 0xC2 && i + 1 < bytes.count && bytes[i + 1] < 0xA0 { return false }  // C1 controls, NEL
                if b == 0xE2 && i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9) {
                    return false  // line and paragraph separators
                }
                if b == 0xEF && i + 2 < bytes.count
                    && ((bytes[i + 1] == 0xBB && bytes[i + 2] == 0xBF) || (bytes[i + 1] == 0xBF && bytes[i + 2] >= 0xBE))
                {
                    return false  // BOM, U+FFFE, U+FFFF
                }
                previous = b
                i += 1
            }
            if ScalarResolver.resolveYAML11(bytes) != nil || ScalarResolver.resolveCore12(bytes) != nil { return false }
            return !looksNumeric(bytes)
        }
    }

    /// Text made only of digits and the characters of numbers, dates and times, starting like a
    /// number: quoted so that no reader takes it for one.
    private static func looksNumeric(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first else { return false }
        let startsLikeNumber =
            (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) || first == UInt8(ascii: "+")
            || first == UInt8(ascii: "-") || first == UInt8(ascii: ".")
        guard startsLikeNumber else { return false }
        for b in bytes {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "o"),
                UInt8(ascii: "O"), UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "z"), UInt8(ascii: "Z"),
                UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "+"), UInt8(ascii: "-"),
                UInt8(ascii: " "):
                continue
            default:
                return false
            }
        }
        return true
    }

    /// `text` as a double-quoted YAML scalar, escaping what YAML requires or cannot show raw.
    static func doubleQuoted(_ text: String) -> String {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x22: out.append(contentsOf: "\\\"".utf8)
            case 0x5C: out.append(contentsOf: "\\\\".utf8)
            case 0x00: out.append(contentsOf: "\\0".utf8)
            case 0x07: out.append(contentsOf: "\\a".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0B: out.append(contentsOf: "\\v".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x1B: out.append(contentsOf: "\\e".utf8)
            case 0x85: out.append(contentsOf: "\\N".utf8)
            case 0x2028: out.append(contentsOf: "\\L".utf8)
            case 0x2029: out.append(contentsOf: "\\P".utf8)
            case 0x01...0x1F, 0x7F...0x9F, 0xFEFF, 0xFFFE, 0xFFFF:
                out.append(contentsOf: "\\u".utf8)
                out.append(contentsOf: hex4(v).utf8)
            default:
                out.append(contentsOf: String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }

    static func hex4(_ v: UInt32) -> String {
        let hex = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// `text` as a literal block scalar (header line, then each line indented by `indent` spaces), or
    /// nil when a literal block cannot hold it exactly: single-line text, text with characters that
    /// need escaping (carriage returns, control characters), or text that is only line breaks.
    static func literalBlock(_ text: String, indent: Int) -> String? {
        var hasNewline = false
        var hasContent = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: hasNewline = true
            case 0x09: hasContent = true
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF: return nil
            default: hasContent = true
            }
        }
        guard hasNewline && hasContent else { return nil }
        var trailingNewlines = 0
        for b in text.utf8.reversed() {
            if b == 0x0A { trailingNewlines += 1 } else { break }
        }
        var header = "|"
        // An explicit indentation indicator when the first line starts with a space (or is empty),
        // since the reader would otherwise guess the indentation from it.
        if let first = text.utf8.first, first == UInt8(ascii: " ") || first == 0x0A || first == 0x09 {
            header += "2"
        }
        header += trailingNewlines == 0 ? "-" : trailingNewlines == 1 ? "" : "+"
        var out = Array(header.utf8)
        out.append(0x0A)
        let body = trailingNewlines > 0 ? text.utf8.dropLast(trailingNewlines) : text.utf8[...]
        for line in body.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if !line.isEmpty {
                for _ in 0..<indent { out.append(0x20) }
                out.append(contentsOf: line)
            }
            out.append(0x0A)
        }
        // Kept trailing line breaks beyond the one that ends the last line.
        if trailingNewlines > 1 {
            for _ in 1..<trailingNewlines { out.append(0x0A) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
