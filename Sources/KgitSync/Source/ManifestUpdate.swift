/// What changed in the desired state between two loads: only these files need parsing and validating again.
public struct ManifestUpdate: Sendable {
    /// The state after the update, complete.
    public let snapshot: ManifestSnapshot
    /// Files added or whose contents changed, in path order.
    public let changed: [ManifestFile]
    /// Paths of files that no longer exist (or are no longer manifests), in order.
    public let removed: [String]

    public init(snapshot: ManifestSnapshot, changed: [ManifestFile], removed: [String]) {
        self.snapshot = snapshot
        self.changed = changed
        self.removed = removed
    }

    /// Whether nothing changed: the previous parse results all still hold.
    public var isEmpty: Bool { changed.isEmpty && removed.isEmpty }
}
