import KgitAPIMachinery
import Synchronization

/// Per-topology-domain pod counts a snapshot keeps up to date as pods are assumed, bound and removed, so
/// that PodTopologySpread and InterPodAffinity read them instead of rescanning every pod each cycle.
///
/// - **Selector counts**: for a query (namespaces, label selector, topology key), how many assigned pods it
///   selects in each domain. A query is counted by one scan the first time a plugin asks, then kept current
///   by every pod added or removed.
/// - **Carried anti-affinity**: every required anti-affinity term of an assigned pod, with how many pods
///   carrying it sit in each domain; an incoming pod looks up only the terms that may select it.
/// - **Domains**: how many nodes carry each value of a topology key.
///
/// Queries and terms are bucketed by their first `key=value` requirement, so a pod is checked only against
/// those whose bucket its labels name (and those without such a requirement). A change of node labels or
/// the removal of a node drops everything (rebuilt on the next read). Owned by one `Snapshot` at a time:
/// the snapshot copies it before changing it when another snapshot shares it.
final class TopologyIndex: @unchecked Sendable {
    /// A selector-count query.
    struct Query: Hashable {
        var namespaces: Set<String>
        var selector: LabelSelector
        var topologyKey: String
        /// PodTopologySpread does not count terminating pods; affinity does.
        var excludeTerminating: Bool

        func selects(_ pod: Pod) -> Bool {
            namespaces.contains(pod.namespace) && !(excludeTerminating && pod.isTerminating)
                && selector.matches(pod.labels)
        }
    }

    private struct State {
        var counts: [Query: [String: Int]] = [:]
        var queryBuckets: [String: [Query]] = [:]
        var carried: [PodAffinityTerm: [String: Int]] = [:]
        var carriedBuckets: [String: Set<PodAffinityTerm>] = [:]
        var carriedBuilt = false
        var domains: [String: [String: Int]] = [:]
        /// Assigned pods by each of their `key=value` labels, with their node's labels: a new query with a
        /// `key=value` bucket is counted from these instead of from every pod.
        var podsByLabel: [String: [String: (pod: Pod, nodeLabels: [String: String])]] = [:]
        /// Whether `podsByLabel` holds every assigned pod (false after a reset, until the next count rebuilds it).
        var labelIndexBuilt = true
    }

    private let state: Mutex<State>

    init() { state = Mutex(State()) }

    private init(copying other: State) { state = Mutex(other) }

    /// An independent copy.
    func copy() -> TopologyIndex { state.withLock { TopologyIndex(copying: $0) } }

    /// The bucket of a selector: its first single-valued equality as `key=value`, or "" when it has none.
    static func bucket(_ selector: LabelSelector) -> String {
        for requirement in selector.requirements {
            switch requirement {
            case .equals(let k, let v): return k + "=" + v
            case .in(let k, let values) where values.count == 1: return k + "=" + (values.first ?? "")
            default: continue
            }
        }
        return ""
    }

    /// The buckets a pod's labels can fall in.
    static func buckets(of pod: Pod) -> [String] { [""] + pod.labels.map { $0.key + "=" + $0.value } }

    // MARK: - Changes

    /// Counts (delta 1) or uncounts (−1) a pod assigned to a node with these labels.
    func update(_ pod: Pod, nodeLabels: [String: String], delta: Int) {
        state.withLock { s in
            if s.labelIndexBuilt {
                for (key, value) in pod.labels {
                    let bucket = key + "=" + value
                    if delta > 0 {
                        s.podsByLabel[bucket, default: [:]][pod.key] = (pod, nodeLabels)
                    } else {
                        s.podsByLabel[bucket]?[pod.key] = nil
                        if s.podsByLabel[bucket]?.isEmpty == true { s.podsByLabel[bucket] = nil }
                    }
                }
            }
            if !s.counts.isEmpty {
                for bucket in TopologyIndex.buckets(of: pod) {
                    for query in s.queryBuckets[bucket] ?? [] where query.selects(pod) {
                        guard let domain = nodeLabels[query.topologyKey] else { continue }
                        s.counts[query]?[domain, default: 0] += delta
                    }
                }
            }
            if s.carriedBuilt {
                for term in pod.podAntiAffinity.required {
                    guard let domain = nodeLabels[term.topologyKey] else { continue }
                    s.carried[term, default: [:]][domain, default: 0] += delta
                    if s.carried[term]?[domain] == 0 { s.carried[term]?[domain] = nil }
                    if s.carried[term]?.isEmpty == true {
                        s.carried[term] = nil
                        s.carriedBuckets[TopologyIndex.bucket(term.labelSelector ?? LabelSelector(requirements: []))]?.remove(term)
                    } else {
                        s.carriedBuckets[TopologyIndex.bucket(term.labelSelector ?? LabelSelector(requirements: [])), default: []].insert(term)
                    }
                }
            }
        }
    }

    /// Forgets everything (node labels changed or a node left); the next reads rebuild what they need.
    func reset() {
        state.withLock { s in
            s = State()
            s.labelIndexBuilt = false
        }
    }

    /// Forgets the domain tables (a node joined).
    func nodesChanged() { state.withLock { $0.domains = [:] } }

    // MARK: - Reads

    /// The pods `query` selects, per domain, counting them over `nodes` the first time.
    func counts(_ query: Query, nodes: [NodeInfo]) -> [String: Int] {
        state.withLock { s in
            if let known = s.counts[query] { return known }
            if !s.labelIndexBuilt {
                for info in nodes {
                    for pod in info.pods {
                        for (key, value) in pod.labels {
                            s.podsByLabel[key + "=" + value, default: [:]][pod.key] = (pod, info.node.labels)
                        }
                    }
                }
                s.labelIndexBuilt = true
            }
            var table: [String: Int] = [:]
            let bucket = TopologyIndex.bucket(query.selector)
            if bucket.isEmpty {
                for info in nodes {
                    guard let domain = info.node.labels[query.topologyKey] else { continue }
                    var n = 0
                    for pod in info.pods where query.selects(pod) { n += 1 }
                    if n > 0 { table[domain, default: 0] += n }
                }
            } else {
                // Only pods carrying the selector's key=value label can match it.
                for (_, entry) in s.podsByLabel[bucket] ?? [:] where query.selects(entry.pod) {
                    if let domain = entry.nodeLabels[query.topologyKey] { table[domain, default: 0] += 1 }
                }
            }
            s.counts[query] = table
            s.queryBuckets[TopologyIndex.bucket(query.selector), default: []].append(query)
            return table
        }
    }

    /// How many nodes carry each value of `key`.
    func domains(_ key: String, nodes: [NodeInfo]) -> [String: Int] {
        state.withLock { s in
            if let known = s.domains[key] { return known }
            var table: [String: Int] = [:]
            for info in nodes { if let value = info.node.labels[key] { table[value, default: 0] += 1 } }
            s.domains[key] = table
            return table
        }
    }

    /// Calls `body` with each carried required anti-affinity term that may select `pod` (its bucket matches)
    /// and the term's carriers per domain, building the table over `nodes` the first time.
    func forEachCarriedTerm(mayMatch pod: Pod, nodes: [NodeInfo], _ body: (PodAffinityTerm, [String: Int]) -> Void) {
        state.withLock { s in
            if !s.carriedBuilt {
                for info in nodes where info.podsWithRequiredAntiAffinityCount > 0 {
                    for existing in info.pods {
                        for term in existing.podAntiAffinity.required {
                            guard let domain = info.node.labels[term.topologyKey] else { continue }
                            s.carried[term, default: [:]][domain, default: 0] += 1
                            s.carriedBuckets[TopologyIndex.bucket(term.labelSelector ?? LabelSelector(requirements: [])), default: []].insert(term)
                        }
                    }
                }
                s.carriedBuilt = true
            }
            for bucket in TopologyIndex.buckets(of: pod) {
                for term in s.carriedBuckets[bucket] ?? [] {
                    if let domains = s.carried[term] { body(term, domains) }
                }
            }
        }
    }
}
