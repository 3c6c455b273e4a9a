import KgitAPIMachinery

/// What the endpoint controllers read of a core/v1 Service.
public struct Service: Sendable, Equatable {
    /// One entry of `spec.ports`.
    public struct Port: Sendable, Equatable {
        /// `name` (may be empty when the Service has one port).
        public var name: String
        /// `port`.
        public var port: Int
        /// `targetPort`: a container port number or name; the Service port when absent.
        public var targetPort: IntOrString
        /// `protocol`, `TCP` by default.
        public var `protocol`: String
    }

    /// The Service's metadata.
    public var meta: ObjectMeta
    /// `spec.selector`; nil when the Service has none (its endpoints are managed by hand).
    public var selector: [String: String]?
    /// `spec.ports`.
    public var ports: [Port]
    /// Whether `spec.clusterIP` is `None`.
    public var isHeadless: Bool
    /// `spec.publishNotReadyAddresses`.
    public var publishNotReadyAddresses: Bool

    /// Decodes a Service.
    public init(_ object: JSONValue) throws(ObjectDecodingError) {
        meta = try ObjectMeta(object)
        let r = JSONReader(object, object: meta.key.description)
        selector = r.value(["spec", "selector"]) == nil ? nil : try r.stringMap(["spec", "selector"])
        var ports: [Port] = []
        for p in try r.elements(["spec", "ports"]) {
            guard let number = try p.int(["port"]) else { throw p.fail(["port"], "a Service port needs a port number") }
            ports.append(Port(name: try p.string(["name"]) ?? "", port: number,
                              targetPort: try IntOrString.decode(p, at: ["targetPort"]) ?? .int(number),
                              protocol: try p.string(["protocol"]) ?? "TCP"))
        }
        self.ports = ports
        isHeadless = try r.string(["spec", "clusterIP"]) == "None"
        publishNotReadyAddresses = try r.bool(["spec", "publishNotReadyAddresses"]) ?? false
    }

    /// The container port a Service port reaches on `pod` (upstream `FindPort`): a named target
    /// port is looked up among the pod's container ports of the same protocol; nil when absent.
    public func targetPort(_ port: Port, on pod: Pod) -> Int? {
        switch port.targetPort {
        case .int(let n): return n
        case .string(let name):
            if let n = Int(name) { return n }
            return pod.containerPorts.first { $0.name == name && $0.protocol == port.protocol }?.containerPort
        }
    }

    /// Whether `pod` backs this Service at all: selected, in its namespace, with an IP, and not
    /// finished (upstream `ShouldPodBeInEndpoints`). Terminating pods are included only when asked.
    func selects(_ pod: Pod, includeTerminating: Bool) -> Bool {
        guard let selector, !selector.isEmpty, pod.meta.namespace == meta.namespace else { return false }
        guard selector.allSatisfy({ pod.meta.labels[$0.key] == $0.value }) else { return false }
        guard let ip = pod.podIP, !ip.isEmpty else { return false }
        if pod.phase == .succeeded || pod.phase == .failed { return false }
        if pod.meta.isBeingDeleted && !includeTerminating { return false }
        return true
    }

    /// The hostname a pod gets in DNS through this Service: its `spec.hostname` when its
    /// `spec.subdomain` names the Service.
    func hostname(of pod: Pod) -> String? {
        guard let h = pod.hostname, !h.isEmpty, pod.subdomain == meta.name else { return nil }
        return h
    }

    /// A sort key that orders IPv4 addresses numerically (and IPv6 by their groups).
    static func ipOrder(_ ip: String) -> [Int] {
        if ip.contains(":") { return ip.split(separator: ":").map { Int($0, radix: 16) ?? 0 } }
        return ip.split(separator: ".").map { Int($0) ?? 0 }
    }

    /// The `targetRef` of an address backed by `pod`.
    static func targetRef(_ pod: Pod) -> JSONValue {
        ["kind": "Pod", "namespace": .string(pod.meta.namespace), "name": .string(pod.meta.name),
         "uid": .string(pod.meta.uid)]
    }
}
