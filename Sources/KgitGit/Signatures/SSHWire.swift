/// Reads the SSH wire encoding (RFC 4251 §5): big-endian `uint32`s and length-prefixed `string`s.
struct SSHWireReader {
    let bytes: [UInt8]
    private(set) var offset = 0
    /// What is being read, for errors: `the signature blob`.
    let what: String

    init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    var isAtEnd: Bool { offset == bytes.count }

    /// `count` raw bytes.
    mutating func raw(_ count: Int, _ field: String) throws(SSHSignatureError) -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else {
            throw .malformed("\(what) ends inside \(field) (byte \(offset) of \(bytes.count))")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func uint32(_ field: String) throws(SSHSignatureError) -> UInt32 {
        try raw(4, field).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func string(_ field: String) throws(SSHSignatureError) -> [UInt8] {
        let length = try uint32(field)
        return try raw(Int(length), field)
    }

    mutating func text(_ field: String) throws(SSHSignatureError) -> String {
        String(decoding: try string(field), as: UTF8.self)
    }
}

/// Writes the SSH wire encoding.
struct SSHWireWriter {
    var bytes: [UInt8] = []

    mutating func raw(_ data: some Sequence<UInt8>) { bytes.append(contentsOf: data) }

    mutating func string(_ data: [UInt8]) {
        let count = UInt32(data.count)
        bytes += [UInt8(count >> 24), UInt8(count >> 16 & 0xff), UInt8(count >> 8 & 0xff), UInt8(count & 0xff)]
        bytes += data
    }

    mutating func string(_ text: String) { string(Array(text.utf8)) }
}

/// Just enough DER (X.690) to hand OpenSSL a SubjectPublicKeyInfo and an ECDSA signature.
enum DER {
    static func length(_ count: Int) -> [UInt8] {
        if count < 0x80 { return [UInt8(count)] }
        var bytes: [UInt8] = []
        var value = count
        while value > 0 {
            bytes.insert(UInt8(value & 0xff), at: 0)
            value >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    static func element(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] { [tag] + length(content.count) + content }

    static func sequence(_ parts: [UInt8]...) -> [UInt8] { element(0x30, parts.flatMap { $0 }) }

    /// A non-negative INTEGER from a big-endian magnitude (an SSH `mpint`): leading zeros dropped, one zero added
    /// back when the high bit is set.
    static func unsignedInteger(_ magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop(while: { $0 == 0 }))
        if bytes.isEmpty { bytes = [0] }
        if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return element(0x02, bytes)
    }

    static func bitString(_ content: [UInt8]) -> [UInt8] { element(0x03, [0] + content) }

    static let null: [UInt8] = [0x05, 0x00]
    /// 1.3.101.112 (Ed25519)
    static let ed25519: [UInt8] = [0x06, 0x03, 0x2b, 0x65, 0x70]
    /// 1.2.840.10045.2.1 (id-ecPublicKey)
    static let ecPublicKey: [UInt8] = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]
    /// 1.2.840.10045.3.1.7 (prime256v1)
    static let p256: [UInt8] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]
    /// 1.3.132.0.34 (secp384r1)
    static let p384: [UInt8] = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22]
    /// 1.2.840.113549.1.1.1 (rsaEncryption)
    static let rsaEncryption: [UInt8] = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]
}
