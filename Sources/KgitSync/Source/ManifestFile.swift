import KgitGit

/// One file of desired state read from git: a YAML manifest, a KGL file (`kgit.kgl` and the `*.kgl` files it
/// imports) or the `kgit.lock` that pins KGL's external imports.
public struct ManifestFile: Hashable, Sendable {
    /// The path from the repository root: `clusters/prod/web/deployment.yaml`.
    public let path: String
    /// The blob the bytes came from (the symbolic link's target for a linked file); equal ids mean equal bytes.
    public let blob: ObjectID
    /// The raw bytes, exactly as committed.
    public let bytes: [UInt8]

    public init(path: String, blob: ObjectID, bytes: [UInt8]) {
        self.path = path
        self.blob = blob
        self.bytes = bytes
    }

    /// The file name `kgit.kgl`, which configures the directory it sits in.
    public static let configurationName = "kgit.kgl"

    /// The file name `kgit.lock`, which pins the hashes of KGL's external imports.
    public static let lockName = "kgit.lock"

    /// Whether a file at `path` is desired state: `*.yaml`, `*.yml` (either in any case), `*.kgl` or
    /// `kgit.lock`. A bare extension (`.yaml`) is a hidden file, not a manifest.
    public static func isManifest(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name == lockName { return true }
        let lower = name.lowercased()
        for suffix in [".yaml", ".yml"] where lower.hasSuffix(suffix) && lower.count > suffix.count {
            return true
        }
        return name.hasSuffix(".kgl") && name.count > 4
    }
}
