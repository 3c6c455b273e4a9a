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
    /// `spec.podCIDR`: the range pod IPs on this node come from (`10.128.0.0/24`); nil gives pods no IP.
    public var podCIDR: String?
    /// The node's `InternalIP` address (also every pod's `hostIP`).
    public var internalIP: String?

    /// Creates a node.
    public init(
        name: String, capacity: [String: String], labels: [String: String] = [:], taints: [Taint] = [],
        podCIDR: String? = nil, internalIP: String? = nil
    ) {
        self.name = name
        self.podCIDR = podCIDR
        self.internalIP = internalIP
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
            let (cidr, ip) = addressing(index: i)
            return SimulatedNode(
                name: "\(prefix)-\(i)", capacity: capacity, labels: l, taints: taints, podCIDR: cidr, internalIP: ip)
        }
    }

    /// The Node object to create: spec (taints, pod CIDR), and the status a kubelet posts (``status(now:)``).
    public func object(now: String) -> JSONValue {
        var spec: [String: JSONValue] = [:]
        if !taints.isEmpty {
            spec["taints"] = .array(
                taints.map { ["key": .string($0.key), "value": .string($0.value), "effect": .string($0.effect)] })
        }
        if let podCIDR {
            spec["podCIDR"] = .string(podCIDR)
            spec["podCIDRs"] = [.string(podCIDR)]
        }
        return [
            "apiVersion": "v1", "kind": "Node",
            "metadata": ["name": .string(name), "labels": .object(labels.mapValues { .string($0) })],
            "spec": .object(spec),
            "status": status(now: now),
        ]
    }

    /// The node's status as a kubelet posts it at `now` (RFC 3339): capacity as allocatable, `Ready=True`
    /// first and the pressure conditions `False`, addresses, and node info naming the simulator.
    public func status(now: String) -> JSONValue {
        let quantities = JSONValue.object(capacity.mapValues { .string($0) })
        func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> JSONValue {
            [
                "type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message),
                "lastHeartbeatTime": .string(now), "lastTransitionTime": .string(now),
            ]
        }
        var addresses: [JSONValue] = []
        if let internalIP { addresses.append(["type": "InternalIP", "address": .string(internalIP)]) }
        addresses.append(["type": "Hostname", "address": .string(name)])
        return [
            "capacity": quantities, "allocatable": quantities,
            "conditions": [
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            ],
            "nodeInfo": [
                "kubeletVersion": .string(Self.kubeletVersion), "kubeProxyVersion": .string(Self.kubeletVersion),
                "containerRuntimeVersion": "kgit-simulated://1", "osImage": "kgit simulated node",
                "kernelVersion": "simulated", "machineID": .string(name), "systemUUID": .string(name),
                "bootID": .string(name),
                "operatingSystem": .string(labels["kubernetes.io/os"] ?? "linux"),
                "architecture": .string(labels["kubernetes.io/arch"] ?? "amd64"),
            ],
            "addresses": .array(addresses),
            "daemonEndpoints": ["kubeletEndpoint": ["Port": 10250]],
        ]
    }

    /// The kubelet version simulated nodes report.
    public static let kubeletVersion = "v1.33.0-kgit"

    /// The pod CIDR and internal IP of the node numbered `index` (0-based) in a fleet: `10.128.0.0/24`,
    /// `10.128.1.0/24`, ... (32,768 nodes fit in `10.128.0.0/9`) and `172.16.0.1`, `172.16.0.2`, ...
    public static func addressing(index: Int) -> (podCIDR: String, internalIP: String) {
        let i = max(0, index)
        let host = i + 1
        return ("10.\(128 + (i / 256) % 128).\(i % 256).0/24",
                "172.\(16 + (host / 65536) % 16).\((host / 256) % 256).\(host % 256)")
    }

    /// The `n`th pod IP (0-based) in `cidr` (`a.b.c.0/24`): `.2` to `.254`, wrapping.
    public static func podIP(in cidr: String, n: Int) -> String? {
        guard let slash = cidr.firstIndex(of: "/") else { return nil }
        let octets = cidr[..<slash].split(separator: ".")
        guard octets.count == 4 else { return nil }
        return "\(octets[0]).\(octets[1]).\(octets[2]).\(2 + max(0, n) % 253)"
    }
}

/// A problem with the agent's configuration, in a sentence.
public struct AgentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The sentence.
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
