internal import CGit2

/// An error from a git operation: what kgit was doing, why it failed, and libgit2's own words when libgit2 failed.
///
/// `description` reads as one line that names the object of the operation (the remote URL, the revision, the
/// path) and keeps libgit2's message, for example:
///
///     fetching git://127.0.0.1:9/missing.git: the remote is unreachable (libgit2: failed to connect to
///     127.0.0.1: Connection refused)
///
/// Callers branch on `kind`; the strings are for people.
public struct GitError: Error, CustomStringConvertible, Sendable {
    /// Why an operation failed, coarse enough to act on.
    public enum Kind: Sendable, Equatable {
        /// A revision, reference, object or path does not exist.
        case notFound
        /// An abbreviated commit id or a short name matches more than one object.
        case ambiguous
        /// The remote could not be reached: refused connection, unknown host, missing path, failed transport.
        case unreachable
        /// The remote asked for credentials and none of the ones offered were accepted.
        case authentication
        /// A TLS certificate or SSH host key was rejected.
        case certificate
        /// A symbolic link points outside the repository (or into a loop), so kgit refuses to follow it.
        case symlinkEscapesRepository
        /// A file is larger than the limit the caller set.
        case fileTooLarge
        /// The object has the wrong type for the operation (a directory where a file was expected, ...).
        case wrongObjectType
        /// An argument was malformed (an invalid URL, revision or path).
        case invalidArgument
        /// The repository on disk is not usable (not a repository, corrupt, locked).
        case repository
        /// Any other libgit2 failure; `libgit2Message` says more.
        case other
    }

    /// Why the operation failed.
    public let kind: Kind
    /// What kgit was doing, naming its object: `resolving revision "v2" in /var/cache/kgit/x.git`.
    public let operation: String
    /// The failure in kgit's words.
    public let reason: String
    /// libgit2's negative return code, when libgit2 reported the failure.
    public let libgit2Code: Int32?
    /// libgit2's message (`git_error_last`), when it gave one.
    public let libgit2Message: String?

    /// Creates an error that kgit raises itself, outside libgit2.
    public init(_ kind: Kind, operation: String, reason: String) {
        self.kind = kind
        self.operation = operation
        self.reason = reason
        self.libgit2Code = nil
        self.libgit2Message = nil
    }

    init(_ kind: Kind, operation: String, reason: String, libgit2Code: Int32?, libgit2Message: String?) {
        self.kind = kind
        self.operation = operation
        self.reason = reason
        self.libgit2Code = libgit2Code
        self.libgit2Message = libgit2Message
    }

    public var description: String {
        var text = "\(operation): \(reason)"
        if let libgit2Message, !libgit2Message.isEmpty {
            text += " (libgit2: \(libgit2Message))"
        } else if let libgit2Code {
            text += " (libgit2 error \(libgit2Code))"
        }
        return text
    }
}

// MARK: - Turning libgit2 return codes into errors

extension GitError {
    /// Builds an error from a negative libgit2 return code and the thread's last libgit2 error.
    ///
    /// Must be called on the thread that made the failing call, before any other libgit2 call: `git_error_last`
    /// is thread-local and overwritten by the next failure. In libgit2 1.5 it may be nil.
    static func fromLibgit2(_ code: Int32, operation: String) -> GitError {
        var message: String?
        var errorClass: Int32 = -1
        if let last = git_error_last(), let text = last.pointee.message {
            message = String(cString: text).trimmingTrailingNewlines()
            errorClass = last.pointee.klass
        }
        let kind = classify(code: code, errorClass: errorClass)
        return GitError(
            kind, operation: operation, reason: reason(for: kind, code: code),
            libgit2Code: code, libgit2Message: message)
    }

    private static func classify(code: Int32, errorClass: Int32) -> Kind {
        switch code {
        case GIT_ENOTFOUND.rawValue:
            // A missing remote repository (file:// path, git daemon 'not found') is an unreachable remote.
            return errorClass == Int32(GIT_ERROR_NET.rawValue) ? .unreachable : .notFound
        case GIT_EAMBIGUOUS.rawValue: return .ambiguous
        case GIT_EAUTH.rawValue: return .authentication
        case GIT_ECERTIFICATE.rawValue: return .certificate
        case GIT_EINVALIDSPEC.rawValue, GIT_EINVALID.rawValue: return .invalidArgument
        case GIT_EPEEL.rawValue, GIT_EDIRECTORY.rawValue: return .wrongObjectType
        case GIT_ELOCKED.rawValue, GIT_EOWNER.rawValue, GIT_EBAREREPO.rawValue: return .repository
        default: break
        }
        switch errorClass {
        case Int32(GIT_ERROR_NET.rawValue), Int32(GIT_ERROR_SSH.rawValue), Int32(GIT_ERROR_HTTP.rawValue),
            Int32(GIT_ERROR_SSL.rawValue):
            return .unreachable
        case Int32(GIT_ERROR_REPOSITORY.rawValue): return .repository
        default: return .other
        }
    }

    private static func reason(for kind: Kind, code: Int32) -> String {
        switch kind {
        case .notFound: return "not found"
        case .ambiguous: return "ambiguous"
        case .unreachable: return "the remote is unreachable"
        case .authentication: return "authentication failed"
        case .certificate: return "the server's certificate or host key was rejected"
        case .invalidArgument: return "invalid argument"
        case .wrongObjectType: return "wrong object type"
        case .repository: return "the repository is not usable"
        case .symlinkEscapesRepository: return "symbolic link escapes the repository"
        case .fileTooLarge: return "file too large"
        case .other: return "libgit2 failed with code \(code)"
        }
    }
}

/// Throws a `GitError` naming `operation` when a libgit2 call returns a negative code; returns the code otherwise.
@discardableResult
func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(GitError) -> Int32 {
    if code < 0 {
        throw GitError.fromLibgit2(code, operation: operation())
    }
    return code
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
