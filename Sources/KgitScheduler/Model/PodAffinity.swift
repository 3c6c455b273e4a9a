import KgitAPIMachinery

extension LabelSelector {
    /// Reads a `metav1.LabelSelector` (`matchLabels` and `matchExpressions`) into requirements; nil when the
    /// field is absent (which, in affinity terms, matches nothing, while an empty selector matches everything).
    static func reading(_ r: FieldReader) throws(DecodingError) -> LabelSelector? {
        guard !r.isAbsent else { return nil }
        var requirements: [Requirement] = []
        for (key, value) in try r["matchLabels"].stringMap().sorted(by: { $0.key < $1.key }) {
            requirements.append(.equals(key, value))
        }
        for e in try r["matchExpressions"].elements() {
            guard let key = try e["key"].string() else { throw e["key"].error("a requirement needs a key") }
            let values = try e["values"].strings()
            switch try e["operator"].string() {
            case "In": requirements.append(.in(key, Set(values)))
            case "NotIn": requirements.append(.notIn(key, Set(values)))
            case "Exists": requirements.append(.exists(key))
            case "DoesNotExist": requirements.append(.doesNotExist(key))
            case let other:
                throw e["operator"].error("unknown operator \"\(other ?? "")\" (In, NotIn, Exists, DoesNotExist)")
            }
        }
        return LabelSelector(requirements: requirements)
    }

    /// Adds `key = value` for each of `keys` the pod's labels carry (`matchLabelKeys`), or `key != value`
    /// (`mismatchLabelKeys`).
    mutating func add(labelKeys keys: [String], from labels: [String: String], equal: Bool) {
        for key in keys {
            guard let value = labels[key] else { continue }
            requirements.append(equal ? .equals(key, value) : .notEquals(key, value))
        }
    }
}

/// A pod (anti-)affinity term: the pods it selects and the topology domain they are counted in.
public struct PodAffinityTerm: Sendable, Hashable {
    /// Which pods the term selects; nil selects none.
    public var labelSelector: LabelSelector?
    /// The namespaces searched; resolved at decoding to the owning pod's namespace when neither
    /// `namespaces` nor `namespaceSelector` is given.
    public var namespaces: Set<String>
    /// Selects namespaces by their labels; an empty selector selects every namespace.
    public var namespaceSelector: LabelSelector?
    /// The node label whose value names the topology domain (`kubernetes.io/hostname`, `topology.kubernetes.io/zone`).
    public var topologyKey: String

    /// Creates a term.
    public init(
        labelSelector: LabelSelector?, namespaces: Set<String>, namespaceSelector: LabelSelector? = nil,
        topologyKey: String
    ) {
        self.labelSelector = labelSelector
        self.namespaces = namespaces
        self.namespaceSelector = namespaceSelector
        self.topologyKey = topologyKey
    }

    /// Whether the term selects the pod, given the labels of the pod's namespace.
    public func matches(_ pod: Pod, namespaceLabels: [String: String]) -> Bool {
        guard let labelSelector else { return false }
        let namespaceSelected =
            namespaces.contains(pod.namespace)
            || (namespaceSelector.map { $0.isEmpty || $0.matches(namespaceLabels) } ?? false)
        return namespaceSelected && labelSelector.matches(pod.labels)
    }

    init(reading r: FieldReader, owner: (namespace: String, labels: [String: String])) throws(DecodingError) {
        guard let topologyKey = try r["topologyKey"].string(), !topologyKey.isEmpty else {
            throw r["topologyKey"].error("a pod affinity term needs a topologyKey")
        }
        var selector = try LabelSelector.reading(r["labelSelector"])
        if selector != nil {
            selector?.add(labelKeys: try r["matchLabelKeys"].strings(), from: owner.labels, equal: true)
            selector?.add(labelKeys: try r["mismatchLabelKeys"].strings(), from: owner.labels, equal: false)
        }
        let namespaceSelector = try LabelSelector.reading(r["namespaceSelector"])
        var namespaces = Set(try r["namespaces"].strings())
        if namespaces.isEmpty && namespaceSelector == nil { namespaces = [owner.namespace] }
        self.init(
            labelSelector: selector, namespaces: namespaces, namespaceSelector: namespaceSelector,
            topologyKey: topologyKey)
    }
}

/// A weighted preferred pod (anti-)affinity term.
public struct WeightedPodAffinityTerm: Sendable, Equatable {
    /// The weight, 1 to 100.
    public var weight: Int64
    /// The term.
    public var term: PodAffinityTerm

    /// Creates a weighted term.
    public init(weight: Int64, term: PodAffinityTerm) {
        self.weight = weight
        self.term = term
    }
}

/// A pod's affinity or anti-affinity to other pods: required and preferred terms.
public struct PodAffinityRules: Sendable, Equatable {
    /// `requiredDuringSchedulingIgnoredDuringExecution`.
    public var required: [PodAffinityTerm]
    /// `preferredDuringSchedulingIgnoredDuringExecution`.
    public var preferred: [WeightedPodAffinityTerm]

    /// Creates rules.
    public init(required: [PodAffinityTerm] = [], preferred: [WeightedPodAffinityTerm] = []) {
        self.required = required
        self.preferred = preferred
    }

    /// Whether there are no terms.
    public var isEmpty: Bool { required.isEmpty && preferred.isEmpty }

    init(reading r: FieldReader, owner: (namespace: String, labels: [String: String])) throws(DecodingError) {
        var required: [PodAffinityTerm] = []
        for t in try r["requiredDuringSchedulingIgnoredDuringExecution"].elements() {
            required.append(try PodAffinityTerm(reading: t, owner: owner))
        }
        var preferred: [WeightedPodAffinityTerm] = []
        for p in try r["preferredDuringSchedulingIgnoredDuringExecution"].elements() {
            guard let weight = try p["weight"].int(), (1...100).contains(weight) else {
                throw p["weight"].error("a preferred term needs a weight from 1 to 100")
            }
            preferred.append(
                WeightedPodAffinityTerm(weight: weight, term: try PodAffinityTerm(reading: p["podAffinityTerm"], owner: owner)))
        }
        self.init(required: required, preferred: preferred)
    }
}

/// How a topology spread constraint treats a node that cannot satisfy it.
public enum UnsatisfiableConstraintAction: String, Sendable, Equatable {
    /// A filter: the pod is not placed where the skew would grow beyond `maxSkew`.
    case doNotSchedule = "DoNotSchedule"
    /// A preference: nodes that reduce the skew score higher.
    case scheduleAnyway = "ScheduleAnyway"
}

/// A pod topology spread constraint.
public struct TopologySpreadConstraint: Sendable, Equatable {
    /// The largest allowed difference between the matching pods in a domain and the global minimum.
    public var maxSkew: Int64
    /// The node label that names domains.
    public var topologyKey: String
    /// Filter or score.
    public var whenUnsatisfiable: UnsatisfiableConstraintAction
    /// The pods counted; nil counts none.
    public var labelSelector: LabelSelector?
    /// The fewest eligible domains; with fewer, the global minimum is taken as zero.
    public var minDomains: Int64?
    /// Whether only nodes matching the pod's node affinity and selector are counted (default true, "Honor").
    public var honorNodeAffinity: Bool
    /// Whether nodes with taints the pod does not tolerate are left out (default false, "Ignore").
    public var honorNodeTaints: Bool

    /// Creates a constraint.
    public init(
        maxSkew: Int64, topologyKey: String, whenUnsatisfiable: UnsatisfiableConstraintAction,
        labelSelector: LabelSelector?, minDomains: Int64? = nil, honorNodeAffinity: Bool = true,
        honorNodeTaints: Bool = false
    ) {
        self.maxSkew = maxSkew
        self.topologyKey = topologyKey
        self.whenUnsatisfiable = whenUnsatisfiable
        self.labelSelector = labelSelector
        self.minDomains = minDomains
        self.honorNodeAffinity = honorNodeAffinity
        self.honorNodeTaints = honorNodeTaints
    }

    init(reading r: FieldReader, ownerLabels: [String: String]) throws(DecodingError) {
        guard let maxSkew = try r["maxSkew"].int(), maxSkew > 0 else {
            throw r["maxSkew"].error("maxSkew must be a positive integer")
        }
        guard let topologyKey = try r["topologyKey"].string(), !topologyKey.isEmpty else {
            throw r["topologyKey"].error("a topology spread constraint needs a topologyKey")
        }
        let actionText = try r["whenUnsatisfiable"].string() ?? ""
        guard let action = UnsatisfiableConstraintAction(rawValue: actionText) else {
            throw r["whenUnsatisfiable"].error("expected DoNotSchedule or ScheduleAnyway, found \"\(actionText)\"")
        }
        var selector = try LabelSelector.reading(r["labelSelector"])
        if selector != nil {
            selector?.add(labelKeys: try r["matchLabelKeys"].strings(), from: ownerLabels, equal: true)
        }
        let minDomains = try r["minDomains"].int()
        if let minDomains, minDomains < 1 { throw r["minDomains"].error("minDomains must be at least 1") }
        let affinityPolicy = try r["nodeAffinityPolicy"].string() ?? "Honor"
        let taintsPolicy = try r["nodeTaintsPolicy"].string() ?? "Ignore"
        for (policy, field) in [(affinityPolicy, "nodeAffinityPolicy"), (taintsPolicy, "nodeTaintsPolicy")]
        where policy != "Honor" && policy != "Ignore" {
            throw r[field].error("expected Honor or Ignore, found \"\(policy)\"")
        }
        self.init(
            maxSkew: maxSkew, topologyKey: topologyKey, whenUnsatisfiable: action, labelSelector: selector,
            minDomains: minDomains, honorNodeAffinity: affinityPolicy == "Honor", honorNodeTaints: taintsPolicy == "Honor")
    }
}
