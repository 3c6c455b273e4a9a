import Foundation
import KgitAPIMachinery

/// A node taint (`spec.taints[]`).
public struct Taint: Sendable, Hashable {
    /// `key`.
    public var key: String
    /// `value`.
    public var value: String
    /// `effect`: `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    public var effect: String
    /// `timeAdded`, set for `NoExecute` taints.
    public var timeAdded: Date?

    /// A taint from its parts.
    public init(key: String, value: String = "", effect: String, timeAdded: Date? = nil) {
        self.key = key
        self.value = value
        self.effect = effect
        self.timeAdded = timeAdded
    }

    init(_ r: JSONReader) throws(ObjectDecodingError) {
        guard let key = try r.string(["key"]) else { throw r.fail(["key"], "a taint needs a key") }
        self.key = key
        value = try r.string(["value"]) ?? ""
        effect = try r.string(["effect"]) ?? ""
        timeAdded = try r.time(["timeAdded"])
    }

    var json: JSONValue {
        var o: [String: JSONValue] = ["key": .string(key), "effect": .string(effect)]
        if !value.isEmpty { o["value"] = .string(value) }
        if let t = timeAdded { o["timeAdded"] = .string(RFC3339.format(t)) }
        return .object(o)
    }
}

/// A pod toleration (`spec.tolerations[]`).
public struct Toleration: Sendable, Hashable {
    /// `key`; empty with `Exists` tolerates every taint.
    public var key: String
    /// `operator`: `Equal` (default) or `Exists`.
    public var `operator`: String
    /// `value`.
    public var value: String
    /// `effect`; empty matches every effect.
    public var effect: String
    /// `tolerationSeconds`: how long a `NoExecute` taint is tolerated; nil is forever.
    public var tolerationSeconds: Int?

    init(_ r: JSONReader) throws(ObjectDecodingError) {
        key = try r.string(["key"]) ?? ""
        `operator` = try r.string(["operator"]) ?? "Equal"
        value = try r.string(["value"]) ?? ""
        effect = try r.string(["effect"]) ?? ""
        tolerationSeconds = try r.int(["tolerationSeconds"])
    }

    /// Whether this toleration matches `taint` (upstream `ToleratesTaint`).
    public func tolerates(_ taint: Taint) -> Bool {
        if !effect.isEmpty && effect != taint.effect { return false }
        if !key.isEmpty && key != taint.key { return false }
        switch `operator` {
        case "Exists": return true
        case "Equal", "": return value == taint.value
        default: return false
        }
    }
}
