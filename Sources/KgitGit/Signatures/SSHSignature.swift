internal import COpenSSL

/// Why an SSH signature could not be read or does not verify.
public enum SSHSignatureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The armor, the SSHSIG blob or a key is not well formed.
    case malformed(String)
    /// A key type, signature algorithm or hash algorithm kgit does not verify.
    case unsupported(String)
    /// The signature was checked and does not match the signed data and key.
    case mismatch(String)

    /// The explanation without the kind.
    public var reason: String {
        switch self {
        case .malformed(let text), .unsupported(let text), .mismatch(let text): text
        }
    }

    /// The kind and the explanation, as one line.
    public var description: String {
        switch self {
        case .malformed(let text): "malformed SSH signature: \(text)"
        case .unsupported(let text): "unsupported SSH signature: \(text)"
        case .mismatch(let text): text
        }
    }
}

/// An SSH public key in OpenSSH's wire form (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ecdsa-sha2-nistp384`,
/// `ssh-rsa`), compared by its bytes.
public struct SSHPublicKey: Hashable, Sendable, CustomStringConvertible {
    /// The key type named inside the blob: `ssh-ed25519`.
    public let type: String
    /// The key in SSH wire encoding (what `authorized_keys` base64-encodes).
    public let blob: [UInt8]

    /// Reads a key blob; the type is taken from the blob itself.
    public init(blob: [UInt8]) throws(SSHSignatureError) {
        var reader = SSHWireReader(blob, what: "the public key")
        type = try reader.text("the key type")
        self.blob = blob
    }

    /// Reads `TYPE BASE64` as written in `authorized_keys` and allowed-signers files; the type written must be
    /// the one inside the blob.
    public init(type: String, base64: String) throws(SSHSignatureError) {
        guard let bytes = Base64.decode(base64) else { throw .malformed("the key is not valid base64") }
        try self.init(blob: bytes)
        guard self.type == type else {
            throw .malformed("the key says it is \(self.type), but is written as \(type)")
        }
    }

    /// `SHA256:` and the unpadded base64 of the blob's SHA-256, as `ssh-keygen -l` prints it.
    public var fingerprint: String {
        "SHA256:" + Base64.encode(SSHCrypto.digest(blob, EVP_sha256())).trimmingSuffix("=")
    }

    /// The type and the fingerprint: `ssh-ed25519 SHA256:...`.
    public var description: String { "\(type) \(fingerprint)" }

    /// The key as OpenSSL's SubjectPublicKeyInfo (DER), with the digest its signatures use by default.
    func subjectPublicKeyInfo() throws(SSHSignatureError) -> [UInt8] {
        var reader = SSHWireReader(blob, what: "the \(type) public key")
        _ = try reader.string("the key type")
        switch type {
        case "ssh-ed25519":
            let key = try reader.string("the Ed25519 key")
            guard key.count == 32 else { throw .malformed("an Ed25519 key has 32 bytes, this one \(key.count)") }
            return DER.sequence(DER.sequence(DER.ed25519), DER.bitString(key))
        case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384":
            let curve = try reader.text("the curve name")
            let point = try reader.string("the curve point")
            let oid: [UInt8]
            switch (type, curve) {
            case ("ecdsa-sha2-nistp256", "nistp256"): oid = DER.p256
            case ("ecdsa-sha2-nistp384", "nistp384"): oid = DER.p384
            default: throw .malformed("a \(type) key names curve \(curve)")
            }
            return DER.sequence(DER.sequence(DER.ecPublicKey, oid), DER.bitString(point))
        case "ssh-rsa":
            let exponent = try reader.string("the RSA exponent")
            let modulus = try reader.string("the RSA modulus")
            let rsa = DER.sequence(DER.unsignedInteger(modulus), DER.unsignedInteger(exponent))
            return DER.sequence(DER.sequence(DER.rsaEncryption, DER.null), DER.bitString(rsa))
        default:
            throw .unsupported("key type \(type) (kgit verifies ssh-ed25519, ecdsa-sha2-nistp256/384 and ssh-rsa)")
        }
    }
}

/// An `SSHSIG` signature (OpenSSH's PROTOCOL.sshsig), as `ssh-keygen -Y sign` and `git commit -S` with
/// `gpg.format=ssh` write it: armored between `-----BEGIN SSH SIGNATURE-----` and `-----END SSH SIGNATURE-----`.
///
/// The blob is the magic `SSHSIG`, version 1, the signer's public key, a namespace (`git` for commits), a reserved
/// string, the hash algorithm (`sha256` or `sha512`) and the signature, which covers `SSHSIG`, the namespace, the
/// reserved string, the hash algorithm and the hash of the message, each length-prefixed.
public struct SSHSignature: Sendable {
    /// The key that made the signature (still to be checked against a list of allowed keys).
    public let publicKey: SSHPublicKey
    /// The namespace the signature was made for: `git` for commits and tags.
    public let namespace: String
    /// `sha256` or `sha512`: how the message was hashed before signing.
    public let hashAlgorithm: String
    let reserved: [UInt8]
    /// `ssh-ed25519`, `ecdsa-sha2-nistp256`, `rsa-sha2-512`, ...
    public let signatureAlgorithm: String
    let signature: [UInt8]

    static let magic = Array("SSHSIG".utf8)

    /// Parses an armored signature.
    public init(armored text: String) throws(SSHSignatureError) {
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters() }
        guard let begin = lines.firstIndex(of: "-----BEGIN SSH SIGNATURE-----") else {
            if lines.first?.hasPrefix("-----BEGIN PGP SIGNATURE-----") == true {
                throw .unsupported("an OpenPGP signature (kgit verifies SSH signatures, git's gpg.format=ssh)")
            }
            throw .malformed("no -----BEGIN SSH SIGNATURE----- line")
        }
        guard let end = lines[begin...].firstIndex(of: "-----END SSH SIGNATURE-----") else {
            throw .malformed("no -----END SSH SIGNATURE----- line")
        }
        guard let blob = Base64.decode(lines[(begin + 1)..<end].joined()) else {
            throw .malformed("the armored text is not valid base64")
        }
        try self.init(blob: blob)
    }

    /// Parses the binary SSHSIG blob.
    public init(blob: [UInt8]) throws(SSHSignatureError) {
        var reader = SSHWireReader(blob, what: "the SSHSIG blob")
        guard try reader.raw(6, "the magic") == Self.magic else { throw .malformed("the blob does not start with SSHSIG") }
        let version = try reader.uint32("the version")
        guard version == 1 else { throw .unsupported("SSHSIG version \(version) (kgit reads version 1)") }
        publicKey = try SSHPublicKey(blob: try reader.string("the public key"))
        namespace = try reader.text("the namespace")
        reserved = try reader.string("the reserved field")
        hashAlgorithm = try reader.text("the hash algorithm")
        var inner = SSHWireReader(try reader.string("the signature"), what: "the signature")
        signatureAlgorithm = try inner.text("the signature algorithm")
        signature = try inner.string("the signature bytes")
        guard reader.isAtEnd else { throw .malformed("\(blob.count - reader.offset) bytes after the signature") }
    }

    /// What the signature covers for `message`.
    func signedData(_ message: [UInt8]) throws(SSHSignatureError) -> [UInt8] {
        let digest: [UInt8]
        switch hashAlgorithm {
        case "sha256": digest = SSHCrypto.digest(message, EVP_sha256())
        case "sha512": digest = SSHCrypto.digest(message, EVP_sha512())
        default: throw .unsupported("hash algorithm \(hashAlgorithm) (SSHSIG allows sha256 and sha512)")
        }
        var writer = SSHWireWriter()
        writer.raw(Self.magic)
        writer.string(namespace)
        writer.string(reserved)
        writer.string(hashAlgorithm)
        writer.string(digest)
        return writer.bytes
    }

    /// Checks that `publicKey` signed `message` in `expectedNamespace`.
    ///
    /// - Throws: `.mismatch` when the namespace differs or the signature does not match (the message was changed
    ///   after signing, or the signature was made by another key); `.unsupported` or `.malformed` otherwise.
    public func verify(_ message: [UInt8], namespace expectedNamespace: String = "git") throws(SSHSignatureError) {
        guard namespace == expectedNamespace else {
            throw .mismatch("the signature was made for namespace \"\(namespace)\", not \"\(expectedNamespace)\"")
        }
        let data = try signedData(message)
        let spki = try publicKey.subjectPublicKeyInfo()
        let digest: OpaquePointer?
        var signatureBytes = signature
        switch (publicKey.type, signatureAlgorithm) {
        case ("ssh-ed25519", "ssh-ed25519"):
            digest = nil
            guard signature.count == 64 else { throw .malformed("an Ed25519 signature has 64 bytes, this one \(signature.count)") }
        case ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256"), ("ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384"):
            digest = publicKey.type.hasSuffix("256") ? EVP_sha256() : EVP_sha384()
            var reader = SSHWireReader(signature, what: "the ECDSA signature")
            let r = try reader.string("r")
            let s = try reader.string("s")
            signatureBytes = DER.sequence(DER.unsignedInteger(r), DER.unsignedInteger(s))
        case ("ssh-rsa", "rsa-sha2-256"): digest = EVP_sha256()
        case ("ssh-rsa", "rsa-sha2-512"): digest = EVP_sha512()
        case ("ssh-rsa", "ssh-rsa"):
            throw .unsupported("an RSA signature with SHA-1 (ssh-rsa); sign with rsa-sha2-256 or rsa-sha2-512")
        default:
            throw .unsupported("a \(signatureAlgorithm) signature by a \(publicKey.type) key")
        }
        guard try SSHCrypto.verify(spki: spki, digest: digest, signature: signatureBytes, data: data) else {
            throw .mismatch("the signature does not match the signed data (changed after signing, or a corrupt signature)")
        }
    }
}

/// The OpenSSL calls behind signature checks.
enum SSHCrypto {
    static func digest(_ data: [UInt8], _ md: OpaquePointer?) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { bytes in
            EVP_Digest(bytes.baseAddress, bytes.count, &out, &length, md, nil)
        }
        return ok == 1 ? Array(out.prefix(Int(length))) : []
    }

    /// Verifies `signature` over `data` with the SubjectPublicKeyInfo `spki`; `digest` nil for Ed25519.
    static func verify(spki: [UInt8], digest: OpaquePointer?, signature: [UInt8], data: [UInt8]) throws(SSHSignatureError) -> Bool {
        let key: OpaquePointer? = spki.withUnsafeBufferPointer { buffer in
            var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PUBKEY(nil, &pointer, buffer.count)
        }
        guard let key else {
            ERR_clear_error()
            throw .malformed("OpenSSL does not accept the public key")
        }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { throw .malformed("OpenSSL could not allocate a digest context") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, digest, nil, key) == 1 else {
            ERR_clear_error()
            throw .unsupported("OpenSSL cannot verify with this \(digest == nil ? "key" : "key and digest")")
        }
        let result = EVP_DigestVerify(context, signature, signature.count, data, data.count)
        ERR_clear_error()
        return result == 1
    }
}

/// Base64 (RFC 4648) without Foundation.
enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        var padding = 0
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(c - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(c - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): values.append(62)
            case UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="): padding += 1; continue
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
            default: return nil
            }
            if padding > 0 { return nil }
        }
        guard padding <= 2, values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var i = 0
        while i < values.count {
            let chunk = values[i..<min(i + 4, values.count)]
            var word: UInt32 = 0
            for (j, v) in chunk.enumerated() { word |= UInt32(v) << (18 - 6 * j) }
            let bytes = [UInt8(word >> 16), UInt8(word >> 8 & 0xff), UInt8(word & 0xff)]
            out += bytes.prefix(chunk.count - 1)
            i += 4
        }
        return out
    }

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let chunk = bytes[i..<min(i + 3, bytes.count)]
            var word: UInt32 = 0
            for (j, b) in chunk.enumerated() { word |= UInt32(b) << (16 - 8 * j) }
            for j in 0..<4 {
                out.append(j <= chunk.count ? alphabet[Int(word >> (18 - 6 * j) & 0x3f)] : UInt8(ascii: "="))
            }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingCharacters() -> String {
        let scalars = unicodeScalars.drop(while: { $0 == " " || $0 == "\t" })
        var trimmed = String(String.UnicodeScalarView(scalars))
        while let last = trimmed.last, last == " " || last == "\t" { trimmed.removeLast() }
        return trimmed
    }

    func trimmingSuffix(_ suffix: Character) -> String {
        var text = String(self)
        while text.last == suffix { text.removeLast() }
        return text
    }
}
