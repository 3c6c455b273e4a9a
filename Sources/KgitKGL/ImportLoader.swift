import Foundation

/// Reads the files a KGL file imports (`"./types.kgl"`, `"crd:vendor/cm.yaml"`) relative to the
/// repository root, and holds the pins of `kgit.lock`.
///
/// Every file import is pinned: by `sha256 "..."` on the import itself, or by a line of kgit.lock.
/// A file whose SHA-256 differs from its pin is `kgl-lock-mismatch`, naming the import and both
/// hashes; a file import with no pin at all is an error too, so that nothing is read unpinned.
public struct ImportLoader: Sendable {
    /// The file name of the lock at a repository root.
    public static let lockFileName = "kgit.lock"

    /// The root imports are relative to.
    public let root: String
    /// The pins of kgit.lock: import path (as written after any `crd:` prefix) to hex SHA-256.
    public let pins: [String: String]
    /// Lines of kgit.lock that are not pins.
    public let lockProblems: [(line: Int, text: String)]
    /// True when kgit.lock exists.
    public let hasLock: Bool
    let read: @Sendable (String) -> [UInt8]?

    /// A loader reading files below `root` from disk, with the pins of `<root>/kgit.lock` if present.
    public init(root: String) {
        let base = root.hasSuffix("/") ? root : root + "/"
        let read: @Sendable (String) -> [UInt8]? = { path in FileManager.default.contents(atPath: base + path).map { Array($0) } }
        self.init(root: root, lock: read(Self.lockFileName).map { String(decoding: $0, as: UTF8.self) }, read: read)
    }

    /// A loader over `read` (paths relative to the root) and the text of a lock file.
    public init(root: String, lock: String?, read: @escaping @Sendable (String) -> [UInt8]?) {
        self.root = root
        self.read = read
        self.hasLock = lock != nil
        var pins: [String: String] = [:]
        var problems: [(Int, String)] = []
        for (index, line) in (lock ?? "").split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let parts = text.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, parts[0] == "sha256", parts[1].count == 64,
                parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase })
            else {
                problems.append((index + 1, text))
                continue
            }
            pins[parts[2]] = parts[1]
        }
        self.pins = pins
        self.lockProblems = problems
    }

    /// The bytes of `path` (relative to the root), if it can be read.
    public func bytes(_ path: String) -> [UInt8]? { read(Self.normalized(path)) }

    /// `./a/b.kgl` as `a/b.kgl`.
    static func normalized(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return p
    }

    /// The text of a lock pinning each of `imports` (path to bytes) at its current hash.
    public static func lockText(_ imports: [(path: String, bytes: [UInt8])]) -> String {
        var lines = ["# kgit.lock: the SHA-256 of every file kgit.kgl imports. Written by `kgit lock`; review changes."]
        var seen = Set<String>()
        for entry in imports.sorted(by: { $0.path < $1.path }) where seen.insert(entry.path).inserted {
            lines.append("sha256 \(SHA256.hex(entry.bytes)) \(entry.path)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The hex SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> String { SHA256.hex(bytes) }
}
