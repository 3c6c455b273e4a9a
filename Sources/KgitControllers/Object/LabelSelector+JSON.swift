import KgitAPIMachinery

extension LabelSelector {
    /// Decodes a `metav1.LabelSelector` (`matchLabels` and `matchExpressions`) as upstream's
    /// `LabelSelectorAsSelector`: an empty selector matches everything.
    ///
    /// Callers decide what an absent selector means (a workload without one matches nothing).
    static func decode(_ r: JSONReader, at path: [String]) throws(ObjectDecodingError) -> LabelSelector {
        var requirements: [Requirement] = []
        for (k, v) in try r.stringMap(path + ["matchLabels"]).sorted(by: { $0.key < $1.key }) {
            requirements.append(.equals(k, v))
        }
        for e in try r.elements(path + ["matchExpressions"]) {
            guard let key = try e.string(["key"]) else { throw e.fail(["key"], "a requirement needs a key") }
            let values = Set(try e.array(["values"]).compactMap(\.stringValue))
            switch try e.string(["operator"]) ?? "" {
            case "In":
                guard !values.isEmpty else { throw e.fail(["values"], "values must be non-empty for In") }
                requirements.append(.in(key, values))
            case "NotIn":
                guard !values.isEmpty else { throw e.fail(["values"], "values must be non-empty for NotIn") }
                requirements.append(.notIn(key, values))
            case "Exists": requirements.append(.exists(key))
            case "DoesNotExist": requirements.append(.doesNotExist(key))
            case let op: throw e.fail(["operator"], "\"\(op)\" is not a valid label selector operator")
            }
        }
        return LabelSelector(requirements: requirements)
    }

    /// The selector as a `metav1.LabelSelector` value.
    var json: JSONValue {
        var matchLabels: [String: JSONValue] = [:]
        var expressions: [JSONValue] = []
        for r in requirements {
            switch r {
            case .equals(let k, let v): matchLabels[k] = .string(v)
            case .notEquals(let k, let v):
                expressions.append(["key": .string(k), "operator": "NotIn", "values": [.string(v)]])
            case .exists(let k): expressions.append(["key": .string(k), "operator": "Exists"])
            case .doesNotExist(let k): expressions.append(["key": .string(k), "operator": "DoesNotExist"])
            case .in(let k, let vs):
                expressions.append(["key": .string(k), "operator": "In", "values": .array(vs.sorted().map { .string($0) })])
            case .notIn(let k, let vs):
                expressions.append(["key": .string(k), "operator": "NotIn", "values": .array(vs.sorted().map { .string($0) })])
            }
        }
        var out: [String: JSONValue] = [:]
        if !matchLabels.isEmpty { out["matchLabels"] = .object(matchLabels) }
        if !expressions.isEmpty { out["matchExpressions"] = .array(expressions) }
        return .object(out)
    }
}
