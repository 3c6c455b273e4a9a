import Foundation
import KgitAPIMachinery

/// Server-side printing: turns objects into a `meta.k8s.io/v1 Table` with the upstream column set
/// for each kind (what `kubectl get` shows), or `Name, Created At` for others.
struct TableConvertor: Sendable {
    /// A column and how to compute its cell.
    struct Column: Sendable {
        var name: String
        var type: String
        var format: String
        var priority: Int
        var description: String
        var cell: @Sendable (JSONValue, Date) -> JSONValue
    }

    /// How much of each object a row carries (`includeObject`).
    enum IncludeObject: String {
        case none = "None", metadata = "Metadata", object = "Object"
    }

    /// Whether an Accept header asks for a Table.
    static func wantsTable(_ accept: String?) -> Bool {
        guard let accept else { return false }
        return accept.split(separator: ",").contains { part in
            let params = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            return params.contains("as=Table") && params.contains("g=meta.k8s.io")
        }
    }

    /// The Table for a list.
    static func table(for info: ResourceInfo, objects: [JSONValue], listMeta: JSONValue, include: IncludeObject,
                      now: Date, printerColumns: [CustomResource.PrinterColumn]? = nil) -> JSONValue {
        let columns = printerColumns.map(self.columns(printing:)) ?? self.columns(for: info)
        let rows: [JSONValue] = objects.map { object in
            var row: JSONValue = ["cells": .array(columns.map { $0.cell(object, now) })]
            switch include {
            case .none: break
            case .object: row["object"] = object
            case .metadata:
                row["object"] = ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                 "metadata": object["metadata"] ?? [:]]
            }
            return row
        }
        return [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": listMeta,
            "columnDefinitions": .array(columns.map {
                ["name": .string($0.name), "type": .string($0.type), "format": .string($0.format),
                 "description": .string($0.description), "priority": .int(Int64($0.priority))]
            }),
            "rows": .array(rows),
        ]
    }

    // MARK: - Columns

    /// A custom resource's columns: Name, then its CRD's `additionalPrinterColumns`, evaluated as
    /// upstream does (`date` cells become ages, missing values empty cells).
    static func columns(printing printerColumns: [CustomResource.PrinterColumn]) -> [Column] {
        let name = Column(name: "Name", type: "string", format: "name", priority: 0,
                          description: "Name must be unique within a namespace.") { o, _ in
            o.value(at: ["metadata", "name"]) ?? ""
        }
        return [name] + printerColumns.map { column in
            let path = try? SimpleJSONPath(column.jsonPath)
            return Column(name: column.name, type: column.type, format: column.format, priority: column.priority,
                          description: column.description) { object, now in
                guard let path, let value = path.evaluate(object), !value.isNull else { return .null }
                return cell(value, type: column.type, now: now)
            }
        }
    }

    /// A printer-column cell for a value of a declared type.
    static func cell(_ value: JSONValue, type: String, now: Date) -> JSONValue {
        switch type {
        case "date":
            guard let text = value.stringValue, let time = RFC3339.parse(text) else { return "<invalid>" }
            return .string(HumanDuration.format(seconds: Int64(now.timeIntervalSince(time).rounded(.down))))
        case "integer":
            return value.intValue.map(JSONValue.int) ?? .null
        case "number":
            switch value {
            case .int, .double: return value
            default: return .null
            }
        case "boolean":
            return value.boolValue.map(JSONValue.bool) ?? .null
        default:
            if let text = value.stringValue { return .string(text) }
            return .string(value.serialized())
        }
    }

    static func columns(for info: ResourceInfo) -> [Column] {
        let name = Column(name: "Name", type: "string", format: "name", priority: 0,
                          description: "Name must be unique within a namespace.") { o, _ in
            o.value(at: ["metadata", "name"]) ?? ""
        }
        let age = Column(name: "Age", type: "string", format: "", priority: 0,
                         description: "CreationTimestamp is a timestamp representing the server time when this object was created.") { o, now in
            guard let text = o.value(at: ["metadata", "creationTimestamp"])?.stringValue,
                  let created = RFC3339.parse(text)
            else { return "<unknown>" }
            return .string(HumanDuration.format(seconds: Int64(now.timeIntervalSince(created).rounded(.down))))
        }
        func col(_ title: String, type: String = "string", priority: Int = 0, _ description: String = "",
                 _ cell: @escaping @Sendable (JSONValue) -> JSONValue) -> Column {
            Column(name: title, type: type, format: "", priority: priority, description: description) { o, _ in cell(o) }
        }
        @Sendable func count(_ o: JSONValue, _ path: [String]) -> JSONValue {
            .int(Int64(o.value(at: path)?.objectValue?.count ?? o.value(at: path)?.arrayValue?.count ?? 0))
        }
        @Sendable func int(_ o: JSONValue, _ path: [String]) -> Int64 { o.value(at: path)?.intValue ?? 0 }
        @Sendable func containers(_ o: JSONValue) -> [JSONValue] {
            o.value(at: ["spec", "template", "spec", "containers"])?.arrayValue ?? []
        }
        @Sendable func selectorText(_ o: JSONValue) -> String {
            let labels = o.value(at: ["spec", "selector", "matchLabels"])?.objectValue ?? [:]
            var parts = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }
            for e in o.value(at: ["spec", "selector", "matchExpressions"])?.arrayValue ?? [] {
                let key = e["key"]?.stringValue ?? ""
                let values = (e["values"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",")
                switch e["operator"]?.stringValue ?? "" {
                case "In": parts.append("\(key) in (\(values))")
                case "NotIn": parts.append("\(key) notin (\(values))")
                case "Exists": parts.append(key)
                case "DoesNotExist": parts.append("!\(key)")
                default: break
                }
            }
            return parts.isEmpty ? "<none>" : parts.joined(separator: ",")
        }

        switch (info.group, info.resource) {
        case ("", "namespaces"):
            return [name, col("Status", "The status of the namespace") { $0.value(at: ["status", "phase"]) ?? "" }, age]
        case ("", "configmaps"):
            return [name, col("Data", type: "integer", "Number of data in the configmap") { o in
                .int(Int64((o["data"]?.objectValue?.count ?? 0) + (o["binaryData"]?.objectValue?.count ?? 0)))
            }, age]
        case ("", "endpoints"):
            return [name, col("Endpoints", "Endpoints of the service") { .string(Self.endpointsText($0)) }, age]
        case ("", "secrets"):
            return [name, col("Type", "The type of the secret") { $0["type"] ?? "" },
                    col("Data", type: "integer", "The number of data in the secret") { count($0, ["data"]) }, age]
        case ("", "serviceaccounts"):
            return [name, col("Secrets", type: "integer") { count($0, ["secrets"]) }, age]
        case ("", "services"):
            return [
                name, col("Type") { $0.value(at: ["spec", "type"]) ?? "ClusterIP" },
                col("Cluster-IP") { o in
                    let ip = o.value(at: ["spec", "clusterIP"])?.stringValue ?? ""
                    return .string(ip.isEmpty ? "<none>" : ip)
                },
                col("External-IP") { .string(serviceExternalIP($0)) },
                col("Port(s)") { o in
                    let ports = (o.value(at: ["spec", "ports"])?.arrayValue ?? []).map { p -> String in
                        let port = p["port"]?.intValue ?? 0
                        let proto = p["protocol"]?.stringValue ?? "TCP"
                        if let node = p["nodePort"]?.intValue { return "\(port):\(node)/\(proto)" }
                        return "\(port)/\(proto)"
                    }
                    return .string(ports.isEmpty ? "<none>" : ports.joined(separator: ","))
                },
                age,
                col("Selector", priority: 1) { o in
                    let sel = o.value(at: ["spec", "selector"])?.objectValue ?? [:]
                    let text = sel.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }
                    return .string(text.isEmpty ? "<none>" : text.joined(separator: ","))
                },
            ]
        case ("", "pods"):
            return [
                name,
                col("Ready", "The aggregate readiness state of this pod for accepting traffic.") { o in
                    let total = o.value(at: ["spec", "containers"])?.arrayValue?.count ?? 0
                    let ready = (o.value(at: ["status", "containerStatuses"])?.arrayValue ?? [])
                        .filter { $0["ready"]?.boolValue == true }.count
                    return .string("\(ready)/\(total)")
                },
                col("Status", "The aggregate status of the containers in this pod.") { .string(podStatus($0)) },
                Column(name: "Restarts", type: "string", format: "", priority: 0,
                       description: "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.") {
                    o, now in .string(podRestarts(o, now: now))
                },
                age,
                col("IP", priority: 1, "IP address allocated to the pod.") { o in
                    let ip = o.value(at: ["status", "podIP"])?.stringValue ?? ""
                    return .string(ip.isEmpty ? "<none>" : ip)
                },
                col("Node", priority: 1, "Name of the Node this pod is assigned to.") { o in
                    let node = o.value(at: ["spec", "nodeName"])?.stringValue ?? ""
                    return .string(node.isEmpty ? "<none>" : node)
                },
                col("Nominated Node", priority: 1, "Name of the Node this pod is nominated to run on.") { o in
                    let node = o.value(at: ["status", "nominatedNodeName"])?.stringValue ?? ""
                    return .string(node.isEmpty ? "<none>" : node)
                },
                col("Readiness Gates", priority: 1, "The readiness gates of this pod that are true, of all of them.") { o in
                    let gates = (o.value(at: ["spec", "readinessGates"])?.arrayValue ?? []).compactMap { $0["conditionType"]?.stringValue }
                    guard !gates.isEmpty else { return "<none>" }
                    let conditions = o.value(at: ["status", "conditions"])?.arrayValue ?? []
                    let met = gates.filter { gate in
                        conditions.contains { $0["type"]?.stringValue == gate && $0["status"]?.stringValue == "True" }
                    }.count
                    return .string("\(met)/\(gates.count)")
                },
            ]
        case ("", "nodes"):
            return [
                name,
                col("Status", "The status of the node") { .string(nodeStatus($0)) },
                col("Roles", "The roles of the node") { .string(nodeRoles($0)) },
                age,
                col("Version", "Kubelet Version reported by the node.") { $0.value(at: ["status", "nodeInfo", "kubeletVersion"]) ?? "" },
                col("Internal-IP", priority: 1, "List of internal IPs for the node.") { .string(nodeAddress($0, type: "InternalIP")) },
                col("External-IP", priority: 1, "List of external IPs for the node.") { .string(nodeAddress($0, type: "ExternalIP")) },
                col("OS-Image", priority: 1, "OS image reported by the node.") { .string(nodeInfo($0, "osImage")) },
                col("Kernel-Version", priority: 1, "Kernel version reported by the node.") { .string(nodeInfo($0, "kernelVersion")) },
                col("Container-Runtime", priority: 1, "Container runtime version reported by the node.") {
                    .string(nodeInfo($0, "containerRuntimeVersion"))
                },
            ]
        case ("apps", "deployments"):
            return [
                name,
                col("Ready", "Number of the pod with ready state") { o in
                    .string("\(int(o, ["status", "readyReplicas"]))/\(o.value(at: ["spec", "replicas"])?.intValue ?? 1)")
                },
                col("Up-to-date", type: "integer", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.") {
                    .int(int($0, ["status", "updatedReplicas"]))
                },
                col("Available", type: "integer", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.") {
                    .int(int($0, ["status", "availableReplicas"]))
                },
                age,
                col("Containers", priority: 1, "Names of each container in the template.") { o in
                    .string(containers(o).compactMap { $0["name"]?.stringValue }.joined(separator: ","))
                },
                col("Images", priority: 1, "Images referenced by each container in the template.") { o in
                    .string(containers(o).compactMap { $0["image"]?.stringValue }.joined(separator: ","))
                },
                col("Selector", priority: 1, "Label selector for pods.") { .string(selectorText($0)) },
            ]
        case ("apps", "replicasets"):
            return [
                name, col("Desired", type: "integer") { .int($0.value(at: ["spec", "replicas"])?.intValue ?? 1) },
                col("Current", type: "integer") { .int(int($0, ["status", "replicas"])) },
                col("Ready", type: "integer") { .int(int($0, ["status", "readyReplicas"])) }, age,
                col("Containers", priority: 1) { o in
                    .string(containers(o).compactMap { $0["name"]?.stringValue }.joined(separator: ","))
                },
                col("Images", priority: 1) { o in
                    .string(containers(o).compactMap { $0["image"]?.stringValue }.joined(separator: ","))
                },
                col("Selector", priority: 1) { .string(selectorText($0)) },
            ]
        case ("", "events"):
            return [
                Column(name: "Last Seen", type: "string", format: "", priority: 0,
                       description: "Time when last this event was seen.") { o, now in .string(eventLastSeen(o, now: now)) },
                col("Type", "Type of this event (Normal, Warning), new types could be added in the future.") { $0["type"] ?? "" },
                col("Reason", "The reason this event was generated; short, machine understandable string.") { $0["reason"] ?? "" },
                col("Object", "The object this event is about.") { o in
                    let kind = o.value(at: ["involvedObject", "kind"])?.stringValue?.lowercased() ?? ""
                    return .string("\(kind)/\(o.value(at: ["involvedObject", "name"])?.stringValue ?? "")")
                },
                col("Subobject", priority: 1, "The subobject (field path) this event is about.") {
                    $0.value(at: ["involvedObject", "fieldPath"]) ?? ""
                },
                col("Source", priority: 1, "The component reporting this event.") { o in
                    func first(_ a: [String], _ b: [String]) -> String {
                        let x = o.value(at: a)?.stringValue ?? ""
                        return x.isEmpty ? (o.value(at: b)?.stringValue ?? "") : x
                    }
                    let component = first(["source", "component"], ["reportingComponent"])
                    let instance = first(["source", "host"], ["reportingInstance"])
                    return .string(instance.isEmpty ? component : "\(component), \(instance)")
                },
                col("Message", "A human-readable description of the status of this operation.") { $0["message"] ?? "" },
                Column(name: "First Seen", type: "string", format: "", priority: 1,
                       description: "The time at which the event was first recorded.") { o, now in
                    .string(since(o["firstTimestamp"]?.stringValue, now: now))
                },
                col("Count", priority: 1, "The number of times this event has occurred.") { o in
                    .string(String(o["count"]?.intValue ?? 0))
                },
                Column(name: "Name", type: "string", format: "name", priority: 1,
                       description: "Name must be unique within a namespace.") { o, _ in o.value(at: ["metadata", "name"]) ?? "" },
            ]
        case ("scheduling.k8s.io", "priorityclasses"):
            return [
                name,
                col("Value", type: "integer", "The value of this priority class.") { .int($0["value"]?.intValue ?? 0) },
                col("Global-Default", type: "boolean", "Whether this is the default priority for pods without a class.") {
                    .bool($0["globalDefault"]?.boolValue ?? false)
                },
                age,
                col("PreemptionPolicy", "The policy for preempting pods with lower priority.") {
                    $0["preemptionPolicy"] ?? "PreemptLowerPriority"
                },
            ]
        default:
            if let columns = moreColumns(for: info, name: name, age: age) { return columns }
            return [name, Column(name: "Created At", type: "date", format: "", priority: 0,
                                 description: "CreationTimestamp is a timestamp representing the server time when this object was created.") { o, _ in
                o.value(at: ["metadata", "creationTimestamp"]) ?? .null
            }]
        }
    }

    // MARK: - Cells as upstream's printers compute them

    /// `now - timestamp` as kubectl prints ages; `<unknown>` for a missing or bad time.
    static func since(_ timestamp: String?, now: Date) -> String {
        guard let timestamp, let time = RFC3339.parse(timestamp) else { return "<unknown>" }
        return HumanDuration.format(seconds: Int64(now.timeIntervalSince(time).rounded(.down)))
    }

    /// A pod's STATUS (upstream `printPod`): the phase or reason, overridden by an init container
    /// still running (`Init:N/M`, `Init:<reason>`) or a container's waiting or terminated reason;
    /// `Terminating` while it is being deleted.
    static func podStatus(_ o: JSONValue) -> String {
        var reason = o.value(at: ["status", "phase"])?.stringValue ?? ""
        if let r = o.value(at: ["status", "reason"])?.stringValue, !r.isEmpty { reason = r }
        let initSpecs = o.value(at: ["spec", "initContainers"])?.arrayValue ?? []
        var initializing = false
        for (i, status) in (o.value(at: ["status", "initContainerStatuses"])?.arrayValue ?? []).enumerated() {
            if let terminated = status.value(at: ["state", "terminated"]), terminated["exitCode"]?.intValue == 0 { continue }
            if let terminated = status.value(at: ["state", "terminated"]) {
                if let r = terminated["reason"]?.stringValue, !r.isEmpty {
                    reason = "Init:" + r
                } else if let signal = terminated["signal"]?.intValue, signal != 0 {
                    reason = "Init:Signal:\(signal)"
                } else {
                    reason = "Init:ExitCode:\(terminated["exitCode"]?.intValue ?? 0)"
                }
            } else if let r = status.value(at: ["state", "waiting", "reason"])?.stringValue, !r.isEmpty, r != "PodInitializing" {
                reason = "Init:" + r
            } else {
                reason = "Init:\(i)/\(initSpecs.count)"
            }
            initializing = true
            break
        }
        if !initializing {
            var hasRunning = false
            for status in (o.value(at: ["status", "containerStatuses"])?.arrayValue ?? []).reversed() {
                if let r = status.value(at: ["state", "waiting", "reason"])?.stringValue, !r.isEmpty {
                    reason = r
                } else if let terminated = status.value(at: ["state", "terminated"]) {
                    if let r = terminated["reason"]?.stringValue, !r.isEmpty {
                        reason = r
                    } else if let signal = terminated["signal"]?.intValue, signal != 0 {
                        reason = "Signal:\(signal)"
                    } else {
                        reason = "ExitCode:\(terminated["exitCode"]?.intValue ?? 0)"
                    }
                } else if status["ready"]?.boolValue == true, status.value(at: ["state", "running"]) != nil {
                    hasRunning = true
                }
            }
            if reason == "Completed" && hasRunning {
                let ready = (o.value(at: ["status", "conditions"])?.arrayValue ?? [])
                    .contains { $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True" }
                reason = ready ? "Running" : "NotReady"
            }
        }
        if o.value(at: ["metadata", "deletionTimestamp"]) != nil {
            reason = o.value(at: ["status", "reason"])?.stringValue == "NodeLost" ? "Unknown" : "Terminating"
        }
        return reason.isEmpty ? "Pending" : reason
    }

    /// A pod's RESTARTS: the sum of its containers' restart counts, with how long ago the last one
    /// ended (`3 (2m ago)`), as upstream prints it.
    static func podRestarts(_ o: JSONValue, now: Date) -> String {
        var restarts: Int64 = 0
        var last: Date?
        for status in o.value(at: ["status", "containerStatuses"])?.arrayValue ?? [] {
            restarts += status["restartCount"]?.intValue ?? 0
            if let text = status.value(at: ["lastState", "terminated", "finishedAt"])?.stringValue,
               let finished = RFC3339.parse(text), last.map({ finished > $0 }) ?? true
            {
                last = finished
            }
        }
        guard restarts > 0, let last else { return String(restarts) }
        return "\(restarts) (\(HumanDuration.format(seconds: Int64(now.timeIntervalSince(last).rounded(.down)))) ago)"
    }

    /// A node's STATUS: `Ready`/`NotReady` from its Ready condition (`Unknown` without one), plus
    /// `SchedulingDisabled` when cordoned.
    static func nodeStatus(_ o: JSONValue) -> String {
        var parts: [String] = []
        if let ready = (o.value(at: ["status", "conditions"])?.arrayValue ?? []).first(where: { $0["type"]?.stringValue == "Ready" }) {
            parts.append(ready["status"]?.stringValue == "True" ? "Ready" : "NotReady")
        }
        if parts.isEmpty { parts.append("Unknown") }
        if o.value(at: ["spec", "unschedulable"])?.boolValue == true { parts.append("SchedulingDisabled") }
        return parts.joined(separator: ",")
    }

    /// A node's ROLES, from `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`.
    static func nodeRoles(_ o: JSONValue) -> String {
        var roles = Set<String>()
        for (key, value) in o.value(at: ["metadata", "labels"])?.objectValue ?? [:] {
            if key.hasPrefix("node-role.kubernetes.io/") {
                let role = String(key.dropFirst("node-role.kubernetes.io/".count))
                if !role.isEmpty { roles.insert(role) }
            } else if key == "kubernetes.io/role", let role = value.stringValue, !role.isEmpty {
                roles.insert(role)
            }
        }
        return roles.isEmpty ? "<none>" : roles.sorted().joined(separator: ",")
    }

    /// The node's first address of `type`, or `<none>`.
    static func nodeAddress(_ o: JSONValue, type: String) -> String {
        let address = (o.value(at: ["status", "addresses"])?.arrayValue ?? [])
            .first { $0["type"]?.stringValue == type }?["address"]?.stringValue ?? ""
        return address.isEmpty ? "<none>" : address
    }

    /// A `status.nodeInfo` field, or `<unknown>`.
    static func nodeInfo(_ o: JSONValue, _ field: String) -> String {
        let value = o.value(at: ["status", "nodeInfo", field])?.stringValue ?? ""
        return value.isEmpty ? "<unknown>" : value
    }

    /// An Endpoints object's ENDPOINTS as kubectl prints it: `ip:port` pairs of ready addresses, the first
    /// three then ` + N more...`, or `<none>`.
    static func endpointsText(_ o: JSONValue) -> String {
        var pairs: [String] = []
        for subset in o["subsets"]?.arrayValue ?? [] {
            let ips = (subset["addresses"]?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue }
            let ports = (subset["ports"]?.arrayValue ?? []).compactMap { $0["port"]?.intValue }
            for ip in ips {
                if ports.isEmpty { pairs.append(ip) } else { pairs += ports.map { "\(ip):\($0)" } }
            }
        }
        if pairs.isEmpty { return "<none>" }
        if pairs.count > 3 { return pairs.prefix(3).joined(separator: ",") + " + \(pairs.count - 3) more..." }
        return pairs.joined(separator: ",")
    }

    /// A service's EXTERNAL-IP: external IPs, load-balancer ingress (`<pending>` until there is
    /// one) or the external name.
    static func serviceExternalIP(_ o: JSONValue) -> String {
        let external = (o.value(at: ["spec", "externalIPs"])?.arrayValue ?? []).compactMap(\.stringValue)
        switch o.value(at: ["spec", "type"])?.stringValue ?? "ClusterIP" {
        case "LoadBalancer":
            let ingress = (o.value(at: ["status", "loadBalancer", "ingress"])?.arrayValue ?? []).compactMap {
                $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue
            }
            let all = ingress + external
            return all.isEmpty ? "<pending>" : all.joined(separator: ",")
        case "ExternalName":
            return o.value(at: ["spec", "externalName"])?.stringValue ?? "<none>"
        default:
            return external.isEmpty ? "<none>" : external.joined(separator: ",")
        }
    }

    /// An event's LAST SEEN, with `(xN over AGE)` for repeated events.
    static func eventLastSeen(_ o: JSONValue, now: Date) -> String {
        if let series = o["series"], let count = series["count"]?.intValue {
            let last = since(series["lastObservedTime"]?.stringValue, now: now)
            let first = since(o["eventTime"]?.stringValue, now: now)
            return "\(last) (x\(count) over \(first))"
        }
        let last = o["lastTimestamp"]?.stringValue ?? o["eventTime"]?.stringValue
            ?? o.value(at: ["metadata", "creationTimestamp"])?.stringValue
        let count = o["count"]?.intValue ?? 1
        if count > 1 {
            let first = o["firstTimestamp"]?.stringValue ?? last
            return "\(since(last, now: now)) (x\(count) over \(since(first, now: now)))"
        }
        return since(last, now: now)
    }
}
