/// Checks that bytes are well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
enum UTF8Validator {
    /// The byte offset of the first malformed sequence, or nil when all of `bytes` is valid.
    static func firstInvalidOffset(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        check(bytes).invalidAt
    }

    /// The byte offset of the first malformed sequence (nil when valid), and whether every byte
    /// before it is ASCII.
    static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> (invalidAt: Int?, isASCII: Bool) {
        var isASCII = true
        guard let base = bytes.baseAddress else { return (nil, true) }
        let count = bytes.count
        var i = 0
        while i < count {
            // ASCII fast path: eight bytes at a time while none has its high bit set.
            while i + 8 <= count {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            if i >= count { return (nil, isASCII) }
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            isASCII = false
            let width: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: width = 2
            case 0xE0: width = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: width = 3
            case 0xED: width = 3; high = 0x9F
            case 0xF0: width = 4; low = 0x90
            case 0xF1...0xF3: width = 4
            case 0xF4: width = 4; high = 0x8F
            default: return (i, false)
            }
            if i + width > count { return (i, false) }
            let second = bytes[i + 1]
            if second < low || second > high { return (i, false) }
            var k = 2
            while k < width {
                if bytes[i + k] & 0xC0 != 0x80 { return (i, false) }
                k += 1
            }
            i += width
        }
        return (nil, isASCII)
    }
}
