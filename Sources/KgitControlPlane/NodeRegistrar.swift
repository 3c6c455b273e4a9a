import Foundation
import KgitAPIMachinery
import KgitClient

/// Registers simulated nodes through the API and keeps them alive: Node objects with capacity and a `Ready`
/// condition, heartbeats in their status, and Leases in `kube-node-lease` (when the server serves Leases).
///
/// This is the minimal node presence `kgit up --nodes N` needs until the simulated node agent (KgitAgent)
/// runs pods on them; it moves no pod through its phases.
public final class NodeRegistrar: Sendable {
    /// What each node offers.
    public struct Capacity: Sendable {
        /// CPU cores, `4`.
        public var cpu: String
        /// Memory, `16Gi`.
        public var memory: String
        /// The most pods, `110`.
        public var pods: String

        /// A capacity.
        public init(cpu: String = "4", memory: String = "16Gi", pods: String = "110") {
            self.cpu = cpu
            self.memory = memory
            self.pods = pods
        }
    }

    /// The client nodes are written with.
    public let client: DynamicClient
    /// The node names, `kgit-node-1` ...
    public let names: [String]
    /// What each node offers.
    public let capacity: Capacity
    /// How often status and Lease are renewed.
    public let heartbeat: Duration

    /// `count` nodes named `prefix1` ... `prefixN`.
    public init(
        client: DynamicClient, count: Int, prefix: String = "kgit-node-", capacity: Capacity = Capacity(),
        heartbeat: Duration = .seconds(10)
    ) {
        self.client = client
        self.names = count > 0 ? (1...count).map { "\(prefix)\($0)" } : []
        self.capacity = capacity
        self.heartbeat = heartbeat
    }

    /// The Node object for `name` (without status: the status subresource carries it).
    func node(_ name: String, index: Int) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Node",
            "metadata": [
                "name": .string(name),
                "labels": [
                    "kubernetes.io/hostname": .string(name), "kubernetes.io/os": "linux",
                    "kubernetes.io/arch": "amd64", "type": "kgit-simulated",
                ],
            ],
            "spec": ["podCIDR": .string("10.244.\(index % 256).0/24")],
        ]
    }

    /// The node's status at `now`: capacity, allocatable, conditions and addresses.
    func status(_ name: String, index: Int, now: Date) -> JSONValue {
        let time = JSONValue.string(RFC3339.format(now))
        func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> JSONValue {
            ["type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message),
             "lastHeartbeatTime": time, "lastTransitionTime": time]
        }
        let resources: JSONValue = [
            "cpu": .string(capacity.cpu), "memory": .string(capacity.memory), "pods": .string(capacity.pods),
        ]
        return [
            "capacity": resources, "allocatable": resources,
            "conditions": [
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "addresses": [
                ["type": "InternalIP", "address": .string("10.0.\(index / 256).\(index % 256)")],
                ["type": "Hostname", "address": .string(name)],
            ],
            "nodeInfo": [
                "kubeletVersion": "v1.32.0-kgit", "kubeProxyVersion": "v1.32.0-kgit", "operatingSystem": "linux",
                "architecture": "amd64", "containerRuntimeVersion": "kgit-simulated://0.1", "osImage": "kgit simulated node",
                "kernelVersion": "simulated", "machineID": .string(name), "systemUUID": .string(name), "bootID": .string(name),
            ],
        ]
    }

    /// Creates the nodes that are missing and posts every node's status once.
    public func register(now: Date = Date()) async throws {
        for (offset, name) in names.enumerated() {
            do {
                _ = try await client.create(node(name, index: offset + 1))
            } catch let error as ClientError where error.isAlreadyExists {
            }
        }
        try await beat(now: now)
    }

    /// Posts every node's status (a heartbeat) and renews its Lease.
    public func beat(now: Date = Date()) async throws {
        let leases = (try? await client.resource(apiVersion: "coordination.k8s.io/v1", kind: "Lease")) != nil
        for (offset, name) in names.enumerated() {
            let reference = ObjectReference(apiVersion: "v1", kind: "Node", name: name)
            _ = try await client.patch(reference, .merge(["status": status(name, index: offset + 1, now: now)]), subresource: "status")
            if leases { try await renewLease(name, now: now) }
        }
    }

    private func renewLease(_ name: String, now: Date) async throws {
        let reference = ObjectReference(apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: "kube-node-lease", name: name)
        let spec: JSONValue = [
            "holderIdentity": .string(name), "leaseDurationSeconds": 40, "renewTime": .string(MicroTime.format(now)),
        ]
        do {
            _ = try await client.patch(reference, .merge(["spec": spec]))
        } catch let error as ClientError where error.isNotFound {
            _ = try await client.create([
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": ["name": .string(name), "namespace": "kube-node-lease"], "spec": spec,
            ])
        }
    }

    /// Registers the nodes, then heartbeats every `heartbeat` until the task is cancelled. Failures are
    /// logged and retried at the next beat.
    public func run(log: @escaping @Sendable (String) -> Void = { _ in }) async {
        var registered = false
        while !Task.isCancelled {
            do {
                if registered { try await beat() } else { try await register(); registered = true }
            } catch {
                if Task.isCancelled { return }
                log("nodes: \(error)")
            }
            try? await Task.sleep(for: heartbeat)
        }
    }
}
