import KgitAPIMachinery

/// The Endpoints controller: one core/v1 Endpoints object per Service with a selector, listing
/// the selected pods' IPs with the ports each Service port reaches, ready pods under `addresses`
/// and the others under `notReadyAddresses`.
///
/// Like upstream, subsets are packed canonically: addresses with the same set of ports share a
/// subset, addresses sorted by IP, so the object only changes when the endpoints do.
public enum EndpointsController {
    /// The `source.component` of this controller's events.
    public static let component = "endpoint-controller"

    /// Decides what to do for the Service `namespace/name` (`service` nil once it is gone), given
    /// the pods of its namespace and the current Endpoints object of that name, if any.
    public static func reconcile(namespace: String, name: String, service: JSONValue?, pods: [JSONValue],
                                 endpoints: JSONValue?) throws(ObjectDecodingError) -> [ControllerAction]
    {
        let key = ObjectKey(apiVersion: "v1", kind: "Endpoints", namespace: namespace, name: name)
        guard let service else {
            return endpoints == nil ? [] : [.delete(key, propagation: .background)]
        }
        let svc = try Service(service)
        guard svc.selector != nil else { return [] }
        var decoded: [Pod] = []
        for p in pods { decoded.append(try Pod(p)) }

        // address JSON -> (ready, ports)
        var entries: [JSONValue: (ready: Bool, ports: Set<JSONValue>)] = [:]
        for pod in decoded where svc.selects(pod, includeTerminating: svc.publishNotReadyAddresses) {
            var address: [String: JSONValue] = ["ip": .string(pod.podIP ?? ""), "targetRef": Service.targetRef(pod)]
            if !pod.nodeName.isEmpty { address["nodeName"] = .string(pod.nodeName) }
            if let h = svc.hostname(of: pod) { address["hostname"] = .string(h) }
            let ready = svc.publishNotReadyAddresses || pod.isReady
            var ports: Set<JSONValue> = []
            for port in svc.ports {
                guard let number = svc.targetPort(port, on: pod) else { continue }
                var p: [String: JSONValue] = ["port": .int(Int64(number)), "protocol": .string(port.protocol)]
                if !port.name.isEmpty { p["name"] = .string(port.name) }
                ports.insert(.object(p))
            }
            if ports.isEmpty && !(svc.ports.isEmpty && svc.isHeadless) { continue }
            entries[.object(address)] = (ready, ports)
        }
        let subsets = pack(entries)

        var labels = svc.meta.labels
        if svc.isHeadless { labels["service.kubernetes.io/headless"] = "" }
        let labelsJSON: JSONValue = .object(labels.mapValues { .string($0) })
        guard let existing = endpoints else {
            return [.create([
                "apiVersion": "v1", "kind": "Endpoints",
                "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": labelsJSON],
                "subsets": .array(subsets),
            ])]
        }
        let currentSubsets = existing["subsets"]?.arrayValue ?? []
        let currentLabels = existing.value(at: ["metadata", "labels"]) ?? .object([:])
        if currentSubsets == subsets && currentLabels == labelsJSON { return [] }
        let meta = try ObjectMeta(existing)
        var metadata: [String: JSONValue] = ["labels": labelsJSON]
        if let rv = meta.resourceVersion { metadata["resourceVersion"] = .string(rv) }
        return [.patch(meta.key, ["metadata": .object(metadata), "subsets": .array(subsets)], status: false)]
    }

    /// Upstream `RepackSubsets`: one subset per distinct port set, ready and not-ready addresses
    /// apart, everything sorted.
    static func pack(_ entries: [JSONValue: (ready: Bool, ports: Set<JSONValue>)]) -> [JSONValue] {
        func portKey(_ p: JSONValue) -> String {
            "\(p["name"]?.stringValue ?? "")/\(p["port"]?.intValue ?? 0)/\(p["protocol"]?.stringValue ?? "")"
        }
        func ipKey(_ a: JSONValue) -> [Int] { Service.ipOrder(a["ip"]?.stringValue ?? "") }
        var groups: [[JSONValue]: (ready: [JSONValue], notReady: [JSONValue])] = [:]
        for (address, entry) in entries {
            let ports = entry.ports.sorted { portKey($0) < portKey($1) }
            if entry.ready { groups[ports, default: ([], [])].ready.append(address) }
            else { groups[ports, default: ([], [])].notReady.append(address) }
        }
        let byIP: (JSONValue, JSONValue) -> Bool = { a, b in
            let ka = ipKey(a), kb = ipKey(b)
            return ka != kb ? ka.lexicographicallyPrecedes(kb) : (a.serialized() < b.serialized())
        }
        return groups.sorted { $0.key.map(portKey).joined(separator: ",") < $1.key.map(portKey).joined(separator: ",") }
            .map { ports, addresses in
                var subset: [String: JSONValue] = [:]
                if !addresses.ready.isEmpty { subset["addresses"] = .array(addresses.ready.sorted(by: byIP)) }
                if !addresses.notReady.isEmpty { subset["notReadyAddresses"] = .array(addresses.notReady.sorted(by: byIP)) }
                if !ports.isEmpty { subset["ports"] = .array(ports) }
                return .object(subset)
            }
    }
}
