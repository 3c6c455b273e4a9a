import KgitAPIMachinery

/// One requirement of a node selector term on a node label (or, in `matchFields`, on `metadata.name`).
public struct NodeSelectorRequirement: Sendable, Hashable {
    /// The node selector operators.
    public enum Operator: String, Sendable, Hashable {
        case `in` = "In"
        case notIn = "NotIn"
        case exists = "Exists"
        case doesNotExist = "DoesNotExist"
        /// The label, read as an integer, is greater than the single value.
        case gt = "Gt"
        /// The label, read as an integer, is less than the single value.
        case lt = "Lt"
    }

    /// The label key (or field name).
    public var key: String
    /// The operator.
    public var `operator`: Operator
    /// The values compared with.
    public var values: [String]

    /// Creates a requirement.
    public init(key: String, operator: Operator, values: [String] = []) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }

    /// Whether a label value (nil when the node lacks the label) satisfies the requirement.
    public func matches(_ label: String?) -> Bool {
        switch `operator` {
        case .in: return label.map(values.contains) ?? false
        case .notIn: return label.map { !values.contains($0) } ?? true
        case .exists: return label != nil
        case .doesNotExist: return label == nil
        case .gt, .lt:
            guard let label, let actual = Int64(label), values.count == 1, let bound = Int64(values[0]) else {
                return false
            }
            return `operator` == .gt ? actual > bound : actual < bound
        }
    }

    init(reading r: FieldReader) throws(DecodingError) {
        guard let key = try r["key"].string() else { throw r["key"].error("a requirement needs a key") }
        guard let opText = try r["operator"].string() else {
            throw r["operator"].error("a requirement needs an operator")
        }
        guard let op = Operator(rawValue: opText) else {
            throw r["operator"].error("unknown operator \"\(opText)\" (In, NotIn, Exists, DoesNotExist, Gt, Lt)")
        }
        let values = try r["values"].strings()
        switch op {
        case .in, .notIn:
            if values.isEmpty { throw r["values"].error("operator \(opText) needs at least one value") }
        case .exists, .doesNotExist:
            if !values.isEmpty { throw r["values"].error("operator \(opText) takes no values") }
        case .gt, .lt:
            if values.count != 1 || Int64(values[0]) == nil {
                throw r["values"].error("operator \(opText) needs exactly one integer value")
            }
        }
        self.init(key: key, operator: op, values: values)
    }
}

/// A node selector term: its label expressions and field expressions must all hold.
///
/// A term with no requirements matches no node, as upstream.
public struct NodeSelectorTerm: Sendable, Hashable {
    /// Requirements on node labels.
    public var matchExpressions: [NodeSelectorRequirement]
    /// Requirements on node fields (only `metadata.name`).
    public var matchFields: [NodeSelectorRequirement]

    /// Creates a term.
    public init(matchExpressions: [NodeSelectorRequirement] = [], matchFields: [NodeSelectorRequirement] = []) {
        self.matchExpressions = matchExpressions
        self.matchFields = matchFields
    }

    /// Whether the node satisfies every requirement of the term.
    public func matches(_ node: Node) -> Bool {
        if matchExpressions.isEmpty && matchFields.isEmpty { return false }
        for requirement in matchExpressions where !requirement.matches(node.labels[requirement.key]) { return false }
        for requirement in matchFields {
            let field: String? = requirement.key == "metadata.name" ? node.name : nil
            if !requirement.matches(field) { return false }
        }
        return true
    }

    init(reading r: FieldReader) throws(DecodingError) {
        var expressions: [NodeSelectorRequirement] = []
        for e in try r["matchExpressions"].elements() { expressions.append(try NodeSelectorRequirement(reading: e)) }
        var fields: [NodeSelectorRequirement] = []
        for f in try r["matchFields"].elements() {
            let requirement = try NodeSelectorRequirement(reading: f)
            guard requirement.key == "metadata.name" else {
                throw f["key"].error("matchFields supports only metadata.name, not \(requirement.key)")
            }
            fields.append(requirement)
        }
        self.init(matchExpressions: expressions, matchFields: fields)
    }
}

/// A weighted preferred node selector term.
public struct PreferredSchedulingTerm: Sendable, Hashable {
    /// The weight, 1 to 100, added to a node's score when the term matches.
    public var weight: Int64
    /// The term.
    public var preference: NodeSelectorTerm

    /// Creates a weighted term.
    public init(weight: Int64, preference: NodeSelectorTerm) {
        self.weight = weight
        self.preference = preference
    }
}

/// A pod's node affinity: required terms (any one must match) and weighted preferred terms.
public struct NodeAffinityRules: Sendable, Hashable {
    /// `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`; nil when there is no requirement.
    /// An empty list matches no node.
    public var required: [NodeSelectorTerm]?
    /// `preferredDuringSchedulingIgnoredDuringExecution`.
    public var preferred: [PreferredSchedulingTerm]

    /// Creates a node affinity.
    public init(required: [NodeSelectorTerm]? = nil, preferred: [PreferredSchedulingTerm] = []) {
        self.required = required
        self.preferred = preferred
    }

    /// Whether the node satisfies the required terms.
    public func requiredMatches(_ node: Node) -> Bool {
        guard let required else { return true }
        return required.contains { $0.matches(node) }
    }

    init(reading r: FieldReader) throws(DecodingError) {
        var required: [NodeSelectorTerm]?
        let requiredReader = r["requiredDuringSchedulingIgnoredDuringExecution"]
        if !requiredReader.isAbsent {
            var terms: [NodeSelectorTerm] = []
            for t in try requiredReader["nodeSelectorTerms"].elements() { terms.append(try NodeSelectorTerm(reading: t)) }
            required = terms
        }
        var preferred: [PreferredSchedulingTerm] = []
        for p in try r["preferredDuringSchedulingIgnoredDuringExecution"].elements() {
            guard let weight = try p["weight"].int(), (1...100).contains(weight) else {
                throw p["weight"].error("a preferred term needs a weight from 1 to 100")
            }
            preferred.append(PreferredSchedulingTerm(weight: weight, preference: try NodeSelectorTerm(reading: p["preference"])))
        }
        self.init(required: required, preferred: preferred)
    }
}
