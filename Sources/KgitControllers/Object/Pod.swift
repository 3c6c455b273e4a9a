import Foundation
import KgitAPIMachinery

/// What controllers read of a Pod: its metadata, where it runs, its phase and readiness.
public struct Pod: Sendable, Equatable {
    /// A pod's `status.phase`.
    public enum Phase: String, Sendable {
        case pending = "Pending", running = "Running", succeeded = "Succeeded", failed = "Failed"
        case unknown = "Unknown"
    }

    /// A declared container port.
    public struct ContainerPort: Sendable, Equatable {
        /// `name`, when the port is named.
        public var name: String?
        /// `containerPort`.
        public var containerPort: Int
        /// `protocol`, `TCP` by default.
        public var `protocol`: String
    }

    /// The pod's metadata.
    public var meta: ObjectMeta
    /// `spec.nodeName`: empty until the pod is bound.
    public var nodeName: String
    /// `spec.hostname`.
    public var hostname: String?
    /// `spec.subdomain`.
    public var subdomain: String?
    /// Every port of every container, in declaration order.
    public var containerPorts: [ContainerPort]
    /// `status.phase`, `Pending` when absent.
    public var phase: Phase
    /// Whether the `Ready` condition is `True`.
    public var isReady: Bool
    /// The `lastTransitionTime` of the `Ready` condition when it is `True`.
    public var readySince: Date?
    /// `status.podIP`.
    public var podIP: String?
    /// The highest `restartCount` of the pod's containers.
    public var maxRestartCount: Int
    /// The full object, for controllers that need more.
    public var object: JSONValue

    /// Decodes a Pod; throws when a field the controllers read has the wrong type.
    public init(_ object: JSONValue) throws(ObjectDecodingError) {
        let meta = try ObjectMeta(object)
        let r = JSONReader(object, object: meta.key.description)
        self.meta = meta
        self.object = object
        nodeName = try r.string(["spec", "nodeName"]) ?? ""
        hostname = try r.string(["spec", "hostname"])
        subdomain = try r.string(["spec", "subdomain"])
        var ports: [ContainerPort] = []
        for c in try r.elements(["spec", "containers"]) {
            for p in try c.elements(["ports"]) {
                guard let number = try p.int(["containerPort"]) else {
                    throw p.fail(["containerPort"], "a container port needs containerPort")
                }
                ports.append(ContainerPort(name: try p.string(["name"]), containerPort: number,
                                           protocol: try p.string(["protocol"]) ?? "TCP"))
            }
        }
        containerPorts = ports
        let phaseText = try r.string(["status", "phase"]) ?? "Pending"
        phase = Phase(rawValue: phaseText) ?? .unknown
        var ready = false
        var since: Date?
        for c in try r.elements(["status", "conditions"]) {
            guard try c.string(["type"]) == "Ready" else { continue }
            ready = try c.string(["status"]) == "True"
            since = ready ? try c.time(["lastTransitionTime"]) : nil
        }
        isReady = ready
        readySince = since
        podIP = try r.string(["status", "podIP"])
        var restarts = 0
        for s in try r.elements(["status", "containerStatuses"]) {
            restarts = max(restarts, try s.int(["restartCount"]) ?? 0)
        }
        maxRestartCount = restarts
    }

    /// Whether the pod is active as upstream's `FilterActivePods` counts it: not Succeeded, not
    /// Failed, and not being deleted.
    public var isActive: Bool {
        phase != .succeeded && phase != .failed && !meta.isBeingDeleted
    }

    /// Whether the pod has been ready for at least `minReadySeconds` at `now` (upstream
    /// `IsPodAvailable`).
    public func isAvailable(minReadySeconds: Int, now: Date) -> Bool {
        guard isReady else { return false }
        if minReadySeconds == 0 { return true }
        guard let since = readySince else { return false }
        return since.addingTimeInterval(TimeInterval(minReadySeconds)) <= now
    }

    /// The `controller.kubernetes.io/pod-deletion-cost` annotation, 0 when absent or invalid.
    public var deletionCost: Int {
        meta.annotations["controller.kubernetes.io/pod-deletion-cost"].flatMap { Int($0) } ?? 0
    }
}
