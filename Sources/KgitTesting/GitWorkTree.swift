import Foundation

/// A real repository with a work tree, driven by the `git` command: the remote that tests mirror and fetch from.
public final class GitWorkTree {
    public let scratch: Scratch
    public var path: String { scratch.path }

    /// `git init -b main` in a fresh temporary directory.
    public init() throws {
        scratch = try Scratch("kgit-remote")
        try git("init", "-q", "-b", "main")
    }

    /// Writes `text` to `relative`, creating directories.
    public func write(_ relative: String, _ text: String) throws {
        try write(relative, bytes: Array(text.utf8))
    }

    public func write(_ relative: String, bytes: [UInt8]) throws {
        let file = scratch.url(relative)
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
    }

    /// Creates the symbolic link `relative` -> `target` (written as given, not resolved).
    public func symlink(_ relative: String, to target: String) throws {
        let file = scratch.url(relative)
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: target)
    }

    /// `git add -A && git commit -m message`; returns the new commit id.
    @discardableResult
    public func commit(_ message: String) throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", message)
        return try revParse("HEAD")
    }

    /// `git rev-parse --verify expression`.
    public func revParse(_ expression: String) throws -> String {
        try git("rev-parse", "--verify", "-q", expression).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `git args` in the work tree with a fixed identity; returns standard output, throws on failure.
    @discardableResult
    public func git(_ args: String...) throws -> String {
        try Self.run(args, in: path)
    }

    @discardableResult
    public static func run(_ args: [String], in directory: String, input: String? = nil) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_AUTHOR_NAME"] = "Ada Author"
        environment["GIT_AUTHOR_EMAIL"] = "ada@example.com"
        environment["GIT_COMMITTER_NAME"] = "Ada Author"
        environment["GIT_COMMITTER_EMAIL"] = "ada@example.com"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        let result = try Subprocess.runBlocking(
            "/usr/bin/git", args, stdin: input, directory: URL(fileURLWithPath: directory), environment: environment)
        guard result.status == 0 else {
            throw GitCommandFailed(args: args, status: result.status, stderr: result.stderr)
        }
        let out = result.stdout
        return out
    }
}

public struct GitCommandFailed: Error, CustomStringConvertible {
    public let args: [String]
    public let status: Int32
    public let stderr: String
    public var description: String { "git \(args.joined(separator: " ")) exited \(status): \(stderr)" }
}
