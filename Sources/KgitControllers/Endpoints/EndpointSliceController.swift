import KgitAPIMachinery

/// The EndpointSlice controller: `discovery.k8s.io/v1` EndpointSlices for each Service with a
/// selector, at most ``maxEndpointsPerSlice`` endpoints each, one group of slices per address
/// family and set of resolved ports.
///
/// Every selected pod with an IP is an endpoint, terminating ones included, with upstream's
/// conditions: `ready` (ready and not terminating, or the Service publishes not-ready addresses),
/// `serving` (ready regardless of termination) and `terminating`. Slices carry the
/// `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by` labels and a controller
/// reference to the Service, so that deleting the Service collects them. A Service with no
/// endpoints keeps one empty placeholder slice.
public enum EndpointSliceController {
    /// The `source.component` of this controller's events.
    public static let component = "endpointslice-controller"
    /// The value of the managed-by label on slices this controller owns.
    public static let managedBy = "endpointslice-controller.k8s.io"
    /// The most endpoints in one slice (upstream's default `--max-endpoints-per-slice`).
    public static let maxEndpointsPerSlice = 100

    struct Group: Hashable {
        var addressType: String
        var ports: [JSONValue]
    }

    /// Decides what to do for `service` given the pods of its namespace and every EndpointSlice of
    /// the namespace (only those managed by this controller for this Service are considered).
    public static func reconcile(service: JSONValue, pods: [JSONValue], slices: [JSONValue])
        throws(ObjectDecodingError) -> [ControllerAction]
    {
        let svc = try Service(service)
        guard svc.selector != nil, !svc.meta.isBeingDeleted else { return [] }
        var decoded: [Pod] = []
        for p in pods { decoded.append(try Pod(p)) }

        var groups: [Group: [JSONValue]] = [:]
        for pod in decoded where svc.selects(pod, includeTerminating: true) {
            let ip = pod.podIP ?? ""
            let terminating = pod.meta.isBeingDeleted
            let serving = svc.publishNotReadyAddresses || pod.isReady
            var endpoint: [String: JSONValue] = [
                "addresses": [.string(ip)],
                "conditions": ["ready": .bool(svc.publishNotReadyAddresses || serving && !terminating),
                               "serving": .bool(serving), "terminating": .bool(terminating)],
                "targetRef": Service.targetRef(pod),
            ]
            if !pod.nodeName.isEmpty { endpoint["nodeName"] = .string(pod.nodeName) }
            if let h = svc.hostname(of: pod) { endpoint["hostname"] = .string(h) }
            var ports: [JSONValue] = []
            for port in svc.ports {
                guard let number = svc.targetPort(port, on: pod) else { continue }
                ports.append(["name": .string(port.name), "port": .int(Int64(number)), "protocol": .string(port.protocol)])
            }
            let group = Group(addressType: ip.contains(":") ? "IPv6" : "IPv4", ports: ports)
            groups[group, default: []].append(.object(endpoint))
        }

        // Desired slices: each group's endpoints sorted by IP and chunked.
        var desired: [(group: Group, endpoints: [JSONValue])] = []
        for (group, endpoints) in groups.sorted(by: { $0.key.addressType + $0.key.ports.description < $1.key.addressType + $1.key.ports.description }) {
            let sorted = endpoints.sorted {
                Service.ipOrder($0["addresses"]?.arrayValue?.first?.stringValue ?? "")
                    .lexicographicallyPrecedes(Service.ipOrder($1["addresses"]?.arrayValue?.first?.stringValue ?? ""))
            }
            var start = 0
            while start < sorted.count {
                desired.append((group, Array(sorted[start..<min(start + maxEndpointsPerSlice, sorted.count)])))
                start += maxEndpointsPerSlice
            }
        }
        if desired.isEmpty { desired.append((Group(addressType: "IPv4", ports: []), [])) }

        var labels = svc.meta.labels
        labels["kubernetes.io/service-name"] = svc.meta.name
        labels["endpointslice.kubernetes.io/managed-by"] = managedBy
        if svc.isHeadless { labels["service.kubernetes.io/headless"] = "" }
        let labelsJSON: JSONValue = .object(labels.mapValues { .string($0) })

        // Existing slices of this Service, matched to desired ones of the same group, by name.
        var existing: [(meta: ObjectMeta, object: JSONValue, group: Group)] = []
        for s in slices {
            let meta = try ObjectMeta(s)
            guard meta.namespace == svc.meta.namespace, meta.labels["kubernetes.io/service-name"] == svc.meta.name,
                  meta.labels["endpointslice.kubernetes.io/managed-by"] == managedBy, !meta.isBeingDeleted
            else { continue }
            existing.append((meta, s, Group(addressType: s["addressType"]?.stringValue ?? "IPv4",
                                            ports: s["ports"]?.arrayValue ?? [])))
        }
        existing.sort { $0.meta.name < $1.meta.name }

        var actions: [ControllerAction] = []
        var unused = existing
        for want in desired {
            if let i = unused.firstIndex(where: { $0.group == want.group }) {
                let have = unused.remove(at: i)
                let current = have.object["endpoints"]?.arrayValue ?? []
                let currentLabels = have.object.value(at: ["metadata", "labels"]) ?? .object([:])
                if current != want.endpoints || currentLabels != labelsJSON {
                    var metadata: [String: JSONValue] = ["labels": labelsJSON]
                    if let rv = have.meta.resourceVersion { metadata["resourceVersion"] = .string(rv) }
                    actions.append(.patch(have.meta.key, ["metadata": .object(metadata), "endpoints": .array(want.endpoints)],
                                          status: false))
                }
            } else {
                actions.append(.create([
                    "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                    "metadata": [
                        "generateName": .string(svc.meta.name + "-"), "namespace": .string(svc.meta.namespace),
                        "labels": labelsJSON,
                        "ownerReferences": [OwnerReference.controllerRef(to: svc.meta.key, uid: svc.meta.uid).json],
                    ],
                    "addressType": .string(want.group.addressType),
                    "endpoints": .array(want.endpoints),
                    "ports": .array(want.group.ports),
                ]))
            }
        }
        for stale in unused { actions.append(.delete(stale.meta.key, propagation: .background)) }
        return actions
    }
}
