/// The order in which a controller scales pods down: upstream's `ActivePodsWithRanks`, with the
/// pods to delete first sorting first.
///
/// 1. a pod not yet bound to a node before a bound one;
/// 2. `Pending` before `Unknown` before `Running`;
/// 3. not ready before ready;
/// 4. a lower `controller.kubernetes.io/pod-deletion-cost` first;
/// 5. a pod sharing its node with more related pods (a higher rank) first;
/// 6. of two ready pods, the one ready for the shorter time first;
/// 7. the pod whose containers restarted more first;
/// 8. the newer pod first.
///
/// Upstream compares ready and creation times on a logarithmic scale (`LogarithmicScaleDown`) and
/// then breaks ties by UID hash; kgit compares exact times and breaks ties by name.
public enum PodDeletionOrder {
    /// The pods sorted deletion-first, ranking each by the number of `related` pods on its node.
    public static func sorted(_ pods: [Pod], related: [Pod]) -> [Pod] {
        var onNode: [String: Int] = [:]
        for p in related where !p.nodeName.isEmpty { onNode[p.nodeName, default: 0] += 1 }
        let ranked = pods.map { ($0, onNode[$0.nodeName] ?? 0) }
        return ranked.sorted { deletesFirst($0.0, rank: $0.1, before: $1.0, rank: $1.1) }.map(\.0)
    }

    static func phaseOrder(_ p: Pod.Phase) -> Int {
        switch p {
        case .pending: return 0
        case .unknown: return 1
        case .running: return 2
        case .succeeded, .failed: return 3
        }
    }

    /// Whether `a` (with rank `ra`) is deleted before `b` (with rank `rb`).
    static func deletesFirst(_ a: Pod, rank ra: Int, before b: Pod, rank rb: Int) -> Bool {
        if a.nodeName.isEmpty != b.nodeName.isEmpty { return a.nodeName.isEmpty }
        if phaseOrder(a.phase) != phaseOrder(b.phase) { return phaseOrder(a.phase) < phaseOrder(b.phase) }
        if a.isReady != b.isReady { return !a.isReady }
        if a.deletionCost != b.deletionCost { return a.deletionCost < b.deletionCost }
        if ra != rb { return ra > rb }
        if a.isReady && b.isReady && a.readySince != b.readySince {
            guard let ta = a.readySince else { return true }
            guard let tb = b.readySince else { return false }
            return ta > tb
        }
        if a.maxRestartCount != b.maxRestartCount { return a.maxRestartCount > b.maxRestartCount }
        if a.meta.creationTimestamp != b.meta.creationTimestamp {
            guard let ta = a.meta.creationTimestamp else { return true }
            guard let tb = b.meta.creationTimestamp else { return false }
            return ta > tb
        }
        return a.meta.name < b.meta.name
    }
}
