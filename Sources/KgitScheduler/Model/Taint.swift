import KgitAPIMachinery

/// What a taint does to pods that do not tolerate it.
public enum TaintEffect: String, Sendable, Hashable {
    /// New pods are not scheduled onto the node.
    case noSchedule = "NoSchedule"
    /// The scheduler tries to avoid the node.
    case preferNoSchedule = "PreferNoSchedule"
    /// New pods are not scheduled, and running pods are evicted.
    case noExecute = "NoExecute"
}

/// A node taint: `key=value:effect`.
public struct Taint: Sendable, Hashable {
    /// The taint key.
    public var key: String
    /// The taint value (may be empty).
    public var value: String
    /// The effect on pods that do not tolerate it.
    public var effect: TaintEffect

    /// Creates a taint.
    public init(key: String, value: String = "", effect: TaintEffect) {
        self.key = key
        self.value = value
        self.effect = effect
    }

    init(reading r: FieldReader) throws(DecodingError) {
        guard let key = try r["key"].string() else { throw r["key"].error("a taint needs a key") }
        guard let effectText = try r["effect"].string() else { throw r["effect"].error("a taint needs an effect") }
        guard let effect = TaintEffect(rawValue: effectText) else {
            throw r["effect"].error("unknown taint effect \"\(effectText)\" (NoSchedule, PreferNoSchedule, NoExecute)")
        }
        self.init(key: key, value: try r["value"].string() ?? "", effect: effect)
    }
}

/// A pod's toleration of taints.
public struct Toleration: Sendable, Hashable {
    /// How the toleration compares its value.
    public enum Operator: String, Sendable, Hashable {
        /// The taint's value must equal the toleration's.
        case equal = "Equal"
        /// Any value matches.
        case exists = "Exists"
    }

    /// The taint key; empty with `exists` matches every key.
    public var key: String
    /// How the value is compared.
    public var `operator`: Operator
    /// The value compared with `equal`.
    public var value: String
    /// The effect tolerated; nil tolerates every effect.
    public var effect: TaintEffect?

    /// Creates a toleration.
    public init(key: String = "", operator: Operator = .equal, value: String = "", effect: TaintEffect? = nil) {
        self.key = key
        self.operator = `operator`
        self.value = value
        self.effect = effect
    }

    /// Whether this toleration tolerates the taint, as upstream's `ToleratesTaint`.
    public func tolerates(_ taint: Taint) -> Bool {
        if let effect, effect != taint.effect { return false }
        if !key.isEmpty && key != taint.key { return false }
        switch `operator` {
        case .exists: return true
        case .equal: return value == taint.value
        }
    }

    init(reading r: FieldReader) throws(DecodingError) {
        let opText = try r["operator"].string() ?? "Equal"
        guard let op = Operator(rawValue: opText) else {
            throw r["operator"].error("unknown toleration operator \"\(opText)\" (Equal, Exists)")
        }
        var effect: TaintEffect?
        if let effectText = try r["effect"].string(), !effectText.isEmpty {
            guard let e = TaintEffect(rawValue: effectText) else {
                throw r["effect"].error("unknown taint effect \"\(effectText)\" (NoSchedule, PreferNoSchedule, NoExecute)")
            }
            effect = e
        }
        self.init(key: try r["key"].string() ?? "", operator: op, value: try r["value"].string() ?? "", effect: effect)
    }
}

extension Array where Element == Toleration {
    /// Whether any toleration tolerates the taint.
    public func tolerate(_ taint: Taint) -> Bool { contains { $0.tolerates(taint) } }
}
