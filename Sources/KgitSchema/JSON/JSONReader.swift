/// An error in a JSON text: what was wrong and at which byte offset.
struct JSONError: Error, Sendable, CustomStringConvertible {
    var message: String
    var offset: Int
    var description: String { "byte \(offset): \(message)" }
}

/// A small, allocation-light JSON reader over UTF-8 bytes.
///
/// It exists because the built-in schema resource is read on every `kgit validate` start, and
/// Foundation's `JSONSerialization` builds bridged objects that are slower to read and to walk. Besides
/// `parse()`, `skipValue()` steps over a value without building it, which the catalog uses to index
/// the 707 definitions by byte range and parse each one only when a document needs it.
struct JSONReader {
    private let bytes: [UInt8]
    private(set) var position: Int
    private let end: Int

    init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        self.position = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    /// Parses one complete JSON value spanning the whole input (or range).
    static func parse(_ bytes: [UInt8], range: Range<Int>? = nil) throws(JSONError) -> JSONValue {
        var reader = JSONReader(bytes, range: range)
        let value = try reader.parseValue()
        reader.skipWhitespace()
        if reader.position != reader.end { throw reader.error("unexpected text after the value") }
        return value
    }

    /// Parses the first JSON value in the input (or range), ignoring what follows it.
    static func parseFirstValue(_ bytes: [UInt8], range: Range<Int>) throws(JSONError) -> JSONValue {
        var reader = JSONReader(bytes, range: range)
        return try reader.parseValue()
    }

    // MARK: - Values

    mutating func parseValue() throws(JSONError) -> JSONValue {
        skipWhitespace()
        guard position < end else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var members: [(String, JSONValue)] = []
            skipWhitespace()
            if peek(UInt8(ascii: "}")) { position += 1; return .object(members) }
            while true {
                skipWhitespace()
                let key = try parseString()
                try expect(UInt8(ascii: ":"))
                let value = try parseValue()
                members.append((key, value))
                skipWhitespace()
                if peek(UInt8(ascii: ",")) { position += 1; continue }
                try expect(UInt8(ascii: "}"))
                return .object(members)
            }
        case UInt8(ascii: "["):
            position += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if peek(UInt8(ascii: "]")) { position += 1; return .array(items) }
            while true {
                items.append(try parseValue())
                skipWhitespace()
                if peek(UInt8(ascii: ",")) { position += 1; continue }
                try expect(UInt8(ascii: "]"))
                return .array(items)
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return .null
        default:
            return .number(try parseNumber())
        }
    }

    /// Steps over one value without building it.
    mutating func skipValue() throws(JSONError) {
        skipWhitespace()
        guard position < end else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while position < end {
                let byte = bytes[position]
                switch byte {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    position += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    position += 1
                    if depth == 0 { return }
                case UInt8(ascii: "\""):
                    try skipString()
                default:
                    position += 1
                }
            }
            throw error("unterminated collection")
        case UInt8(ascii: "\""):
            try skipString()
        default:
            _ = try parseValue()
        }
    }

    /// Reads an object's members one at a time, calling `body` with each key; `body` must consume the
    /// member's value (with `parseValue` or `skipValue`).
    mutating func forEachMember(_ body: (inout JSONReader, String) throws(JSONError) -> Void) throws(JSONError) {
        skipWhitespace()
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek(UInt8(ascii: "}")) { position += 1; return }
        while true {
            skipWhitespace()
            let key = try parseString()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            try body(&self, key)
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { position += 1; continue }
            try expect(UInt8(ascii: "}"))
            return
        }
    }

    // MARK: - Pieces

    mutating func skipWhitespace() {
        while position < end {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private func peek(_ byte: UInt8) -> Bool { position < end && bytes[position] == byte }

    private mutating func expect(_ byte: UInt8) throws(JSONError) {
        skipWhitespace()
        guard peek(byte) else {
            throw error("expected `\(Character(Unicode.Scalar(byte)))`")
        }
        position += 1
    }

    private mutating func expectWord(_ word: StaticString) throws(JSONError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= end else { throw error("unexpected end of input") }
        let matches = word.withUTF8Buffer { buffer in
            for index in 0..<count where bytes[position + index] != buffer[index] { return false }
            return true
        }
        guard matches else { throw error("invalid literal") }
        position += count
    }

    private func error(_ message: String) -> JSONError { JSONError(message: message, offset: position) }

    private mutating func skipString() throws(JSONError) {
        position += 1
        while position < end {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { position += 1; return }
            position += byte == UInt8(ascii: "\\") ? 2 : 1
        }
        throw error("unterminated string")
    }

    mutating func parseString() throws(JSONError) -> String {
        guard peek(UInt8(ascii: "\"")) else { throw error("expected a string") }
        position += 1
        let start = position
        // Fast path: no escapes.
        while position < end {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: bytes[start..<position], as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            position += 1
        }
        var scratch = Array(bytes[start..<position])
        while position < end {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            guard byte == UInt8(ascii: "\\") else {
                scratch.append(byte)
                position += 1
                continue
            }
            position += 1
            guard position < end else { break }
            let escaped = bytes[position]
            position += 1
            switch escaped {
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                if (0xD800..<0xDC00).contains(scalar), position + 1 < end, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                {
                    position += 2
                    let low = try readHex4()
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low &- 0xDC00)
                }
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                scratch.append(contentsOf: Array(String(character).utf8))
            default: scratch.append(escaped)
            }
        }
        throw error("unterminated string")
    }

    private mutating func readHex4() throws(JSONError) -> UInt32 {
        guard position + 4 <= end else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONError) -> Double {
        let start = position
        while position < end {
            switch bytes[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                position += 1
            default:
                break
            }
            if position < end, !Self.isNumberByte(bytes[position]) { break }
        }
        guard position > start, let value = Double(String(decoding: bytes[start..<position], as: UTF8.self)) else {
            position = start
            throw error("invalid value")
        }
        return value
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
            UInt8(ascii: "e"), UInt8(ascii: "E"):
            return true
        default:
            return false
        }
    }
}
