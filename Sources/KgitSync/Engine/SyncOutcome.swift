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
    /// an apply that changed nothing leaves `metadata.resourceVersion` as it was. A server that writes anyway
    /// (a new `managedFields` timestamp) still reports unchanged when nothing but server bookkeeping
    /// (`resourceVersion`, `managedFields`, `status`) differs.
    public static func ofApply(before: YAMLValue?, after: YAMLValue) -> SyncOutcome {
        guard let before else { return .created }
        let old = before["metadata"]?["resourceVersion"]
        let new = after["metadata"]?["resourceVersion"]
        if let old, old == new { return .unchanged }
        return withoutBookkeeping(before) == withoutBookkeeping(after) ? .unchanged : .configured
    }

    /// `object` without `status`, `metadata.resourceVersion` and `metadata.managedFields`.
    static func withoutBookkeeping(_ object: YAMLValue) -> YAMLValue {
        guard case .mapping(var entries) = object else { return object }
        entries.removeAll { $0.key == "status" }
        if let index = entries.firstIndex(where: { $0.key == "metadata" }), case .mapping(var metadata) = entries[index].value {
            metadata.removeAll { $0.key == "resourceVersion" || $0.key == "managedFields" }
            entries[index].value = .mapping(metadata)
        }
        return .mapping(entries)
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
