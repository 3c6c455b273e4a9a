/// Checks for the string formats the built-in schemas declare.
enum Formats {
    /// RFC 3339 date-time: `2024-05-01T12:00:00Z`, `2024-05-01T12:00:00.5+02:00`.
    static func isDateTime(_ text: String) -> Bool {
        let b = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Bool { range.upperBound <= b.count && b[range].allSatisfy(\.isASCIIDigit) }
        guard b.count >= 20, digits(0..<4), b[4] == UInt8(ascii: "-"), digits(5..<7), b[7] == UInt8(ascii: "-"),
            digits(8..<10), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
            digits(11..<13), b[13] == UInt8(ascii: ":"), digits(14..<16), b[16] == UInt8(ascii: ":"), digits(17..<19)
        else { return false }
        var index = 19
        if b[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < b.count, b[index].isASCIIDigit { index += 1 }
            guard index > start else { return false }
        }
        guard index < b.count else { return false }
        if b[index] == UInt8(ascii: "Z") || b[index] == UInt8(ascii: "z") { return index + 1 == b.count }
        guard b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-"), index + 6 == b.count,
            digits(index + 1..<index + 3), b[index + 3] == UInt8(ascii: ":"), digits(index + 4..<index + 6)
        else { return false }
        return true
    }

    /// Standard base64 with padding (what Kubernetes expects for `format: byte`); whitespace is ignored.
    static func isBase64(_ text: String) -> Bool {
        var count = 0
        var padding = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "), 0x0A, 0x0D, 0x09: continue
            case UInt8(ascii: "="):
                padding += 1
            case _ where byte.isASCIILetter || byte.isASCIIDigit || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/"):
                if padding > 0 { return false }
            default:
                return false
            }
            count += 1
        }
        return count % 4 == 0 && padding <= 2
    }
}
