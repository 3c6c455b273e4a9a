/// Paths inside a repository: `/`-separated, relative to the repository root, with no `.` or `..` left.
///
/// Users write `./manifests/`, `/manifests` or `manifests`; git's trees only know `manifests`. These helpers turn
/// the first forms into the last, refuse paths that climb above the root, and resolve symbolic-link targets
/// lexically, the way git stores them (a link's blob holds its target text).
public enum RepositoryPath {
    /// The canonical form of `path`: no leading or trailing `/`, no empty or `.` components; "" is the root.
    ///
    /// - Throws: `.invalidArgument` when a `..` component would climb above the repository root.
    public static func normalize(_ path: String) throws -> String {
        guard let parts = resolve(path.split(separator: "/", omittingEmptySubsequences: true), from: []) else {
            throw GitError(
                .invalidArgument, operation: "reading path \"\(path)\"",
                reason: "the path climbs above the repository root")
        }
        return parts.joined(separator: "/")
    }

    /// The path a symbolic link at `linkPath` points to, or nil when its `target` leaves the repository.
    ///
    /// A relative target is taken from the link's directory (`a/b/link -> ../c` is `a/c`); an absolute target
    /// always leaves the repository, since kgit never reads outside it.
    public static func symlinkTarget(of linkPath: String, target: String) -> String? {
        if target.hasPrefix("/") || target.isEmpty { return nil }
        var directory = linkPath.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if !directory.isEmpty { directory.removeLast() }
        guard let parts = resolve(target.split(separator: "/", omittingEmptySubsequences: true), from: directory) else {
            return nil
        }
        return parts.joined(separator: "/")
    }

    /// `child` joined under `parent` ("" is the root).
    public static func join(_ parent: String, _ child: String) -> String {
        parent.isEmpty ? child : child.isEmpty ? parent : parent + "/" + child
    }

    /// Applies `components` to the starting directory `base`; nil when `..` climbs above the root.
    private static func resolve(_ components: [Substring], from base: [String]) -> [String]? {
        var out = base
        for component in components {
            switch component {
            case ".": continue
            case "..":
                if out.isEmpty { return nil }
                out.removeLast()
            default: out.append(String(component))
            }
        }
        return out
    }
}
