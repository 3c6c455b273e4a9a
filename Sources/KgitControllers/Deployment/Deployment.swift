import Foundation
import KgitAPIMachinery

/// What the Deployment controller reads of an `apps/v1` Deployment, with the API server's defaults
/// applied where a field is absent (`replicas: 1`, `RollingUpdate` with 25% surge and 25%
/// unavailable, `revisionHistoryLimit: 10`, `progressDeadlineSeconds: 600`).
public struct Deployment: Sendable, Equatable {
    /// `spec.strategy.type`.
    public enum Strategy: Sendable, Equatable {
        /// Replace pods gradually, bounded by `maxSurge` and `maxUnavailable`.
        case rollingUpdate(maxSurge: IntOrString, maxUnavailable: IntOrString)
        /// Scale every old ReplicaSet to zero, wait for its pods to end, then scale the new one up.
        case recreate
    }

    /// The Deployment's metadata.
    public var meta: ObjectMeta
    /// `spec.replicas`.
    public var replicas: Int
    /// `spec.selector`.
    public var selector: LabelSelector
    /// `spec.template`.
    public var template: JSONValue
    /// `spec.strategy`.
    public var strategy: Strategy
    /// `spec.minReadySeconds`.
    public var minReadySeconds: Int
    /// `spec.revisionHistoryLimit`.
    public var revisionHistoryLimit: Int
    /// `spec.paused`.
    public var paused: Bool
    /// `spec.progressDeadlineSeconds`; nil when set to the "no deadline" value (`2147483647`).
    public var progressDeadlineSeconds: Int?
    /// `status.collisionCount`.
    public var collisionCount: Int?
    /// `status`, as observed.
    public var status: DeploymentStatus

    /// Decodes a Deployment.
    public init(_ object: JSONValue) throws(ObjectDecodingError) {
        meta = try ObjectMeta(object)
        let r = JSONReader(object, object: meta.key.description)
        replicas = try r.int(["spec", "replicas"]) ?? 1
        guard r.value(["spec", "selector"]) != nil else { throw r.fail(["spec", "selector"], "a Deployment needs a selector") }
        selector = try LabelSelector.decode(r, at: ["spec", "selector"])
        template = r.value(["spec", "template"]) ?? .object([:])
        switch try r.string(["spec", "strategy", "type"]) ?? "RollingUpdate" {
        case "Recreate": strategy = .recreate
        case "RollingUpdate":
            strategy = .rollingUpdate(
                maxSurge: try IntOrString.decode(r, at: ["spec", "strategy", "rollingUpdate", "maxSurge"]) ?? .string("25%"),
                maxUnavailable: try IntOrString.decode(r, at: ["spec", "strategy", "rollingUpdate", "maxUnavailable"])
                    ?? .string("25%"))
        case let other:
            throw r.fail(["spec", "strategy", "type"], "unsupported strategy \"\(other)\": expected Recreate or RollingUpdate")
        }
        minReadySeconds = try r.int(["spec", "minReadySeconds"]) ?? 0
        revisionHistoryLimit = try r.int(["spec", "revisionHistoryLimit"]) ?? 10
        paused = try r.bool(["spec", "paused"]) ?? false
        let deadline = try r.int(["spec", "progressDeadlineSeconds"]) ?? 600
        progressDeadlineSeconds = deadline == Int(Int32.max) ? nil : deadline
        collisionCount = try r.int(["status", "collisionCount"])
        status = try DeploymentStatus(r)
    }

    /// `maxSurge` and `maxUnavailable` as numbers of pods (upstream `ResolveFenceposts`): surge
    /// rounds up, unavailable rounds down, and when both come to zero one pod may be unavailable.
    public func fenceposts() throws(ObjectDecodingError) -> (maxSurge: Int, maxUnavailable: Int) {
        guard case .rollingUpdate(let surge, let unavailable) = strategy else { return (0, 0) }
        do {
            let s = try surge.scaled(against: replicas, roundUp: true)
            let u = try unavailable.scaled(against: replicas, roundUp: false)
            if s == 0 && u == 0 { return (0, 1) }
            return (s, u)
        } catch {
            throw ObjectDecodingError(object: meta.key.description, field: ".spec.strategy.rollingUpdate",
                                      message: error.description)
        }
    }

    /// The most pods that may be unavailable during a rollout (upstream `MaxUnavailable`).
    func maxUnavailable() throws(ObjectDecodingError) -> Int {
        guard case .rollingUpdate = strategy, replicas > 0 else { return 0 }
        return min(try fenceposts().maxUnavailable, replicas)
    }
}

/// A Deployment's `status`, as `kubectl rollout status` reads it.
public struct DeploymentStatus: Sendable, Equatable {
    /// `observedGeneration`.
    public var observedGeneration = 0
    /// `replicas`: pods of every ReplicaSet.
    public var replicas = 0
    /// `updatedReplicas`: pods of the new ReplicaSet.
    public var updatedReplicas = 0
    /// `readyReplicas`.
    public var readyReplicas = 0
    /// `availableReplicas`.
    public var availableReplicas = 0
    /// `unavailableReplicas`.
    public var unavailableReplicas = 0
    /// `collisionCount`.
    public var collisionCount: Int?
    /// `conditions`.
    public var conditions: [Condition] = []

    /// A status condition (`Available`, `Progressing`, `ReplicaFailure`).
    public struct Condition: Sendable, Equatable {
        /// `type`.
        public var type: String
        /// `status`: `True`, `False` or `Unknown`.
        public var status: String
        /// `reason`.
        public var reason: String
        /// `message`.
        public var message: String
        /// `lastUpdateTime`.
        public var lastUpdateTime: Date?
        /// `lastTransitionTime`.
        public var lastTransitionTime: Date?

        var json: JSONValue {
            var o: [String: JSONValue] = [
                "type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message),
            ]
            if let t = lastUpdateTime { o["lastUpdateTime"] = .string(RFC3339.format(t)) }
            if let t = lastTransitionTime { o["lastTransitionTime"] = .string(RFC3339.format(t)) }
            return .object(o)
        }
    }

    init() {}

    init(_ r: JSONReader) throws(ObjectDecodingError) {
        observedGeneration = try r.int(["status", "observedGeneration"]) ?? 0
        replicas = try r.int(["status", "replicas"]) ?? 0
        updatedReplicas = try r.int(["status", "updatedReplicas"]) ?? 0
        readyReplicas = try r.int(["status", "readyReplicas"]) ?? 0
        availableReplicas = try r.int(["status", "availableReplicas"]) ?? 0
        unavailableReplicas = try r.int(["status", "unavailableReplicas"]) ?? 0
        collisionCount = try r.int(["status", "collisionCount"])
        for c in try r.elements(["status", "conditions"]) {
            conditions.append(Condition(
                type: try c.string(["type"]) ?? "", status: try c.string(["status"]) ?? "Unknown",
                reason: try c.string(["reason"]) ?? "", message: try c.string(["message"]) ?? "",
                lastUpdateTime: try c.time(["lastUpdateTime"]), lastTransitionTime: try c.time(["lastTransitionTime"])))
        }
    }

    /// The condition of `type`, if present.
    public func condition(_ type: String) -> Condition? { conditions.first { $0.type == type } }

    /// Sets a condition as upstream's `SetDeploymentCondition`: no change when status and reason
    /// are the same; the transition time is kept when only the reason changes.
    mutating func set(_ condition: Condition) {
        var c = condition
        if let current = self.condition(c.type) {
            if current.status == c.status && current.reason == c.reason { return }
            if current.status == c.status { c.lastTransitionTime = current.lastTransitionTime }
        }
        conditions.removeAll { $0.type == c.type }
        conditions.append(c)
    }

    mutating func remove(_ type: String) { conditions.removeAll { $0.type == type } }

    var json: JSONValue {
        var o: [String: JSONValue] = [
            "observedGeneration": .int(Int64(observedGeneration)), "replicas": .int(Int64(replicas)),
            "updatedReplicas": .int(Int64(updatedReplicas)), "readyReplicas": .int(Int64(readyReplicas)),
            "availableReplicas": .int(Int64(availableReplicas)), "unavailableReplicas": .int(Int64(unavailableReplicas)),
            "conditions": .array(conditions.map(\.json)),
        ]
        if let c = collisionCount { o["collisionCount"] = .int(Int64(c)) }
        return .object(o)
    }
}
