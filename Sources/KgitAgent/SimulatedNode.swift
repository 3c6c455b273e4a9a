import KgitAPIMachinery

/// A simulated node: the name, capacity, labels and taints `kgit agent --simulate N` registers, rendered
/// as the Kubernetes Node object a kubelet would post.
public struct SimulatedNode: Sendable, Equatable {
    /// A node taint (`key=value:effect`).
    public struct Taint: Sendable, Equatable {
        /// The taint key.
        public var key: String
        /// The value (may be empty).
        public var value: String
        /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
        public var effect: String

        /// Creates a taint.
        public init(key: String, value: String = "", effect: String) {
            self.key = key
            self.value = value
            self.effect = effect
        }

        /// Parses `key=value:effect` or `key:effect`, as `kubectl taint` writes them.
        public init(parsing text: String) throws(AgentError) {
            guard let colon = text.lastIndex(of: ":") else {
                throw AgentError("taint \"\(text)\" needs an effect: key=value:NoSchedule")
            }
            let effect = String(text[text.index(after: colon)...])
            guard ["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(effect) else {
                throw AgentError("taint \"\(text)\" has unknown effect \"\(effect)\" (NoSchedule, PreferNoSchedule, NoExecute)")
            }
            let pair = text[..<colon]
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = parts.first, !key.isEmpty else { throw AgentError("taint \"\(text)\" needs a key") }
            self.init(key: String(key), value: parts.count > 1 ? String(parts[1]) : "", effect: effect)
        }
    }

    /// `metadata.name`.
    public var name: String
    /// `status.capacity` as quantity strings (`cpu: "4"`, `memory: "16Gi"`, `pods: "110"`).
    public var capacity: [String: String]
    /// `metadata.labels`; `kubernetes.io/hostname` and the OS and architecture labels are added.
    public var labels: [String: String]
    /// `spec.taints`.
    public var taints: [Taint]

    /// Creates a node.
    public init(name: String, capacity: [String: String], labels: [String: String] = [:], taints: [Taint] = []) {
        self.name = name
        self.capacity = capacity
        var all = labels
        all["kubernetes.io/hostname"] = name
        all["kubernetes.io/os"] = all["kubernetes.io/os"] ?? "linux"
        all["kubernetes.io/arch"] = all["kubernetes.io/arch"] ?? "amd64"
        all["type"] = all["type"] ?? "kgit-simulated"
        self.labels = all
        self.taints = taints
    }

    /// `count` nodes named `prefix-0` ... with the same capacity, labels and taints; `zones` spreads them
    /// round-robin over `topology.kubernetes.io/zone` values.
    public static func fleet(
        prefix: String, count: Int, capacity: [String: String], labels: [String: String] = [:], taints: [Taint] = [],
        zones: [String] = []
    ) -> [SimulatedNode] {
        (0..<max(count, 0)).map { i in
            var l = labels
            if !zones.isEmpty { l["topology.kubernetes.io/zone"] = zones[i % zones.count] }
            return SimulatedNode(name: "\(prefix)-\(i)", capacity: capacity, labels: l, taints: taints)
        }
    }

    /// The Node object to create: capacity and allocatable, a `Ready=True` condition stamped `now`
    /// (RFC 3339), and node info naming the simulator.
    public func object(now: String) -> JSONValue {
        let quantities = JSONValue.object(capacity.mapValues { .string($0) })
        let condition: JSONValue = [
            "type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kgit simulated node is ready",
            "lastHeartbeatTime": .string(now), "lastTransitionTime": .string(now),
        ]
        var spec: [String: JSONValue] = [:]
        if !taints.isEmpty {
            spec["taints"] = .array(
                taints.map { ["key": .string($0.key), "value": .string($0.value), "effect": .string($0.effect)] })
        }
        return [
            "apiVersion": "v1", "kind": "Node",
            "metadata": ["name": .string(name), "labels": .object(labels.mapValues { .string($0) })],
            "spec": .object(spec),
            "status": [
                "capacity": quantities, "allocatable": quantities, "conditions": [condition],
                "nodeInfo": [
                    "kubeletVersion": "v1.33.0-kgit", "containerRuntimeVersion": "kgit-simulated://1",
                    "operatingSystem": .string(labels["kubernetes.io/os"] ?? "linux"),
                    "architecture": .string(labels["kubernetes.io/arch"] ?? "amd64"),
                ],
                "addresses": [["type": "Hostname", "address": .string(name)]],
            ],
        ]
    }
}

/// A problem with the agent's configuration, in a sentence.
public struct AgentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The sentence.
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
