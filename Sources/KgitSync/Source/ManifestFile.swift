import KgitGit

/// One file of desired state read from git: a YAML manifest or the `kgit.kgl` configuration.
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

    /// Whether a file at `path` is desired state: `*.yaml`, `*.yml` (any case) or `kgit.kgl`.
    public static func isManifest(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name == configurationName { return true }
        let lower = name.lowercased()
        return (lower.hasSuffix(".yaml") && lower.count > 5) || (lower.hasSuffix(".yml") && lower.count > 4)
    }
}
