import Foundation
import KgitTesting
import Testing

@testable import KgitGit

/// Commits signed by the real git (`gpg.format=ssh`) with keys made by the real ssh-keygen, verified by kgit.
@Suite(.timeLimit(.minutes(3)))
struct RepositorySignatureTests {
    /// A work tree with one commit signed by `key` (nil: unsigned); returns the repository path and commit id.
    static func signedRepository(_ key: SigningKey?, message: String = "the shop") async throws -> (Scratch, String) {
        let scratch = try Scratch("kgit-signed")
        func git(_ arguments: [String]) async throws -> String {
            let result = try await Subprocess.run(
                "git", arguments, directory: URL(fileURLWithPath: scratch.path),
                environment: [
                    "GIT_AUTHOR_NAME": "Ada Author", "GIT_AUTHOR_EMAIL": "ada@example.com",
                    "GIT_COMMITTER_NAME": "Ada Author", "GIT_COMMITTER_EMAIL": "ada@example.com",
                    "GIT_CONFIG_NOSYSTEM": "1",
                ])
            guard result.status == 0 else { throw SigningKeyFailed(description: "git \(arguments): \(result)") }
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try await git(["init", "-q", "-b", "main"])
        try Data("kind: ConfigMap\n".utf8).write(to: URL(fileURLWithPath: scratch.url("settings.yaml")))
        _ = try await git(["add", "-A"])
        _ = try await git((key?.gitOptions ?? []) + ["commit", "-q"] + (key == nil ? [] : ["-S"]) + ["-m", message])
        return (scratch, try await git(["rev-parse", "HEAD"]))
    }

    static func verify(_ path: String, _ commit: String, _ signers: String) async throws -> Result<VerifiedCommit, CommitSignatureError> {
        let allowed = try AllowedSigners(parsing: signers, source: "allowed_signers")
        return try await offPool {
            let repository = try Repository.open(at: path)
            guard let id = ObjectID(hex: commit) else { throw GitError(.invalidArgument, operation: "test", reason: commit) }
            do {
                return .success(try repository.verifySignature(of: id, allowedSigners: allowed))
            } catch let error as CommitSignatureError {
                return .failure(error)
            }
        }
    }

    @Test("a commit signed with an allowed key verifies and names its principals", arguments: ["ed25519", "ecdsa", "rsa"])
    func allowedKeyVerifies(type: String) async throws {
        let keys = try Scratch("kgit-keys")
        let key = try await SigningKey.generate(type, name: "alice", in: keys.path)
        let (repository, commit) = try await Self.signedRepository(key)
        let result = try await Self.verify(repository.path, commit, key.allowedSigner("alice@example.com") + "\n")
        let verified = try result.get()
        #expect(verified.principals == ["alice@example.com"])
        #expect(verified.key.fingerprint == (try await key.fingerprint()))
        #expect(verified.commit.hex == commit)
    }

    @Test("an unsigned commit is refused, naming the commit and its committer")
    func unsignedIsRefused() async throws {
        let keys = try Scratch("kgit-keys")
        let key = try await SigningKey.generate(name: "alice", in: keys.path)
        let (repository, commit) = try await Self.signedRepository(nil)
        let result = try await Self.verify(repository.path, commit, key.allowedSigner("alice@example.com"))
        guard case .failure(let error) = result else { Issue.record("an unsigned commit verified"); return }
        #expect(error.kind == .unsigned)
        #expect(error.description.contains(String(commit.prefix(12))))
        #expect(error.description.contains("Ada Author <ada@example.com>"))
    }

    @Test("a key missing from the allowed signers is refused with its fingerprint")
    func unknownKeyIsRefused() async throws {
        let keys = try Scratch("kgit-keys")
        let alice = try await SigningKey.generate(name: "alice", in: keys.path)
        let mallory = try await SigningKey.generate(name: "mallory", in: keys.path)
        let (repository, commit) = try await Self.signedRepository(mallory)
        let result = try await Self.verify(repository.path, commit, alice.allowedSigner("alice@example.com"))
        guard case .failure(let error) = result else { Issue.record("an unknown key verified"); return }
        #expect(error.kind == .unknownKey)
        #expect(error.description.contains(try await mallory.fingerprint()), "\(error)")
    }

    @Test("a key allowed only for another namespace or an expired key is not an allowed signer")
    func namespacesAndValidityRestrictKeys() async throws {
        let keys = try Scratch("kgit-keys")
        let alice = try await SigningKey.generate(name: "alice", in: keys.path)
        let (repository, commit) = try await Self.signedRepository(alice)
        for options in [#"namespaces="file""#, #"valid-before="20200101""#, #"valid-after="29990101Z""#] {
            let result = try await Self.verify(repository.path, commit, alice.allowedSigner("alice@example.com", options: options))
            guard case .failure(let error) = result else { Issue.record("\(options) admitted the key"); continue }
            #expect(error.kind == .unknownKey, "\(options)")
            #expect(error.description.contains("allowed_signers:1"), "\(error)")
        }
        let admitted = try await Self.verify(
            repository.path, commit, alice.allowedSigner("alice@example.com", options: #"namespaces="git",valid-after="20200101""#))
        #expect((try? admitted.get()) != nil)
    }

    @Test("a commit changed after signing has a bad signature, naming the signer")
    func tamperedCommitIsRefused() async throws {
        let keys = try Scratch("kgit-keys")
        let alice = try await SigningKey.generate(name: "alice", in: keys.path)
        let (repository, commit) = try await Self.signedRepository(alice, message: "replicas: 2")
        let directory = URL(fileURLWithPath: repository.path)
        let object = try await Subprocess.run("git", ["cat-file", "commit", commit], directory: directory).stdout
        let forged = object.replacingOccurrences(of: "replicas: 2", with: "replicas: 200")
        #expect(forged != object)
        let written = try await Subprocess.run(
            "git", ["hash-object", "-t", "commit", "-w", "--stdin"], stdin: forged, directory: directory)
        let forgedID = written.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let result = try await Self.verify(repository.path, forgedID, alice.allowedSigner("alice@example.com"))
        guard case .failure(let error) = result else { Issue.record("a forged commit verified"); return }
        #expect(error.kind == .invalid)
        #expect(error.description.contains("alice@example.com"), "\(error)")
        #expect(error.description.contains(String(forgedID.prefix(12))), "\(error)")
    }
}
