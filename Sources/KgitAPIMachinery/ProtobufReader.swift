/// A reader for the protobuf wire format (varints, fixed-width and length-delimited fields).
///
/// It never traps: every read checks bounds and throws ``ProtobufError`` on truncated or
/// malformed input.
public struct ProtobufReader {
    /// One field as it appears on the wire.
    public enum FieldValue: Sendable, Equatable {
        case varint(UInt64)
        case fixed64(UInt64)
        case lengthDelimited([UInt8])
        case fixed32(UInt32)
    }

    private let bytes: [UInt8]
    private var index: Int
    private let end: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.index = 0
        self.end = bytes.count
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { index >= end }

    /// Reads the next field: its number and value.
    public mutating func next() throws(ProtobufError) -> (number: Int, value: FieldValue)? {
        guard !isAtEnd else { return nil }
        let key = try readVarint()
        let number = Int(key >> 3)
        guard number > 0 else { throw ProtobufError.malformed("field number 0") }
        switch key & 7 {
        case 0: return (number, .varint(try readVarint()))
        case 1:
            let raw = try readFixed(8)
            return (number, .fixed64(raw))
        case 2:
            let length = try readVarint()
            guard length <= UInt64(end - index) else { throw ProtobufError.malformed("length past the end") }
            let start = index
            index += Int(length)
            return (number, .lengthDelimited(Array(bytes[start..<index])))
        case 5:
            let raw = try readFixed(4)
            return (number, .fixed32(UInt32(truncatingIfNeeded: raw)))
        default:
            throw ProtobufError.malformed("unsupported wire type \(key & 7)")
        }
    }

    private mutating func readVarint() throws(ProtobufError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < end else { throw ProtobufError.malformed("truncated varint") }
            let byte = bytes[index]
            index += 1
            guard shift < 64 else { throw ProtobufError.malformed("varint too long") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func readFixed(_ count: Int) throws(ProtobufError) -> UInt64 {
        guard end - index >= count else { throw ProtobufError.malformed("truncated fixed-width field") }
        var result: UInt64 = 0
        for i in 0..<count { result |= UInt64(bytes[index + i]) << (8 * UInt64(i)) }
        index += count
        return result
    }
}

/// A protobuf body that could not be decoded.
public enum ProtobufError: Error, Sendable, Equatable {
    case malformed(String)
    case unsupportedKind(String)
}
