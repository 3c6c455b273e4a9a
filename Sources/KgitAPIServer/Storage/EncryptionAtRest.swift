import Crypto
import Foundation

/// Encryption of stored objects at rest (upstream's `aesgcm` provider): values of the encrypted
/// resources are written as `k8s:enc:aesgcm:v1:<key name>:` followed by a random 12-byte nonce and
/// the AES-256-GCM ciphertext and tag; values without the prefix (written before encryption was
/// on) are read as they are.
///
/// The key is 32 random bytes, base64 in `DIR/encryption.key` (mode 0600), created on first start.
/// Anyone holding the store but not that file sees no secret data.
public struct EncryptionAtRest: Sendable {
    /// The resources whose values are encrypted (`<group>/<resource>`, core group empty).
    static let encryptedResources: Set<String> = ["/secrets"]

    /// The raw AES-256 key (SymmetricKey is not Sendable; it is rebuilt for each operation).
    let keyBytes: [UInt8]
    let keyName: String

    var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// Why a stored value could not be read or written.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Encryption with `key` (AES-256), recorded in values under `keyName`.
    public init(key: SymmetricKey, keyName: String = "key1") {
        self.keyBytes = key.withUnsafeBytes { Array($0) }
        self.keyName = keyName
    }

    /// The prefix of values sealed with this key.
    var prefix: [UInt8] { Array("k8s:enc:aesgcm:v1:\(keyName):".utf8) }

    /// Whether values of `info` are encrypted.
    static func encrypts(_ info: ResourceInfo) -> Bool {
        encryptedResources.contains("\(info.group)/\(info.resource)")
    }

    /// Seals plaintext bytes.
    func seal(_ plaintext: [UInt8]) throws(Failure) -> [UInt8] {
        do {
            let box = try AES.GCM.seal(plaintext, using: key)
            return prefix + Array(box.nonce) + Array(box.ciphertext) + Array(box.tag)
        } catch {
            throw Failure(description: "encrypting a value: \(error)")
        }
    }

    /// Opens a sealed value; a value without any `k8s:enc:` prefix is returned as it is.
    func open(_ stored: [UInt8]) throws(Failure) -> [UInt8] {
        guard stored.starts(with: Array("k8s:enc:".utf8)) else { return stored }
        guard stored.starts(with: prefix) else {
            throw Failure(description: "the value was encrypted with a key other than \(keyName)")
        }
        let sealed = stored.dropFirst(prefix.count)
        guard sealed.count >= 28 else { throw Failure(description: "the encrypted value is truncated") }
        do {
            let box = try AES.GCM.SealedBox(combined: Data(sealed))
            return Array(try AES.GCM.open(box, using: key))
        } catch {
            throw Failure(description: "the encrypted value does not decrypt with \(keyName) (tampered or another key)")
        }
    }

    /// The key in `DIR/encryption.key`, created (32 random bytes) when missing.
    public static func loadOrCreate(in directory: URL) throws -> EncryptionAtRest {
        let url = directory.appendingPathComponent("encryption.key")
        if let text = try? String(contentsOf: url, encoding: .utf8) {
            guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32
            else { throw Failure(description: "\(url.path): not a base64 AES-256 key (32 bytes)") }
            return EncryptionAtRest(key: SymmetricKey(data: bytes))
        }
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() }
        try SecureFile.write(encoded + "\n", to: url, mode: 0o600)
        return EncryptionAtRest(key: key)
    }
}
