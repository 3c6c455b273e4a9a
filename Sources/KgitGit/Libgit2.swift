internal import CGit2

/// The process-wide libgit2 state: initialised once, on first use, and never shut down.
///
/// `git_libgit2_init` is reference-counted and sets up global state (TLS, allocators, the threading layer);
/// every type in this module calls `Libgit2.ensureInitialized()` before its first libgit2 call. Shutting down
/// while another thread still uses libgit2 is undefined behaviour, so kgit keeps the library alive for the
/// lifetime of the process; the operating system reclaims it at exit.
enum Libgit2 {
    /// The result of the one `git_libgit2_init` call. Swift runs a global's initialiser exactly once, under a
    /// lock, so concurrent first uses are safe.
    private static let initialization: Int32 = git_libgit2_init()

    /// Initialises libgit2 if no one has yet. Cheap after the first call.
    static func ensureInitialized() {
        _ = initialization
    }

    /// The linked libgit2 version, as `major.minor.revision`.
    static var version: String {
        ensureInitialized()
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }

    /// Whether the linked libgit2 was built with thread safety, HTTPS and SSH.
    static var features: (threads: Bool, https: Bool, ssh: Bool) {
        ensureInitialized()
        let f = git_libgit2_features()
        return (
            f & Int32(GIT_FEATURE_THREADS.rawValue) != 0,
            f & Int32(GIT_FEATURE_HTTPS.rawValue) != 0,
            f & Int32(GIT_FEATURE_SSH.rawValue) != 0
        )
    }
}
