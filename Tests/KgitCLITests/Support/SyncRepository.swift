import Foundation
import KgitTesting

/// A git work tree for end-to-end sync tests, committed with the real `git` through `Subprocess` (never blocking
/// the cooperative pool).
final class SyncRepository: @unchecked Sendable {
    let scratch: Scratch
    var path: String { scratch.path }

    private init(scratch: Scratch) {
        self.scratch = scratch
    }

    /// `git init -b main` in a fresh directory.
    static func make() async throws -> SyncRepository {
        let repository = SyncRepository(scratch: try Scratch("kgit-sync-repo"))
        try await repository.git("init", "-q", "-b", "main")
        return repository
    }

    /// Writes `text` to `relative`, creating directories.
    func write(_ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: scratch.url(relative))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Removes `relative`.
    func remove(_ relative: String) throws {
        try FileManager.default.removeItem(atPath: scratch.url(relative))
    }

    /// Copies the directory at `source` into the repository root.
    func copy(from source: String) throws {
        for item in try FileManager.default.contentsOfDirectory(atPath: source) {
            try FileManager.default.copyItem(atPath: source + "/" + item, toPath: scratch.url(item))
        }
    }

    /// `git add -A && git commit -m message`; returns the commit id.
    @discardableResult
    func commit(_ message: String) async throws -> String {
        try await git("add", "-A")
        try await git("commit", "-q", "--allow-empty", "-m", message)
        return try await git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `git add -A && git commit -S` signed with `key` (git's gpg.format=ssh); returns the commit id.
    @discardableResult
    func commit(_ message: String, signedWith key: SigningKey) async throws -> String {
        try await git("add", "-A")
        try await git(arguments: key.gitOptions + ["commit", "-q", "--allow-empty", "-S", "-m", message])
        return try await git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs git in the work tree with a fixed identity; throws on failure.
    @discardableResult
    func git(_ arguments: String...) async throws -> String {
        try await git(arguments: arguments)
    }

    /// Runs git in the work tree with a fixed identity; throws on failure.
    @discardableResult
    func git(arguments: [String]) async throws -> String {
        let result = try await Subprocess.run(
            "git", arguments, directory: URL(fileURLWithPath: path),
            environment: [
                "GIT_AUTHOR_NAME": "Ada Author", "GIT_AUTHOR_EMAIL": "ada@example.com",
                "GIT_COMMITTER_NAME": "Ada Author", "GIT_COMMITTER_EMAIL": "ada@example.com",
                "GIT_CONFIG_NOSYSTEM": "1",
            ])
        guard result.status == 0 else { throw GitFailed(description: "git \(arguments.joined(separator: " ")): \(result)") }
        return result.stdout
    }
}

/// A git command that failed in a test's setup.
struct GitFailed: Error, CustomStringConvertible {
    var description: String
}
