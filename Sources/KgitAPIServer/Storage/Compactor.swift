import KgitStore

/// Compacts the store's history periodically, as upstream's apiserver does: each round compacts to
/// the revision seen one round earlier, so watches and paged lists can resume from anything newer
/// than one interval ago (older resourceVersions get 410 Gone) and the store does not grow without
/// bound.
struct Compactor: Sendable {
    let store: any Store

    /// One round: compacts to `previous` (when set and newer than the compaction point) and returns
    /// the current revision for the next round.
    func round(previous: Int64?) async -> Int64? {
        guard let status = try? await store.status() else { return previous }
        if let previous, previous > status.compactRevision, previous <= status.revision {
            try? await store.compact(previous)
        }
        return status.revision
    }

    /// Runs rounds every `interval` until cancelled.
    func run(every interval: Duration) async {
        var previous: Int64?
        while !Task.isCancelled {
            previous = await round(previous: previous)
            try? await Task.sleep(for: interval)
        }
    }
}
