import Foundation
import KgitAPIMachinery

/// The cloud controller manager's service controller with a local provider: every `type: LoadBalancer`
/// Service (without a `spec.loadBalancerClass`, which names another implementation) gets an address from
/// an ``AddressPool`` in `status.loadBalancer.ingress`; a Service that stops being a LoadBalancer gets its
/// status cleared, which releases the address, as deleting the Service does.
///
/// The decision is over every Service at once, so one pass never hands an address out twice. Services are
/// served oldest first (then by namespace and name), so that a stale view decides the same addresses again;
/// each status write carries the observed `resourceVersion`, so a decision from a stale view fails with a
/// conflict and is retried. When the pool is exhausted, the Service gets a Warning event and waits.
public enum LoadBalancerController {
    /// The `source.component` of this controller's events.
    public static let component = "service-controller"

    /// Decides the status writes and events for `services`, handing out addresses from `pool`.
    public static func reconcile(services: [JSONValue], pool: AddressPool) throws(ObjectDecodingError)
        -> [ControllerAction]
    {
        struct Entry {
            var meta: ObjectMeta
            var object: JSONValue
            var ingress: [String]
            var wants: Bool
        }
        var entries: [Entry] = []
        for object in services {
            let meta = try ObjectMeta(object)
            let type = object.value(at: ["spec", "type"])?.stringValue ?? "ClusterIP"
            let hasClass = !(object.value(at: ["spec", "loadBalancerClass"])?.stringValue ?? "").isEmpty
            let ingress = (object.value(at: ["status", "loadBalancer", "ingress"])?.arrayValue ?? [])
                .compactMap { $0["ip"]?.stringValue }
            entries.append(Entry(meta: meta, object: object, ingress: ingress,
                                 wants: type == "LoadBalancer" && !hasClass && !meta.isBeingDeleted))
        }
        entries.sort { a, b in
            let ta = a.meta.creationTimestamp ?? .distantPast
            let tb = b.meta.creationTimestamp ?? .distantPast
            if ta != tb { return ta < tb }
            return (a.meta.namespace, a.meta.name) < (b.meta.namespace, b.meta.name)
        }

        var actions: [ControllerAction] = []
        var used: Set<String> = []
        // Addresses already held by Services that keep them, oldest first; a later duplicate loses its copy.
        var keep: [Int: String] = [:]
        for (i, entry) in entries.enumerated() where entry.wants {
            if let ip = entry.ingress.first(where: { pool.contains($0) && !used.contains($0) }) {
                used.insert(ip)
                keep[i] = ip
            }
        }
        for (i, entry) in entries.enumerated() {
            let key = entry.meta.key
            if !entry.wants {
                guard !entry.ingress.isEmpty, !entry.meta.isBeingDeleted else { continue }
                actions.append(statusPatch(entry.meta, ingress: nil))
                actions.append(.event(ControllerEvent(
                    involved: key, type: .normal, reason: "DeletedLoadBalancer",
                    message: "Released load balancer address \(entry.ingress.joined(separator: ", "))")))
                continue
            }
            if let ip = keep[i] {
                if entry.ingress != [ip] { actions.append(statusPatch(entry.meta, ingress: ip)) }
                continue
            }
            guard let ip = pool.firstFree(excluding: used) else {
                actions.append(.event(ControllerEvent(
                    involved: key, type: .warning, reason: "AllocationFailed",
                    message: "Failed to allocate an address for \(key.namespace)/\(key.name): no available addresses in pool \(pool) (\(pool.size) in use)")))
                continue
            }
            used.insert(ip)
            actions.append(statusPatch(entry.meta, ingress: ip))
            actions.append(.event(ControllerEvent(
                involved: key, type: .normal, reason: "EnsuredLoadBalancer",
                message: "Ensured load balancer with address \(ip)")))
        }
        return actions
    }

    /// A status merge patch setting (or, with nil, clearing) the ingress, pinned to the observed version.
    static func statusPatch(_ meta: ObjectMeta, ingress ip: String?) -> ControllerAction {
        let loadBalancer: JSONValue = ip.map { ["ingress": [["ip": .string($0), "ipMode": "VIP"]]] } ?? ["ingress": .null]
        var patch: JSONValue = ["status": ["loadBalancer": loadBalancer]]
        if let rv = meta.resourceVersion { patch["metadata"] = ["resourceVersion": .string(rv)] }
        return .patch(meta.key, patch, status: true)
    }
}

/// The cloud controller manager's node controller with a local provider: a Node without an `InternalIP`
/// gets one from its pool (and a `Hostname` address), and the provider's
/// `node.cloudprovider.kubernetes.io/uninitialized` taint is removed once it is initialized.
public enum CloudNodeController {
    /// The `source.component` of this controller's events.
    public static let component = "cloud-node-controller"
    /// The taint kubelets started with `--cloud-provider=external` carry until the provider initializes them.
    public static let uninitializedTaint = "node.cloudprovider.kubernetes.io/uninitialized"

    /// Whether a node's change from `old` to `new` can change what `reconcile` decides: its addresses, or an
    /// uninitialized taint still to remove. Heartbeats, conditions and the node lifecycle's taints cannot; with
    /// thousands of nodes, reconciling the whole fleet on each of those kept a core busy.
    public static func isRelevantUpdate(old: JSONValue, new: JSONValue) -> Bool {
        if old.value(at: ["status", "addresses"]) != new.value(at: ["status", "addresses"]) { return true }
        let taints = new.value(at: ["spec", "taints"])?.arrayValue ?? []
        return taints.contains { $0["key"]?.stringValue == uninitializedTaint }
    }

    /// Decides the writes for `nodes`, handing out InternalIPs from `pool` to nodes that have none.
    public static func reconcile(nodes: [JSONValue], pool: AddressPool) throws(ObjectDecodingError) -> [ControllerAction] {
        func internalIP(_ node: JSONValue) -> String? {
            (node.value(at: ["status", "addresses"])?.arrayValue ?? [])
                .first { $0["type"]?.stringValue == "InternalIP" }?["address"]?.stringValue
        }
        var used = Set(nodes.compactMap(internalIP))
        var actions: [ControllerAction] = []
        let sorted = try nodes.map { node throws(ObjectDecodingError) in (try ObjectMeta(node), node) }
            .sorted { $0.0.name < $1.0.name }
        for (meta, node) in sorted where !meta.isBeingDeleted {
            if internalIP(node) == nil {
                guard let ip = pool.firstFree(excluding: used) else {
                    actions.append(.event(ControllerEvent(
                        involved: meta.key, type: .warning, reason: "AddressAllocationFailed",
                        message: "Failed to allocate an InternalIP for node \(meta.name): no available addresses in pool \(pool)")))
                    continue
                }
                used.insert(ip)
                var addresses = node.value(at: ["status", "addresses"])?.arrayValue ?? []
                addresses.insert(["type": "InternalIP", "address": .string(ip)], at: 0)
                if !addresses.contains(where: { $0["type"]?.stringValue == "Hostname" }) {
                    addresses.append(["type": "Hostname", "address": .string(meta.name)])
                }
                var patch: JSONValue = ["status": ["addresses": .array(addresses)]]
                if let rv = meta.resourceVersion { patch["metadata"] = ["resourceVersion": .string(rv)] }
                actions.append(.patch(meta.key, patch, status: true))
            }
            let taints = node.value(at: ["spec", "taints"])?.arrayValue ?? []
            if taints.contains(where: { $0["key"]?.stringValue == uninitializedTaint }) {
                let kept = taints.filter { $0["key"]?.stringValue != uninitializedTaint }
                actions.append(.patch(meta.key, ["spec": ["taints": kept.isEmpty ? .null : .array(kept)]], status: false))
            }
        }
        return actions
    }
}
