import Foundation
import KgitTesting
import Testing

@testable import KgitGit

/// Keys made by the real `ssh-keygen`, so the parser reads what OpenSSH writes.
private final class GeneratedKeys: @unchecked Sendable {
    let directory: Scratch
    /// `ssh-ed25519 AAAA...` for keys `a` and `b`.
    let a: String
    let b: String

    init() throws {
        directory = try Scratch("kgit-known-hosts")
        for name in ["a", "b"] { try SSHServer.keygen(directory.url(name)) }
        a = try Self.publicLine(directory.url("a.pub"))
        b = try Self.publicLine(directory.url("b.pub"))
    }

    static func publicLine(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
    }

    func key(_ line: String) throws -> SSHPublicKey {
        let fields = line.split(separator: " ").map(String.init)
        return try SSHPublicKey(type: fields[0], base64: fields[1])
    }

    /// `ssh-keygen -H` applied to `text`: the same entries with hashed host names.
    func hashed(_ text: String) throws -> String {
        let path = directory.url("known_hosts-\(UUID().uuidString.prefix(6))")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Subprocess.runBlocking("/usr/bin/ssh-keygen", ["-H", "-f", path])
        guard result.status == 0 else { throw SSHServer.DidNotStart(description: "ssh-keygen -H: \(result)") }
        return try String(contentsOfFile: path, encoding: .utf8)
    }
}

@Suite(.enabled(if: SSHServer.isAvailable || KgitServerProcess.endToEndRequired))
struct KnownHostsTests {
    @Test func aListedKeyIsTrustedForItsHostAndAPortIsWrittenInBrackets() async throws {
        let keys = try await offPool { try GeneratedKeys() }
        let list = try KnownHosts(
            text: "# comment\n\ngit.example.com \(keys.a) laptop\n[127.0.0.1]:2222 \(keys.b)\n", source: "kh")
        #expect(list.check(host: "git.example.com", port: nil, key: try keys.key(keys.a)) == .trusted(line: 3))
        #expect(list.check(host: "GIT.example.com", port: 22, key: try keys.key(keys.a)) == .trusted(line: 3))
        #expect(list.check(host: "127.0.0.1", port: 2222, key: try keys.key(keys.b)) == .trusted(line: 4))
        #expect(list.check(host: "127.0.0.1", port: 22, key: try keys.key(keys.b)) == .unknown)
        #expect(list.check(host: "git.example.com", port: 2222, key: try keys.key(keys.a)) == .unknown)
    }

    @Test func anotherKeyForAListedHostIsAMismatchNamingHostFingerprintAndLine() async throws {
        let keys = try await offPool { try GeneratedKeys() }
        let list = try KnownHosts(text: "[git.example.com]:2222 \(keys.a)\n", source: "known_hosts")
        let offered = try keys.key(keys.b)
        let verdict = list.check(host: "git.example.com", port: 2222, key: offered)
        guard case .mismatch(let listed) = verdict else {
            Issue.record("expected a mismatch, got \(verdict)")
            return
        }
        #expect(listed.map(\.line) == [1])
        let message = try #require(list.refusal(verdict, host: "git.example.com", port: 2222, key: offered))
        #expect(message.contains("[git.example.com]:2222"))
        #expect(message.contains(offered.fingerprint) && offered.fingerprint.hasPrefix("SHA256:"))
        #expect(message.contains("known_hosts:1"))
    }

    @Test func theFingerprintIsTheOneSshKeygenPrints() async throws {
        let keys = try await offPool { try GeneratedKeys() }
        let printed = try await Subprocess.run("/usr/bin/ssh-keygen", ["-l", "-f", keys.directory.url("a.pub")])
        let fingerprint = try keys.key(keys.a).fingerprint
        #expect(printed.stdout.split(separator: " ").dropFirst().first.map(String.init) == fingerprint)
    }

    @Test func hashedHostNamesWrittenBySshKeygenMatch() async throws {
        let keys = try await offPool { try GeneratedKeys() }
        let text = try await offPool { try keys.hashed("git.example.com \(keys.a)\n[10.0.0.5]:2222 \(keys.b)\n") }
        #expect(text.hasPrefix("|1|"))
        let list = try KnownHosts(text: text, source: "hashed")
        #expect(list.check(host: "git.example.com", port: 22, key: try keys.key(keys.a)) == .trusted(line: 1))
        #expect(list.check(host: "10.0.0.5", port: 2222, key: try keys.key(keys.b)) == .trusted(line: 2))
        #expect(list.check(host: "other.example.com", port: 22, key: try keys.key(keys.a)) == .unknown)
    }

    @Test func wildcardsAndNegationsSelectHosts() async throws {
        let keys = try await offPool { try GeneratedKeys() }
        let list = try KnownHosts(text: "*.example.com,!evil.example.com,git?.corp \(keys.a)\n", source: "kh")
        let key = try keys.key(keys.a)
        #expect(list.check(host: "git.example.com", port: nil, key: key) == .trusted(line: 1))
        #expect(list.check(host: "git1.corp", port: nil, key: key) == .trusted(line: 1))
        #expect(list.check(host: "evil.example.com", port: nil, key: key) == .unknown)
        #expect(list.check(host: "example.com", port: nil, key: key) == .unknown)
    }

    @Test func aRevokedKeyIsRefusedEvenWhenAlsoListed() async throws {
        let keys = try await offPool { try GeneratedKeys() }
        let list = try KnownHosts(text: "git.example.com \(keys.a)\n@revoked * \(keys.a)\n", source: "kh")
        let key = try keys.key(keys.a)
        let verdict = list.check(host: "git.example.com", port: nil, key: key)
        #expect(verdict == .revoked(line: 2))
        #expect(list.refusal(verdict, host: "git.example.com", port: nil, key: key)?.contains("revoked at kh:2") == true)
    }

    @Test func aHostOnlyACertificateAuthorityVouchesForIsRefusedWithAReason() async throws {
        let keys = try await offPool { try GeneratedKeys() }
        let list = try KnownHosts(text: "@cert-authority *.example.com \(keys.a)\n", source: "kh")
        let key = try keys.key(keys.b)
        let verdict = list.check(host: "git.example.com", port: nil, key: key)
        #expect(verdict == .certificateAuthorityOnly(line: 1))
        #expect(
            list.refusal(verdict, host: "git.example.com", port: nil, key: key)?.contains(
                "does not support host certificates") == true)
    }

    @Test(arguments: [
        ("git.example.com ssh-ed25519\n", "kh:1: expected HOSTS KEYTYPE KEY, found 2 fields"),
        ("\n@trusted git.example.com ssh-ed25519 AAAA\n", "kh:2: unknown marker @trusted"),
        ("git.example.com ssh-ed25519 !!!notbase64\n", "kh:1: the ssh-ed25519 key"),
        ("|1|bad git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA\n", "kh:1:"),
    ])
    func anUnreadableLineIsAnErrorAtItsLine(text: String, expected: String) {
        let error = #expect(throws: KnownHostsError.self) { _ = try KnownHosts(text: text, source: "kh") }
        #expect(error.map { "\($0)" }?.hasPrefix(expected) == true, "\(String(describing: error))")
    }

    @Test func theEnvironmentNamesAKnownHostsFileAndAnUnreadableOneRefusesEveryHost() async throws {
        let keys = try await offPool { try GeneratedKeys() }
        let credentials = Credentials.fromEnvironment(
            ["KGIT_KNOWN_HOSTS": "/etc/kgit/known_hosts"], fileExists: { _ in false },
            readFile: { $0 == "/etc/kgit/known_hosts" ? "git.example.com \(keys.a)\n" : nil })
        let key = try keys.key(keys.a)
        #expect(credentials.hostKeyRefusal(host: "git.example.com", port: nil, key: key) == nil)
        #expect(credentials.hostKeyRefusal(host: "other.example.com", port: nil, key: key)?.contains("is not in /etc/kgit/known_hosts") == true)

        let missing = Credentials.fromEnvironment(["KGIT_KNOWN_HOSTS": "/nope"], readFile: { _ in nil })
        #expect(missing.hostKeyRefusal(host: "git.example.com", port: nil, key: key)?.contains("/nope") == true)
        let none = Credentials.fromEnvironment([:])
        #expect(none.hostKeyRefusal(host: "git.example.com", port: nil, key: key)?.contains("no known_hosts") == true)
    }
}
