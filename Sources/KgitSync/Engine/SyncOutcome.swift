import KgitYAML

/// What happened to one object in a sync, as `kgit sync` reports it.
public enum SyncOutcome: Sendable, Hashable {
    case created
    case configured
    case unchanged
    case pruned
    case skipped(reason: String)
    case failed(reason: String)

    /// The outcome of a server-side apply, from the object before (nil: it did not exist) and after:
    /// an apply that changed nothing leaves `metadata.resourceVersion` as it was.
    public static func ofApply(before: YAMLValue?, after: YAMLValue) -> SyncOutcome {
        guard let before else { return .created }
        let old = before["metadata"]?["resourceVersion"]
        let new = after["metadata"]?["resourceVersion"]
        if let old, old == new { return .unchanged }
        return .configured
    }

    /// `created`, `configured`, `unchanged`, `pruned`, `skipped: reason`, `failed: reason`.
    public var text: String {
        switch self {
        case .created: "created"
        case .configured: "configured"
        case .unchanged: "unchanged"
        case .pruned: "pruned"
        case .skipped(let reason): "skipped: \(reason)"
        case .failed(let reason): "failed: \(reason)"
        }
    }

    /// The summary bucket this outcome is counted in.
    var summaryName: String {
        switch self {
        case .created: "created"
        case .configured: "configured"
        case .unchanged: "unchanged"
        case .pruned: "pruned"
        case .skipped: "skipped"
        case .failed: "failed"
        }
    }
}
