import Foundation
import KgitTesting
import Testing

@testable import KgitGit

/// Fetching over SSH from a real `sshd` on loopback: the host key is checked against `known_hosts` before any key
/// is offered.
@Suite(.enabled(if: SSHServer.isAvailable || KgitServerProcess.endToEndRequired))
struct SSHFetchTests {
    /// A served repository, the server, and `known_hosts` text for it as `ssh-keyscan` writes it.
    private final class Served: @unchecked Sendable {
        let remote: GitWorkTree
        let server: SSHServer
        let scanned: String
        let cache: Scratch

        init() throws {
            remote = try sampleRemote()
            server = try SSHServer()
            scanned = try SSHServer.keyscan(port: server.port)
            cache = try Scratch("kgit-ssh-cache")
        }

        func fetch(_ credentials: Credentials) throws -> Libgit2Source {
            let source = try Libgit2Source(url: server.url(remote.path), cacheDirectory: cache.path, credentials: credentials)
            try source.fetch()
            return source
        }

        func keyFile() -> Credentials.SSHKey { .init(privateKeyPath: server.clientKey) }
    }

    @Test func aHostListedByItsScannedKeyIsFetchedFrom() async throws {
        let served = try await offPool { try Served() }
        #expect(served.scanned.hasPrefix("[127.0.0.1]:\(served.server.port) ssh-ed25519 "))
        let credentials = Credentials(
            sshKeys: [served.keyFile()], knownHosts: try KnownHosts(text: served.scanned, source: "scanned"))
        let content = try await offPool {
            let source = try served.fetch(credentials)
            let tree = try source.resolve("main").tree
            return try source.readFile("manifests/web/deployment.yaml", in: tree, maxBytes: 1000).bytes
        }
        #expect(String(decoding: content, as: UTF8.self) == "kind: Deployment\nreplicas: 3\n")
    }

    @Test func aHashedKnownHostsFileWorksToo() async throws {
        let served = try await offPool { try Served() }
        let hashed = try await offPool { () throws -> String in
            let path = served.cache.url("known_hosts")
            try served.scanned.write(toFile: path, atomically: true, encoding: .utf8)
            _ = try Subprocess.runBlocking("/usr/bin/ssh-keygen", ["-H", "-f", path])
            return try String(contentsOfFile: path, encoding: .utf8)
        }
        #expect(hashed.hasPrefix("|1|"))
        var trusting = Credentials(sshKeys: [served.keyFile()])
        trusting.trustHosts(in: hashed, source: "hashed")
        let credentials = trusting
        try await offPool { _ = try served.fetch(credentials) }
    }

    @Test func anUnknownHostIsRefusedNamingTheHostAndItsKeyFingerprint() async throws {
        let served = try await offPool { try Served() }
        let other = try KnownHosts(text: "git.example.com \(served.server.hostPublicKey)\n", source: "known_hosts")
        let error = try await Self.fetchError(served, Credentials(sshKeys: [served.keyFile()], knownHosts: other))
        let hostKey = try Self.key(served.server.hostPublicKey)
        #expect(error.kind == .certificate)
        #expect(error.reason.contains("[127.0.0.1]:\(served.server.port)"), "\(error)")
        #expect(error.reason.contains(hostKey.fingerprint), "\(error)")
        #expect(error.reason.contains("is not in known_hosts"), "\(error)")
    }

    @Test func aChangedHostKeyIsRefusedAsAMismatch() async throws {
        let served = try await offPool { try Served() }
        let scratch = try Scratch("kgit-other-key")
        let path = scratch.url("k")
        let publicKey = try await offPool { () throws -> String in
            try SSHServer.keygen(path)
            return try String(contentsOfFile: path + ".pub", encoding: .utf8)
        }
        let otherKey = publicKey.split(separator: " ").prefix(2).joined(separator: " ")
        let list = try KnownHosts(text: "[127.0.0.1]:\(served.server.port) \(otherKey)\n", source: "known_hosts")
        let error = try await Self.fetchError(served, Credentials(sshKeys: [served.keyFile()], knownHosts: list))
        #expect(error.kind == .certificate)
        #expect(error.reason.contains("does not match"), "\(error)")
        #expect(error.reason.contains(try Self.key(served.server.hostPublicKey).fingerprint), "\(error)")
    }

    @Test func withoutKnownHostsEverySSHHostIsRefused() async throws {
        let served = try await offPool { try Served() }
        let error = try await Self.fetchError(served, Credentials(sshKeys: [served.keyFile()]))
        #expect(error.kind == .certificate)
        #expect(error.reason.contains("no known_hosts is configured"), "\(error)")
    }

    @Test func aPrivateKeyHeldInMemoryAuthenticates() async throws {
        let served = try await offPool { try Served() }
        let text = try String(contentsOfFile: served.server.clientKey, encoding: .utf8)
        let credentials = Credentials(
            sshKeys: [.init(name: "secret default/git-creds key identity", privateKey: text)],
            knownHosts: try KnownHosts(text: served.scanned, source: "scanned"))
        try await offPool { _ = try served.fetch(credentials) }
    }

    private static func key(_ line: String) throws -> SSHPublicKey {
        let fields = line.split(separator: " ").map(String.init)
        return try SSHPublicKey(type: fields[0], base64: fields[1])
    }

    private static func fetchError(_ served: Served, _ credentials: Credentials) async throws -> GitError {
        let outcome: GitError? = try await offPool {
            do {
                _ = try served.fetch(credentials)
                return nil
            } catch let error as GitError {
                return error
            }
        }
        return try #require(outcome, "the fetch was expected to be refused")
    }
}
