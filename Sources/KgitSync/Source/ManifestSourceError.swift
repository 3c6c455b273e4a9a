import KgitGit

/// A failure to load desired state, naming the repository, revision and directory, and keeping the cause.
public struct ManifestSourceError: Error, CustomStringConvertible, Sendable {
    /// Why loading failed.
    public enum Reason: Sendable {
        /// A git operation failed (unreachable remote, unknown revision, escaping symlink, huge file, ...).
        case git(GitError)
        /// The directory holds more manifest files than the limit.
        case tooManyFiles(found: Int, limit: Int)
        /// The manifest files add up to more bytes than the limit.
        case tooManyBytes(found: Int, limit: Int)
    }

    /// `<url> at <revision>, directory "<path>"`.
    public let source: String
    public let reason: Reason

    public init(source: String, reason: Reason) {
        self.source = source
        self.reason = reason
    }

    /// The underlying git error, when git failed.
    public var gitError: GitError? {
        if case .git(let error) = reason { return error }
        return nil
    }

    public var description: String {
        switch reason {
        case .git(let error):
            return "loading manifests from \(source): \(error)"
        case .tooManyFiles(let found, let limit):
            return "loading manifests from \(source): \(found) manifest files, over the limit of \(limit)"
        case .tooManyBytes(let found, let limit):
            return "loading manifests from \(source): the manifest files total \(found) bytes, "
                + "over the limit of \(limit) bytes"
        }
    }
}
