import Foundation

/// An SSH key made with the real `ssh-keygen`, for tests that sign commits the way git does with
/// `gpg.format=ssh` (`git -c gpg.format=ssh -c user.signingkey=KEY commit -S`).
public struct SigningKey: Sendable {
    /// The private key file (no passphrase).
    public let privateKeyPath: String
    /// The public key line: `ssh-ed25519 AAAA... comment`.
    public let publicKey: String

    /// `ssh-keygen -t TYPE` into `directory` as `name` (types: `ed25519`, `ecdsa`, `rsa`).
    public static func generate(_ type: String = "ed25519", name: String, in directory: String) async throws -> SigningKey {
        let path = directory + "/" + name
        var arguments = ["-q", "-t", type, "-N", "", "-C", name, "-f", path]
        if type == "ecdsa" { arguments += ["-b", "256"] }
        if type == "rsa" { arguments += ["-b", "2048"] }
        let result = try await Subprocess.run("ssh-keygen", arguments)
        guard result.status == 0 else { throw SigningKeyFailed(description: "ssh-keygen \(arguments): \(result)") }
        let text = try String(contentsOfFile: path + ".pub", encoding: .utf8)
        return SigningKey(privateKeyPath: path, publicKey: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `TYPE BASE64` without the comment.
    public var keyText: String { publicKey.split(separator: " ").prefix(2).joined(separator: " ") }

    /// A line of an allowed-signers file naming `principal` (with `options`, such as `namespaces="git"`).
    public func allowedSigner(_ principal: String, options: String? = nil) -> String {
        [principal, options, keyText].compactMap { $0 }.joined(separator: " ")
    }

    /// The git options that make `commit -S` sign with this key.
    public var gitOptions: [String] { ["-c", "gpg.format=ssh", "-c", "user.signingkey=\(privateKeyPath)"] }

    /// `ssh-keygen -lf` of the public key: `SHA256:...`.
    public func fingerprint() async throws -> String {
        let result = try await Subprocess.run("ssh-keygen", ["-l", "-f", privateKeyPath + ".pub"])
        return result.stdout.split(separator: " ").dropFirst().first.map(String.init) ?? ""
    }
}

/// `ssh-keygen` failed in a test's setup.
public struct SigningKeyFailed: Error, CustomStringConvertible {
    /// What failed, with the command's output.
    public var description: String

    /// An error saying `description`.
    public init(description: String) {
        self.description = description
    }
}
