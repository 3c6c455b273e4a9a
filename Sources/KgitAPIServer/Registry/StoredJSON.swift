import KgitAPIMachinery

/// Serves stored objects without decoding them.
///
/// The registry stores every object as compact JSON with sorted keys and without
/// `metadata.resourceVersion` (``JSONValue/serializedBytes()``), and serves it with the key's
/// modRevision as resourceVersion and the requested version as `apiVersion`
/// (``Registry/decodeStored(_:as:encryption:)``). Decoding each object into a ``JSONValue`` and
/// encoding it again only to add those two fields was most of what a large list cost, so reads
/// splice them into the stored bytes instead:
///
/// ```
/// {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"d","uid":"…"},"spec":…}
///              ▲ replaced when it differs                   ▲ "resourceVersion":"42", inserted in key order
/// ```
///
/// The stored bytes are checked on the way (strict JSON, no whitespace, so the result is exactly
/// what decoding and encoding would produce for bytes the registry wrote). Anything else, such as
/// sealed secrets, whitespace, a missing `metadata` or `apiVersion`, or metadata keys whose order
/// cannot be compared bytewise, is refused (nil), and the caller decodes it the slow way.
enum StoredJSON {
    /// The deepest nesting accepted, as ``JSONParser``.
    static let maximumDepth = JSONParser.maximumDepth

    /// Appends the object stored as `bytes` to `out` as a read through `groupVersion` serves it with
    /// resourceVersion `revision`. Returns false, leaving `out` unchanged, when the bytes are not in
    /// the registry's form; the caller then decodes them (``Registry/decodeStored(_:as:encryption:)``).
    /// `groupVersion` nil keeps the stored apiVersion.
    static func append(_ bytes: [UInt8], revision: Int64, groupVersion: [UInt8]?, to out: inout [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(buffer)
            guard let plan = scanner.plan() else { return false }
            let insertAt: Int
            switch plan.insertion {
            case .beforeMember(let at), .atEnd(let at, _): insertAt = at
            }
            // The registry's keys are sorted, so apiVersion's value comes before metadata's members.
            guard plan.apiVersion.upperBound <= insertAt else { return false }
            out.reserveCapacity(out.count + buffer.count + 48)
            if let groupVersion, !UnsafeBufferPointer(rebasing: buffer[plan.apiVersion]).elementsEqual(groupVersion) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<plan.apiVersion.lowerBound]))
                out.append(contentsOf: groupVersion)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[plan.apiVersion.upperBound..<insertAt]))
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<insertAt]))
            }
            if case .atEnd(_, let empty) = plan.insertion, !empty { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: resourceVersionKey)
            appendDecimal(revision, to: &out)
            out.append(UInt8(ascii: "\""))
            if case .beforeMember = plan.insertion { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[insertAt...]))
            return true
        }
    }

    /// `"resourceVersion":"`, the start of the spliced member.
    static let resourceVersionKey = Array(#""resourceVersion":""#.utf8)

    /// Appends the decimal digits of `value` (as `String(value)` spells it).
    static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            out += Array(String(value).utf8)
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = UInt64(value)
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            out.append(contentsOf: raw[(20 - count)...])
        }
    }

    /// The JSON string encoding of `text` (what the registry writes for it).
    static func quoted(_ text: String) -> [UInt8] {
        JSONValue.string(text).serializedBytes()
    }

    /// Where `resourceVersion` goes in the stored metadata.
    enum Insertion: Equatable {
        /// Before the member whose key starts at this offset (the first key after `resourceVersion`).
        case beforeMember(Int)
        /// Before metadata's closing brace at this offset; `empty` when metadata has no members.
        case atEnd(Int, empty: Bool)
    }

    /// What the scan found: the byte range of the apiVersion value (with its quotes) and where
    /// resourceVersion goes.
    struct Plan {
        var apiVersion: Range<Int>
        var insertion: Insertion
    }

    /// A validating scanner over the stored bytes; every method returns nil (or false) on anything
    /// outside the registry's compact form.
    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        static let apiVersionKey = Array("apiVersion".utf8)
        static let metadataKey = Array("metadata".utf8)
        static let resourceVersionKey = Array("resourceVersion".utf8)
        /// The hex digits of the `\\u` escapes ``JSONValue`` writes: control characters other than
        /// tab, newline and return, `<`, `>`, `&`, U+2028 and U+2029.
        static let encoderEscapes: [[UInt8]] = {
            var escapes = (0..<0x20).filter { $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }.map { code in
                Array(("00" + (code < 0x10 ? "0" : "") + String(code, radix: 16)).utf8)
            }
            escapes += ["003c", "003e", "0026", "2028", "2029"].map { Array($0.utf8) }
            return escapes
        }()

        /// Scans the whole document: a top-level object with a string `apiVersion` and an object
        /// `metadata` whose keys are plain ASCII and do not include resourceVersion.
        mutating func plan() -> Plan? {
            guard peek() == UInt8(ascii: "{") else { return nil }
            index += 1
            var apiVersion: Range<Int>?
            var insertion: Insertion?
            if peek() == UInt8(ascii: "}") { return nil }
            while true {
                guard let key = scanString() else { return nil }
                guard peek() == UInt8(ascii: ":") else { return nil }
                index += 1
                let keyBytes = UnsafeBufferPointer(rebasing: bytes[(key.lowerBound + 1)..<(key.upperBound - 1)])
                if keyBytes.elementsEqual(Scanner.apiVersionKey) {
                    guard peek() == UInt8(ascii: "\""), let value = scanString() else { return nil }
                    apiVersion = value
                } else if keyBytes.elementsEqual(Scanner.metadataKey) {
                    guard let found = scanMetadata() else { return nil }
                    insertion = found
                } else {
                    guard skipValue(depth: 1) else { return nil }
                }
                guard let next = peek() else { return nil }
                index += 1
                if next == UInt8(ascii: ",") { continue }
                guard next == UInt8(ascii: "}") else { return nil }
                break
            }
            guard index == bytes.count, let apiVersion, let insertion else { return nil }
            return Plan(apiVersion: apiVersion, insertion: insertion)
        }

        /// Scans the metadata object, returning where resourceVersion belongs among its sorted keys.
        mutating func scanMetadata() -> Insertion? {
            guard peek() == UInt8(ascii: "{") else { return nil }
            index += 1
            if peek() == UInt8(ascii: "}") {
                defer { index += 1 }
                return .atEnd(index, empty: true)
            }
            var insertion: Insertion?
            while true {
                let keyStart = index
                guard let key = scanString() else { return nil }
                let keyBytes = UnsafeBufferPointer(rebasing: bytes[(key.lowerBound + 1)..<(key.upperBound - 1)])
                // Escaped or non-ASCII keys might not sort bytewise as the encoder sorts them.
                guard !keyBytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 >= 0x80 }) else { return nil }
                if keyBytes.elementsEqual(Scanner.resourceVersionKey) { return nil }
                if insertion == nil, keyBytes.lexicographicallyPrecedes(Scanner.resourceVersionKey) == false {
                    insertion = .beforeMember(keyStart)
                }
                guard peek() == UInt8(ascii: ":") else { return nil }
                index += 1
                guard skipValue(depth: 2) else { return nil }
                guard let next = peek() else { return nil }
                if next == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard next == UInt8(ascii: "}") else { return nil }
                defer { index += 1 }
                return insertion ?? .atEnd(index, empty: false)
            }
        }

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        /// Whether `b` stands for itself inside a string the encoder wrote: printable ASCII other than
        /// `"`, `\\`, `<`, `>` and `&` (a bitmap per 64 byte values).
        @inline(__always)
        static func isPlain(_ b: UInt8) -> Bool {
            let low: UInt64 = 0xFFFF_FFFF_0000_0000 & ~(1 << 0x22 | 1 << 0x26 | 1 << 0x3C | 1 << 0x3E)
            let high: UInt64 = ~(1 << (0x5C - 64))
            if b < 64 { return (low >> UInt64(b)) & 1 == 1 }
            if b < 128 { return (high >> UInt64(b - 64)) & 1 == 1 }
            return false
        }

        /// Skips one value of any type.
        mutating func skipValue(depth: Int) -> Bool {
            guard depth < StoredJSON.maximumDepth, let first = peek() else { return false }
            switch first {
            case UInt8(ascii: "\""):
                return scanString() != nil
            case UInt8(ascii: "{"):
                index += 1
                if peek() == UInt8(ascii: "}") {
                    index += 1
                    return true
                }
                while true {
                    guard scanString() != nil, peek() == UInt8(ascii: ":") else { return false }
                    index += 1
                    guard skipValue(depth: depth + 1), let next = peek() else { return false }
                    index += 1
                    if next == UInt8(ascii: ",") { continue }
                    return next == UInt8(ascii: "}")
                }
            case UInt8(ascii: "["):
                index += 1
                if peek() == UInt8(ascii: "]") {
                    index += 1
                    return true
                }
                while true {
                    guard skipValue(depth: depth + 1), let next = peek() else { return false }
                    index += 1
                    if next == UInt8(ascii: ",") { continue }
                    return next == UInt8(ascii: "]")
                }
            case UInt8(ascii: "t"): return skipLiteral("true")
            case UInt8(ascii: "f"): return skipLiteral("false")
            case UInt8(ascii: "n"): return skipLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return skipNumber()
            default: return false
            }
        }

        mutating func skipLiteral(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            let matches = literal.withUTF8Buffer { expected in
                UnsafeBufferPointer(rebasing: bytes[index..<(index + count)]).elementsEqual(expected)
            }
            index += count
            return matches
        }

        /// A number in the encoder's forms: an integer, or a double as Swift prints it.
        mutating func skipNumber() -> Bool {
            if peek() == UInt8(ascii: "-") { index += 1 }
            guard let first = peek(), isDigit(first) else { return false }
            index += 1
            if first != UInt8(ascii: "0") { skipDigits() }
            if peek() == UInt8(ascii: ".") {
                index += 1
                guard let digit = peek(), isDigit(digit) else { return false }
                skipDigits()
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                index += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
                guard let digit = peek(), isDigit(digit) else { return false }
                skipDigits()
            }
            return true
        }

        mutating func skipDigits() {
            while let b = peek(), isDigit(b) { index += 1 }
        }

        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

        /// Scans a string at `index`, returning its range with the quotes. Refuses control
        /// characters, bad escapes and malformed UTF-8.
        mutating func scanString() -> Range<Int>? {
            guard peek() == UInt8(ascii: "\"") else { return nil }
            let start = index
            index += 1
            while index < bytes.count {
                let b = bytes[index]
                if Scanner.isPlain(b) {
                    index += 1
                    continue
                }
                if b == UInt8(ascii: "\"") {
                    index += 1
                    return start..<index
                }
                if b < 0x20 { return nil }
                if b == UInt8(ascii: "\\") {
                    guard index + 1 < bytes.count else { return nil }
                    switch bytes[index + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 2
                    case UInt8(ascii: "u"):
                        guard index + 6 <= bytes.count,
                              Scanner.encoderEscapes.contains(where: {
                                  UnsafeBufferPointer(rebasing: bytes[(index + 2)..<(index + 6)]).elementsEqual($0)
                              })
                        else { return nil }
                        index += 6
                    default:
                        // `\/`, `\b`, `\f`: valid JSON, but not what the encoder writes.
                        return nil
                    }
                    continue
                }
                // The encoder escapes these; raw ones are not its output.
                if b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "&") { return nil }
                if b < 0x80 {
                    index += 1
                    continue
                }
                guard skipMultibyte() else { return nil }
            }
            return nil
        }

        /// Skips one multi-byte UTF-8 sequence, refusing malformed ones (as Swift's `String` would
        /// repair them, which the copy would not).
        mutating func skipMultibyte() -> Bool {
            let lead = bytes[index]
            let length: Int
            let minimum: UInt32
            switch lead {
            case 0xC2...0xDF: length = 2; minimum = 0x80
            case 0xE0...0xEF: length = 3; minimum = 0x800
            case 0xF0...0xF4: length = 4; minimum = 0x10000
            default: return false
            }
            guard index + length <= bytes.count else { return false }
            var scalar = UInt32(lead) & (0xFF >> (length + 1))
            for offset in 1..<length {
                let continuation = bytes[index + offset]
                guard continuation & 0xC0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return false }
            // U+2028 and U+2029 are escaped by the encoder; raw ones are not its output.
            if scalar == 0x2028 || scalar == 0x2029 { return false }
            index += length
            return true
        }
    }
}

